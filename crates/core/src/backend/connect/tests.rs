use chrono::{TimeDelta, TimeZone};
use http::{HeaderMap, Method};
use object_store::local::LocalFileSystem;

use super::*;
use crate::SecretString;
use crate::auth::sigv4::SigningKeyCache;
use crate::backend::BackendRequest;
use crate::config::BackendOptions;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap()
}

fn bucket(name: &str, backend_type: BackendType, options: &[(&str, &str)]) -> BucketConfig {
    BucketConfig {
        name: name.into(),
        backend_type,
        backend_prefix: None,
        anonymous_access: false,
        allowed_roles: vec![],
        backend_options: options.iter().copied().collect::<BackendOptions>(),
    }
}

fn keys(id: &str) -> BackendCredentials {
    BackendCredentials::s3(id, SecretString::new(format!("{id}-secret")), None)
}

fn no_parts() -> RuntimeParts {
    RuntimeParts::default()
}

fn signer(connection: Connection) -> Arc<dyn Signer> {
    match connection {
        Connection::Signer(signer) => signer,
        Connection::Store(_) => panic!("a store for an S3 bucket"),
    }
}

fn store(connection: Connection) -> Arc<dyn ObjectStore> {
    match connection {
        Connection::Store(store) => store,
        Connection::Signer(_) => panic!("a signer for a store bucket"),
    }
}

/// The access key id the signer's `Authorization` header names.
fn signing_key_id(signer: &dyn Signer) -> String {
    let mut request = BackendRequest {
        method: Method::GET,
        url: "http://127.0.0.1:9000/bucket/key".into(),
        headers: HeaderMap::new(),
    };
    request
        .headers
        .insert(http::header::HOST, "127.0.0.1:9000".parse().unwrap());
    signer
        .sign(
            &mut request,
            "UNSIGNED-PAYLOAD",
            now(),
            &SigningKeyCache::default(),
        )
        .unwrap();
    let authorization = request.headers["authorization"].to_str().unwrap();
    let credential = authorization.split("Credential=").nth(1).unwrap();
    credential.split('/').next().unwrap().to_owned()
}

#[test]
fn rotated_credentials_rebuild_the_signer_and_unchanged_ones_reuse_it() {
    let cache = ConnectionCache::new(8);
    let data = bucket("data", BackendType::S3, &[("region", "eu-west-1")]);
    let first = signer(
        cache
            .connect(&data, &keys("AKIDOLD"), now(), no_parts)
            .unwrap(),
    );
    let again = signer(
        cache
            .connect(&data, &keys("AKIDOLD"), now(), no_parts)
            .unwrap(),
    );
    assert!(Arc::ptr_eq(&first, &again));
    assert_eq!(signing_key_id(&*first), "AKIDOLD");

    let rotated = signer(
        cache
            .connect(&data, &keys("AKIDNEW"), now(), no_parts)
            .unwrap(),
    );
    assert!(!Arc::ptr_eq(&first, &rotated));
    assert_eq!(signing_key_id(&*rotated), "AKIDNEW");
    assert_eq!(cache.len(), 1, "the old generation is replaced, not kept");
}

#[test]
fn the_runtime_header_filter_runs_before_signing() {
    fn drop_marker(headers: &mut HeaderMap) {
        headers.remove("x-amz-meta-marker");
    }
    let cache = ConnectionCache::new(8);
    let data = bucket("data", BackendType::S3, &[]);
    let parts = || RuntimeParts::default().with_header_filter(drop_marker);
    let signer = signer(cache.connect(&data, &keys("AKID"), now(), parts).unwrap());
    let mut request = BackendRequest {
        method: Method::PUT,
        url: "http://127.0.0.1:9000/bucket/key".into(),
        headers: HeaderMap::new(),
    };
    request
        .headers
        .insert("x-amz-meta-marker", "x".parse().unwrap());
    signer
        .sign(
            &mut request,
            "UNSIGNED-PAYLOAD",
            now(),
            &SigningKeyCache::default(),
        )
        .unwrap();
    assert!(!request.headers.contains_key("x-amz-meta-marker"));
    assert!(request.headers.contains_key("authorization"));
}

fn open_local(root: &str) -> object_store::Result<Arc<dyn ObjectStore>> {
    Ok(Arc::new(LocalFileSystem::new_with_prefix(root)?))
}

