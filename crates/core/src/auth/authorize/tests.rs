use chrono::{TimeZone, Utc};

use super::*;
use crate::SecretString;
use crate::api::{CopySource, KeyEncoding, ListObjectsParams, ListVersion, ReadParams};
use crate::config::{
    AccessScope, BackendOptions, BackendType, StoredCredential, TemporaryCredentials,
};

fn bucket(name: &str, anonymous: bool, roles: &[&str]) -> BucketConfig {
    BucketConfig {
        name: name.into(),
        backend_type: BackendType::Memory,
        backend_prefix: None,
        anonymous_access: anonymous,
        allowed_roles: roles.iter().map(|r| r.to_string()).collect(),
        backend_options: BackendOptions::default(),
    }
}

fn scope(bucket: &str, prefixes: &[&str], actions: &[Action]) -> AccessScope {
    AccessScope {
        bucket: bucket.into(),
        prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
        actions: actions.to_vec(),
    }
}

fn long_lived(scopes: Vec<AccessScope>) -> ResolvedIdentity {
    ResolvedIdentity::LongLived(Box::new(StoredCredential {
        access_key_id: "AKIDEXAMPLE".into(),
        secret_access_key: SecretString::new("s"),
        principal_name: "tester".into(),
        created_at: Utc.timestamp_opt(0, 0).unwrap(),
        expires_at: None,
        enabled: true,
        allowed_scopes: scopes,
    }))
}

fn temporary(role: &str, scopes: Vec<AccessScope>) -> ResolvedIdentity {
    ResolvedIdentity::Temporary(Box::new(TemporaryCredentials {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: SecretString::new("s"),
        session_token: SecretString::new("t"),
        expiration: Utc.timestamp_opt(4_000_000_000, 0).unwrap(),
        allowed_scopes: scopes,
        assumed_role_id: role.into(),
        source_identity: "repo:org/x".into(),
    }))
}

fn get(bucket: &str, key: &str, version: Option<&str>) -> S3Operation {
    S3Operation::GetObject {
        bucket: bucket.into(),
        key: key.into(),
        params: ReadParams {
            version_id: version.map(str::to_owned),
            ..ReadParams::default()
        },
    }
}

fn put(bucket: &str, key: &str) -> S3Operation {
    S3Operation::PutObject {
        bucket: bucket.into(),
        key: key.into(),
    }
}

fn list(bucket: &str, prefix: &str) -> S3Operation {
    S3Operation::ListObjects {
        bucket: bucket.into(),
        params: ListObjectsParams {
            prefix: prefix.into(),
            delimiter: None,
            max_keys: 1000,
            encoding: KeyEncoding::Plain,
            version: ListVersion::V1 { marker: None },
        },
    }
}

#[test]
fn anonymous_may_only_read_public_buckets() {
    let public = bucket("pub", true, &[]);
    let private = bucket("priv", false, &[]);
    let anon = ResolvedIdentity::Anonymous;
    assert!(authorize(&anon, &public, &get("pub", "k", None)).is_ok());
    assert!(authorize(&anon, &public, &list("pub", "")).is_ok());
    assert!(
        authorize(
            &anon,
            &public,
            &S3Operation::HeadBucket {
                bucket: "pub".into()
            }
        )
        .is_ok()
    );
    assert!(authorize(&anon, &public, &put("pub", "k")).is_err());
    assert!(authorize(&anon, &public, &get("pub", "k", Some("v1"))).is_err());
    let delete = S3Operation::DeleteObject {
        bucket: "pub".into(),
        key: "k".into(),
        version_id: None,
    };
    assert!(authorize(&anon, &public, &delete).is_err());
    assert!(authorize(&anon, &private, &get("priv", "k", None)).is_err());
    assert!(can_see_bucket(&anon, &public));
    assert!(!can_see_bucket(&anon, &private));
}

