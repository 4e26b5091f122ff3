//! The provider as the gateway's bucket and credential registry.

use futures_executor::block_on;
use multistore::config::StoredCredential;
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

#[test]
fn buckets_are_found_by_name() {
    let provider = provider();
    assert_eq!(block_on(provider.get_bucket("nope")).unwrap(), None);
    for name in ["public", "private", "analytics"] {
        let resolved = block_on(provider.get_bucket(name)).unwrap().unwrap();
        assert_eq!(resolved.config, *provider.bucket(name).unwrap());
        assert_eq!(resolved.list_rewrite, None);
    }
}

#[test]
fn every_bucket_is_listed_dated_by_the_load_time() {
    let provider = provider();
    let listed = block_on(provider.list_buckets()).unwrap();
    let names: Vec<&str> = listed.iter().map(|b| b.config.name.as_str()).collect();
    assert_eq!(names, ["public", "private", "analytics"]);
    assert!(
        listed
            .iter()
            .all(|listed| listed.creation_date == provider.loaded_at())
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