fn local_parts() -> RuntimeParts {
    RuntimeParts::default().with_local_file_system(open_local)
}

#[test]
fn stores_are_rebuilt_when_credentials_or_options_change() {
    let dir = tempfile::tempdir().unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    let cache = ConnectionCache::new(8);
    let at = |root: &std::path::Path| {
        bucket(
            "files",
            BackendType::Local,
            &[("root", root.to_str().unwrap())],
        )
    };
    let secret =
        |value: &str| BackendCredentials::store_options([("token", SecretString::new(value))]);

    let first = store(
        cache
            .connect(&at(&one), &secret("a"), now(), local_parts)
            .unwrap(),
    );
    let same = store(
        cache
            .connect(&at(&one), &secret("a"), now(), local_parts)
            .unwrap(),
    );
    assert!(Arc::ptr_eq(&first, &same));
    let rotated = store(
        cache
            .connect(&at(&one), &secret("b"), now(), local_parts)
            .unwrap(),
    );
    assert!(!Arc::ptr_eq(&first, &rotated));
    let moved = store(
        cache
            .connect(&at(&two), &secret("b"), now(), local_parts)
            .unwrap(),
    );
    assert!(!Arc::ptr_eq(&rotated, &moved));
    assert!(moved.to_string().contains("two"), "{moved}");
}

#[test]
fn a_runtime_without_a_file_system_refuses_local_buckets() {
    let cache = ConnectionCache::new(8);
    let files = bucket("files", BackendType::Local, &[("root", "/srv")]);
    let refused = cache.connect(&files, &BackendCredentials::anonymous(), now(), no_parts);
    assert!(matches!(refused, Err(ProxyError::NotImplemented(_))));
}

#[test]
fn the_cache_is_bounded_and_evicts_the_least_recently_used() {
    let cache = ConnectionCache::new(2);
    let s3 = |name| bucket(name, BackendType::S3, &[]);
    let a = signer(
        cache
            .connect(&s3("a"), &keys("A"), now(), no_parts)
            .unwrap(),
    );
    cache
        .connect(&s3("b"), &keys("B"), now(), no_parts)
        .unwrap();
    // `a` is used again, so `b` is the least recently used when `c` arrives.
    cache
        .connect(&s3("a"), &keys("A"), now(), no_parts)
        .unwrap();
    cache
        .connect(&s3("c"), &keys("C"), now(), no_parts)
        .unwrap();
    assert_eq!(cache.len(), 2);
    let a_again = signer(
        cache
            .connect(&s3("a"), &keys("A"), now(), no_parts)
            .unwrap(),
    );
    assert!(Arc::ptr_eq(&a, &a_again), "`a` was kept");
    assert_eq!(cache.len(), 2);
}

#[test]
fn expired_entries_are_evicted_first_and_expired_credentials_refused() {
    let cache = ConnectionCache::new(2);
    let s3 = |name| bucket(name, BackendType::S3, &[]);
    let soon = keys("A").expiring_at(now() + TimeDelta::minutes(1));
    let b = signer(
        cache
            .connect(&s3("b"), &keys("B"), now(), no_parts)
            .unwrap(),
    );
    cache.connect(&s3("a"), &soon, now(), no_parts).unwrap();
    // Later, `a`'s credentials have expired: it goes, though `b` was used less recently.
    let later = now() + TimeDelta::minutes(2);
    cache
        .connect(&s3("c"), &keys("C"), later, no_parts)
        .unwrap();
    let b_again = signer(
        cache
            .connect(&s3("b"), &keys("B"), later, no_parts)
            .unwrap(),
    );
    assert!(Arc::ptr_eq(&b, &b_again));
    assert!(matches!(
        cache.connect(&s3("a"), &soon, later, no_parts),
        Err(ProxyError::Internal(_))
    ));
}

#[test]
fn a_memory_store_outlives_evictions() {
    let cache = ConnectionCache::new(1);
    let memory = bucket("scratch", BackendType::Memory, &[]);
    let first = cache.memory_store(&memory);
    for name in ["a", "b", "c"] {
        let s3 = bucket(name, BackendType::S3, &[]);
        cache.connect(&s3, &keys(name), now(), no_parts).unwrap();
    }
    assert!(Arc::ptr_eq(&first, &cache.memory_store(&memory)));
}