#[test]
fn scopes_limit_keys_and_actions() {
    let b = bucket("data", false, &[]);
    let id = long_lived(vec![scope(
        "data",
        &["team/"],
        &[Action::GetObject, Action::ListBucket],
    )]);
    assert!(authorize(&id, &b, &get("data", "team/x", None)).is_ok());
    assert!(authorize(&id, &b, &get("data", "other/x", None)).is_err());
    assert!(authorize(&id, &b, &put("data", "team/x")).is_err());
    assert!(authorize(&id, &b, &list("data", "team/")).is_ok());
    assert!(authorize(&id, &b, &list("data", "")).is_err());
    assert!(authorize(&id, &b, &get("data", "team/x", Some("v"))).is_err());
}

#[test]
fn copies_read_the_source_and_write_the_destination() {
    let src = bucket("src", false, &[]);
    let dst = bucket("dst", false, &[]);
    let copy = S3Operation::CopyObject {
        bucket: "dst".into(),
        key: "k".into(),
        source: CopySource {
            bucket: "src".into(),
            key: "s".into(),
            version_id: Some("v".into()),
        },
    };
    let reader_writer = long_lived(vec![
        scope("src", &[], &[Action::GetObjectVersion]),
        scope("dst", &[], &[Action::PutObject]),
    ]);
    assert!(authorize(&reader_writer, &src, &copy).is_ok());
    assert!(authorize(&reader_writer, &dst, &copy).is_ok());

    // Unversioned read permission is not enough for a versioned source.
    let plain_reader = long_lived(vec![
        scope("src", &[], &[Action::GetObject]),
        scope("dst", &[], &[Action::PutObject]),
    ]);
    assert!(authorize(&plain_reader, &src, &copy).is_err());

    // Writing the destination does not imply reading the source.
    let writer_only = long_lived(vec![scope("*", &[], &[Action::PutObject])]);
    assert!(authorize(&writer_only, &src, &copy).is_err());
    assert!(authorize(&writer_only, &dst, &copy).is_ok());
}

#[test]
fn allowed_roles_restrict_temporary_credentials_only() {
    let b = bucket("ci", false, &["deployer"]);
    let scopes = vec![scope("*", &[], &[Action::GetObject])];
    assert!(
        authorize(
            &temporary("deployer", scopes.clone()),
            &b,
            &get("ci", "k", None)
        )
        .is_ok()
    );
    assert!(
        authorize(
            &temporary("intruder", scopes.clone()),
            &b,
            &get("ci", "k", None)
        )
        .is_err()
    );
    assert!(!can_see_bucket(&temporary("intruder", scopes.clone()), &b));
    assert!(authorize(&long_lived(scopes), &b, &get("ci", "k", None)).is_ok());
}

#[test]
fn per_key_checks_for_batch_delete() {
    let b = bucket("data", false, &[]);
    let id = long_lived(vec![scope("data", &["tmp/"], &[Action::DeleteObject])]);
    let batch = S3Operation::DeleteObjects {
        bucket: "data".into(),
    };
    assert!(authorize(&id, &b, &batch).is_ok());
    assert!(authorize_key(&id, &b, "tmp/a", Action::DeleteObject).is_ok());
    assert!(authorize_key(&id, &b, "keep/a", Action::DeleteObject).is_err());
}

#[test]
fn every_operation_has_requirements_except_list_buckets() {
    let ops = [
        S3Operation::CreateBucket { bucket: "b".into() },
        S3Operation::GetBucketLocation { bucket: "b".into() },
        S3Operation::AbortMultipartUpload {
            bucket: "b".into(),
            key: "k".into(),
            upload_id: "u".into(),
        },
        S3Operation::GetObjectTagging {
            bucket: "b".into(),
            key: "k".into(),
            version_id: None,
        },
    ];
    for op in &ops {
        assert!(!requirements(op).is_empty(), "{op:?}");
    }
    assert!(requirements(&S3Operation::ListBuckets).is_empty());
}
