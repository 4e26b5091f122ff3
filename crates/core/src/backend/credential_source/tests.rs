use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::TimeZone;
use futures_executor::block_on;

use super::*;
use crate::SecretString;
use crate::backend::BackendSecret;

/// Fetches a new key pair on every call, valid for one hour from the time it is asked at.
#[derive(Debug, Default)]
struct Minting {
    fetches: AtomicUsize,
}

impl BackendCredentialSource for Minting {
    async fn credentials(
        &self,
        _bucket: &BucketConfig,
        now: DateTime<Utc>,
    ) -> Result<BackendCredentials, ProxyError> {
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(
            BackendCredentials::s3(format!("ASIA{n}"), SecretString::new(format!("s{n}")), None)
                .expiring_at(now + TimeDelta::hours(1)),
        )
    }
}

fn bucket(name: &str, region: &str) -> BucketConfig {
    BucketConfig {
        name: name.into(),
        backend_type: BackendType::S3,
        backend_prefix: None,
        anonymous_access: false,
        allowed_roles: vec![],
        backend_options: [("region", region)].into_iter().collect(),
    }
}

fn key_id(credentials: &BackendCredentials) -> String {
    match credentials.secret() {
        BackendSecret::S3(keys) => keys.access_key_id.clone(),
        other => panic!("not S3 keys: {other:?}"),
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()
}

#[test]
fn expiry_triggers_a_refetch() {
    let source = RefreshingCredentials::new(Minting::default());
    let data = bucket("data", "us-east-1");
    let at = |minutes| start() + TimeDelta::minutes(minutes);
    let first = block_on(source.credentials(&data, at(0))).unwrap();
    assert_eq!(key_id(&first), "ASIA1");
    // Kept while more than the margin (five minutes) from expiry…
    let later = block_on(source.credentials(&data, at(54))).unwrap();
    assert_eq!(key_id(&later), "ASIA1");
    // …and fetched again inside it.
    let renewed = block_on(source.credentials(&data, at(56))).unwrap();
    assert_eq!(key_id(&renewed), "ASIA2");
    assert_eq!(renewed.expires_at(), Some(at(56 + 60)));
    assert_eq!(source.inner.fetches.load(Ordering::SeqCst), 2);
}

#[test]
fn changed_options_refetch() {
    let source = RefreshingCredentials::new(Minting::default());
    block_on(source.credentials(&bucket("data", "us-east-1"), start())).unwrap();
    let moved = block_on(source.credentials(&bucket("data", "eu-west-1"), start())).unwrap();
    assert_eq!(key_id(&moved), "ASIA2");
}

#[test]
fn kept_credentials_are_bounded() {
    let source = RefreshingCredentials::new(Minting::default()).with_max_entries(2);
    for name in ["a", "b", "c"] {
        block_on(source.credentials(&bucket(name, "us-east-1"), start())).unwrap();
    }
    assert_eq!(source.kept.lock().unwrap().len(), 2);
    // The first bucket's credentials (the soonest to expire, all being equal: one of
    // them) made room; asking for every bucket again fetches at least once more.
    for name in ["a", "b", "c"] {
        block_on(source.credentials(&bucket(name, "us-east-1"), start())).unwrap();
    }
    assert!(source.inner.fetches.load(Ordering::SeqCst) >= 4);
    assert_eq!(source.kept.lock().unwrap().len(), 2);
}

#[test]
fn configured_keys_come_from_secret_options() {
    let mut keyed = bucket("data", "us-east-1");
    keyed.backend_options.insert("access_key_id", "AKID");
    keyed.backend_options.insert("secret_access_key", "secret");
    let credentials = ConfiguredCredentials::of(&keyed).unwrap();
    assert_eq!(key_id(&credentials), "AKID");
    assert_eq!(credentials.expires_at(), None);

    let mut anonymous = bucket("open", "us-east-1");
    anonymous.backend_options.insert("skip_signature", "true");
    assert_eq!(
        ConfiguredCredentials::of(&anonymous).unwrap(),
        BackendCredentials::anonymous()
    );
    assert!(ConfiguredCredentials::of(&bucket("none", "us-east-1")).is_err());
}
