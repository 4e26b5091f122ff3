//! The provider as the gateway's bucket and credential registry.

use chrono::{TimeZone, Utc};
use futures_executor::block_on;
use multistore::ProxyError;
use multistore::SecretString;
use multistore::api::{ReadParams, S3Operation};
use multistore::auth::ResolvedIdentity;
use multistore::config::{AccessScope, Action, StoredCredential, TemporaryCredentials};
use multistore::registry::{BucketRegistry, CredentialRegistry};
use multistore_static_config::StaticProvider;

use crate::common::{lines, load_toml};

fn provider() -> StaticProvider {
    let text = lines(&[
        "[[buckets]]",
        "name = \"public\"",
        "backend_type = \"memory\"",
        "anonymous_access = true",
        "[[buckets]]",
        "name = \"private\"",
        "backend_type = \"memory\"",
        "[[buckets]]",
        "name = \"analytics\"",
        "backend_type = \"memory\"",
        "allowed_roles = [\"analyst\"]",
        "[[roles]]",
        "role_id = \"analyst\"",
        "name = \"Analyst\"",
        "trusted_oidc_issuers = [\"https://issuer.example\"]",
        "[[credentials]]",
        "access_key_id = \"AKIAWRITER\"",
        "secret_access_key = \"writer-secret\"",
        "principal_name = \"writer\"",
        "created_at = 2025-01-01T00:00:00Z",
        "[[credentials.allowed_scopes]]",
        "bucket = \"private\"",
        "prefixes = [\"in/\"]",
        "actions = [\"get_object\", \"put_object\"]",
    ]);
    load_toml(&text).unwrap()
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

fn writer(provider: &StaticProvider) -> ResolvedIdentity {
    let credential = provider.credential("AKIAWRITER").unwrap().clone();
    ResolvedIdentity::LongLived(Box::new(credential))
}

fn session(role: &str, scopes: Vec<AccessScope>) -> ResolvedIdentity {
    ResolvedIdentity::Temporary(Box::new(TemporaryCredentials {
        access_key_id: "ASIASESSION".into(),
        secret_access_key: SecretString::new("session-secret"),
        session_token: SecretString::new("token"),
        expiration: Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap(),
        allowed_scopes: scopes,
        assumed_role_id: role.into(),
        source_identity: "someone".into(),
    }))
}

fn scope_everywhere() -> Vec<AccessScope> {
    vec![AccessScope {
        bucket: "*".into(),
        prefixes: vec![],
        actions: vec![Action::GetObject, Action::ListBucket],
    }]
}

fn denied(result: &Result<impl std::fmt::Debug, ProxyError>) -> bool {
    matches!(result, Err(ProxyError::AccessDenied(_)))
}

#[test]
fn unknown_buckets_do_not_exist_for_anyone() {
    let provider = provider();
    for identity in [ResolvedIdentity::Anonymous, writer(&provider)] {
        let result = block_on(provider.get_bucket("nope", &identity, &get("nope", "k")));
        assert!(matches!(result, Err(ProxyError::NoSuchBucket(name)) if name == "nope"));
    }
}

#[test]
fn anonymous_callers_may_only_read_public_buckets() {
    let provider = provider();
    let anonymous = ResolvedIdentity::Anonymous;
    let resolved =
        block_on(provider.get_bucket("public", &anonymous, &get("public", "k"))).unwrap();
    assert_eq!(resolved.config.name, "public");
    assert_eq!(resolved.list_rewrite, None);
    assert!(denied(&block_on(provider.get_bucket(
        "public",
        &anonymous,
        &put("public", "k")
    ))));
    assert!(denied(&block_on(provider.get_bucket(
        "private",
        &anonymous,
        &get("private", "k")
    ))));
}

#[test]
fn keys_are_limited_to_their_scopes() {
    let provider = provider();
    let writer = writer(&provider);
    let allowed = block_on(provider.get_bucket("private", &writer, &put("private", "in/x")));
    assert_eq!(
        allowed.unwrap().config,
        *provider.bucket("private").unwrap()
    );
    assert!(denied(&block_on(provider.get_bucket(
        "private",
        &writer,
        &put("private", "out/x")
    ))));
    assert!(denied(&block_on(provider.get_bucket(
        "public",
        &writer,
        &put("public", "in/x")
    ))));
}

#[test]
fn role_restricted_buckets_admit_only_their_roles() {
    let provider = provider();
    let analyst = session("analyst", scope_everywhere());
    let other = session("other", scope_everywhere());
    let operation = get("analytics", "k");
    assert!(block_on(provider.get_bucket("analytics", &analyst, &operation)).is_ok());
    assert!(denied(&block_on(provider.get_bucket(
        "analytics",
        &other,
        &operation
    ))));
}

#[test]
fn listing_shows_only_visible_buckets_in_name_order() {
    let provider = provider();
    let names = |identity: &ResolvedIdentity| -> Vec<String> {
        block_on(provider.list_buckets(identity))
            .unwrap()
            .into_iter()
            .map(|summary| summary.name)
            .collect()
    };
    assert_eq!(names(&ResolvedIdentity::Anonymous), ["public"]);
    assert_eq!(names(&writer(&provider)), ["private"]);
    assert_eq!(
        names(&session("analyst", scope_everywhere())),
        ["analytics", "private", "public"]
    );
    assert_eq!(
        names(&session("other", scope_everywhere())),
        ["private", "public"]
    );
}

#[test]
fn listed_buckets_are_dated_by_the_load_time() {
    let provider = provider();
    let session = session("analyst", scope_everywhere());
    let listed = block_on(provider.list_buckets(&session)).unwrap();
    assert!(
        listed
            .iter()
            .all(|summary| summary.creation_date == provider.loaded_at())
    );
}

#[test]
fn credentials_and_roles_are_found_by_id() {
    let provider = provider();
    let found: Option<StoredCredential> = block_on(provider.get_credential("AKIAWRITER")).unwrap();
    assert_eq!(found.unwrap().principal_name, "writer");
    assert_eq!(
        block_on(provider.get_credential("AKIAOTHER")).unwrap(),
        None
    );
    let role = block_on(provider.get_role("analyst")).unwrap().unwrap();
    assert_eq!(role.name, "Analyst");
    assert_eq!(block_on(provider.get_role("writer")).unwrap(), None);
}
