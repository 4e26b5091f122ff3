use std::sync::Mutex;

use chrono::{DateTime, TimeZone, Utc};
use futures_executor::block_on;

use super::*;
use crate::SecretString;
use crate::api::{CopySource, ReadParams};
use crate::config::{AccessScope, BackendOptions, BackendType, StoredCredential};
use crate::registry::ListedBucket;

/// Returns every configured bucket to anyone, as a registry that knows nothing about
/// authorization, and records the names looked up.
struct Unguarded {
    buckets: Vec<BucketConfig>,
    /// Resolves this name to the first bucket, whatever its name.
    alias: Option<&'static str>,
    looked_up: Mutex<Vec<String>>,
}

impl Unguarded {
    fn new() -> Self {
        Self {
            buckets: vec![
                bucket("public", true),
                bucket("private", false),
                bucket("other", false),
            ],
            alias: None,
            looked_up: Mutex::new(vec![]),
        }
    }

    fn looked_up(&self) -> Vec<String> {
        self.looked_up.lock().unwrap().clone()
    }
}

impl BucketRegistry for Unguarded {
    async fn get_bucket(&self, name: &str) -> Result<Option<ResolvedBucket>, ProxyError> {
        self.looked_up.lock().unwrap().push(name.to_owned());
        if self.alias == Some(name) {
            return Ok(Some(ResolvedBucket::new(self.buckets[0].clone())));
        }
        let found = self.buckets.iter().find(|bucket| bucket.name == name);
        Ok(found.cloned().map(ResolvedBucket::new))
    }

    async fn list_buckets(&self) -> Result<Vec<ListedBucket>, ProxyError> {
        // Reverse order, so that sorting is the gateway's job.
        Ok(self
            .buckets
            .iter()
            .rev()
            .map(|config| ListedBucket {
                config: config.clone(),
                creation_date: created(),
            })
            .collect())
    }
}

fn created() -> DateTime<Utc> {
    Utc.timestamp_opt(1_700_000_000, 0).unwrap()
}

fn bucket(name: &str, anonymous: bool) -> BucketConfig {
    BucketConfig {
        name: name.into(),
        backend_type: BackendType::Memory,
        backend_prefix: None,
        anonymous_access: anonymous,
        allowed_roles: vec![],
        backend_options: BackendOptions::default(),
    }
}

/// A long-lived key with `scopes`.
fn key(scopes: Vec<AccessScope>) -> ResolvedIdentity {
    ResolvedIdentity::LongLived(Box::new(StoredCredential {
        access_key_id: "AKIDSCOPED".into(),
        secret_access_key: SecretString::new("s"),
        principal_name: "scoped".into(),
        created_at: Utc.timestamp_opt(0, 0).unwrap(),
        expires_at: None,
        enabled: true,
        allowed_scopes: scopes,
    }))
}

/// A key that may read, write and delete under `in/` of `private`.
fn scoped() -> ResolvedIdentity {
    key(vec![AccessScope {
        bucket: "private".into(),
        prefixes: vec!["in/".into()],
        actions: vec![Action::GetObject, Action::PutObject, Action::DeleteObject],
    }])
}

fn get(bucket: &str, key: &str) -> S3Operation {
    S3Operation::GetObject {
        bucket: bucket.into(),
        key: key.into(),
        params: ReadParams::default(),
    }
}

fn put(bucket: &str, key: &str) -> S3Operation {
    S3Operation::PutObject {
        bucket: bucket.into(),
        key: key.into(),
    }
}

fn copy(from: (&str, &str), to: (&str, &str)) -> S3Operation {
    S3Operation::CopyObject {
        bucket: to.0.into(),
        key: to.1.into(),
        source: CopySource {
            bucket: from.0.into(),
            key: from.1.into(),
            version_id: None,
        },
    }
}

fn check(
    registry: &Unguarded,
    identity: &ResolvedIdentity,
    operation: &S3Operation,
) -> Result<AuthorizedBuckets, ProxyError> {
    block_on(authorize_buckets(registry, identity, operation))
}

fn denied<T>(result: &Result<T, ProxyError>) -> bool {
    matches!(result, Err(ProxyError::AccessDenied(_)))
}

#[test]
fn missing_buckets_are_no_such_bucket_before_any_access_check() {
    let registry = Unguarded::new();
    for identity in [ResolvedIdentity::Anonymous, scoped()] {
        let result = check(&registry, &identity, &put("nope", "in/k"));
        assert!(
            matches!(&result, Err(ProxyError::NoSuchBucket(name)) if name == "nope"),
            "{result:?}"
        );
    }
}

#[test]
fn scopes_hold_whatever_the_registry_returns() {
    let registry = Unguarded::new();
    let anonymous = ResolvedIdentity::Anonymous;
    let resolved = check(&registry, &anonymous, &get("public", "k")).unwrap();
    assert_eq!(resolved.bucket.unwrap().config.name, "public");
    assert!(resolved.source_bucket.is_none());
    assert!(denied(&check(&registry, &anonymous, &put("public", "k"))));
    assert!(denied(&check(&registry, &anonymous, &get("private", "k"))));

    let scoped = scoped();
    assert!(check(&registry, &scoped, &put("private", "in/k")).is_ok());
    assert!(denied(&check(&registry, &scoped, &put("private", "out/k"))));
    assert!(denied(&check(&registry, &scoped, &get("other", "in/k"))));
}

#[test]
fn copies_are_authorized_on_both_buckets_destination_first() {
    let registry = Unguarded::new();
    let scoped = scoped();
    // The source lies outside the key's scopes.
    let result = check(
        &registry,
        &scoped,
        &copy(("other", "in/a"), ("private", "in/b")),
    );
    assert!(denied(&result));
    assert_eq!(registry.looked_up(), ["private", "other"]);

    // A missing source is reported as such, once the destination is allowed.
    let result = check(
        &registry,
        &scoped,
        &copy(("nope", "a"), ("private", "in/b")),
    );
    assert!(matches!(result, Err(ProxyError::NoSuchBucket(name)) if name == "nope"));

    // A refused destination is reported before the source is even looked up.
    let registry = Unguarded::new();
    let result = check(
        &registry,
        &scoped,
        &copy(("nope", "a"), ("private", "out/b")),
    );
    assert!(denied(&result));
    assert_eq!(registry.looked_up(), ["private"]);
}

#[test]
fn a_copy_within_one_bucket_looks_it_up_once() {
    let registry = Unguarded::new();
    let scoped = scoped();
    let operation = copy(("private", "in/a"), ("private", "in/b"));
    let resolved = check(&registry, &scoped, &operation).unwrap();
    assert_eq!(resolved.bucket, resolved.source_bucket);
    assert_eq!(registry.looked_up(), ["private"]);
    // Both ends are still checked: the source key is outside the scopes here.
    let operation = copy(("private", "out/a"), ("private", "in/b"));
    assert!(denied(&check(&registry, &scoped, &operation)));
}

#[test]
fn a_bucket_resolved_under_another_name_is_refused() {
    let registry = Unguarded {
        alias: Some("alias"),
        ..Unguarded::new()
    };
    // Under its own name `public` forbids writes; under an alias no requirement would match.
    let result = check(&registry, &ResolvedIdentity::Anonymous, &put("alias", "k"));
    assert!(matches!(result, Err(ProxyError::Internal(_))), "{result:?}");
}

#[test]
fn list_buckets_shows_what_the_caller_may_see_in_name_order() {
    let registry = Unguarded::new();
    let names = |identity: &ResolvedIdentity| -> Vec<String> {
        block_on(visible_buckets(&registry, identity))
            .unwrap()
            .into_iter()
            .map(|summary| {
                assert_eq!(summary.creation_date, created());
                summary.name
            })
            .collect()
    };
    assert_eq!(names(&ResolvedIdentity::Anonymous), ["public"]);
    assert_eq!(names(&scoped()), ["private"]);
    let everywhere = key(vec![AccessScope {
        bucket: "*".into(),
        prefixes: vec![],
        actions: vec![Action::ListBucket],
    }]);
    assert_eq!(names(&everywhere), ["other", "private", "public"]);
}

#[test]
fn each_deleted_key_is_authorized_on_its_own() {
    let private = bucket("private", false);
    let scoped = scoped();
    let object = |key: &str, version: Option<&str>| ObjectToDelete {
        key: key.into(),
        version_id: version.map(str::to_owned),
    };
    assert!(authorize_deletion(&scoped, &private, &object("in/a", None)).is_ok());
    assert!(denied(&authorize_deletion(
        &scoped,
        &private,
        &object("out/a", None)
    )));
    // A named version needs `delete_object_version`, which the key lacks.
    assert!(denied(&authorize_deletion(
        &scoped,
        &private,
        &object("in/a", Some("v1"))
    )));
    assert!(denied(&authorize_deletion(
        &ResolvedIdentity::Anonymous,
        &bucket("public", true),
        &object("a", None)
    )));
}
