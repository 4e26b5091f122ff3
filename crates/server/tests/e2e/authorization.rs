//! Authorization is the gateway's, not the registry's: with a bucket registry that returns
//! every bucket to any caller, scopes still hold, and DeleteObjects looks its bucket up once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http::{Method, StatusCode};
use multistore::ProxyError;
use multistore::config::BucketConfig;
use multistore::registry::{BucketRegistry, ListedBucket, ResolvedBucket};

use crate::batch_delete::delete_document;
use crate::harness::{
    Harness, Key, LOCAL_DATA, LOCAL_PUBLIC, S3_DATA, S3_PUBLIC, SCOPED, SCOPED_PREFIX, WRITER,
};
use crate::raw::Response;
use crate::xml;

both_backends!(
    scopes_hold_whatever_the_registry_returns,
    delete_objects_looks_its_bucket_up_once
);

/// Returns every configured bucket to any caller and counts the lookups: a registry that
/// knows nothing about authorization.
struct Unguarded {
    buckets: Vec<BucketConfig>,
    lookups: Arc<AtomicUsize>,
}

impl BucketRegistry for Unguarded {
    async fn get_bucket(&self, name: &str) -> Result<Option<ResolvedBucket>, ProxyError> {
        self.lookups.fetch_add(1, Ordering::SeqCst);
        let found = self.buckets.iter().find(|bucket| bucket.name == name);
        Ok(found.cloned().map(ResolvedBucket::new))
    }

    async fn list_buckets(&self) -> Result<Vec<ListedBucket>, ProxyError> {
        Ok(self
            .buckets
            .iter()
            .map(|config| ListedBucket {
                config: config.clone(),
                creation_date: chrono::Utc::now(),
            })
            .collect())
    }
}

/// The harness with an [`Unguarded`] registry of its buckets; the registry's lookup count.
async fn start(kind: crate::harness::Kind) -> (Harness, Arc<AtomicUsize>) {
    let lookups = Arc::new(AtomicUsize::new(0));
    let counter = lookups.clone();
    let h = Harness::start_with_registry(kind, move |provider| Unguarded {
        buckets: provider.buckets().to_vec(),
        lookups: counter,
    })
    .await;
    (h, lookups)
}

async fn put(h: &Harness, bucket: &str, key: &str, as_key: Option<Key>) -> Response {
    let call = h.object(Method::PUT, bucket, key).body("x");
    match as_key {
        Some(signer) => call.signed(signer).send().await,
        None => call.send().await,
    }
}

async fn get(h: &Harness, bucket: &str, key: &str, as_key: Option<Key>) -> Response {
    let call = h.object(Method::GET, bucket, key);
    match as_key {
        Some(signer) => call.signed(signer).send().await,
        None => call.send().await,
    }
}

fn bucket_names(response: Response) -> Vec<String> {
    xml::sections(&response.ok().text(), "Bucket")
        .into_iter()
        .filter_map(|bucket| xml::value(bucket, "Name"))
        .collect()
}

#[track_caller]
fn assert_denied(response: &Response) {
    response.assert_error(StatusCode::FORBIDDEN, "AccessDenied");
}

async fn scopes_hold_whatever_the_registry_returns(kind: crate::harness::Kind) {
    let (h, _) = start(kind).await;
    let (data, public) = (h.bucket(), h.public_bucket());
    put(&h, data, "scoped/in", Some(WRITER)).await.ok();
    put(&h, data, "private/out", Some(WRITER)).await.ok();
    put(&h, public, "doc", Some(WRITER)).await.ok();

    // Anonymous callers: reads of public buckets only; a missing bucket is still missing.
    get(&h, public, "doc", None).await.ok();
    assert_denied(&get(&h, data, "scoped/in", None).await);
    assert_denied(&put(&h, public, "new", None).await);
    get(&h, "no-such-bucket", "k", None)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NoSuchBucket");

    // A scoped key: its prefix of the data buckets, nothing else.
    get(&h, data, "scoped/in", Some(SCOPED)).await.ok();
    put(&h, data, "scoped/new", Some(SCOPED)).await.ok();
    assert_denied(&get(&h, data, "private/out", Some(SCOPED)).await);
    assert_denied(&put(&h, data, "private/new", Some(SCOPED)).await);
    assert_denied(&get(&h, public, "doc", Some(SCOPED)).await);
    let list = |prefix: &str| {
        h.on_bucket(Method::GET, data)
            .query(&format!(
                "list-type=2&prefix={}",
                prefix.replace('/', "%2F")
            ))
            .signed(SCOPED)
            .send()
    };
    list(SCOPED_PREFIX).await.ok();
    assert_denied(&list("").await);

    // A copy needs a read of its source as well as a write of its destination.
    let copy = |source: String| {
        h.object(Method::PUT, data, "scoped/copy")
            .header("x-amz-copy-source", &source)
            .signed(SCOPED)
            .send()
    };
    assert_denied(&copy(format!("/{public}/doc")).await);
    assert_denied(&copy(format!("/{data}/private/out")).await);
    copy(format!("/{data}/scoped/in")).await.ok();

    // ListBuckets shows each caller only what it may see.
    assert_eq!(
        bucket_names(h.path(Method::GET, "/").send().await),
        [LOCAL_PUBLIC, S3_PUBLIC]
    );
    assert_eq!(
        bucket_names(h.path(Method::GET, "/").signed(SCOPED).send().await),
        [LOCAL_DATA, S3_DATA]
    );

    // Nothing refused was written.
    assert!(!h.data_dir().join("private/new").exists());
    assert!(!h.public_dir().join("new").exists());
    assert!(h.data_dir().join("scoped/copy").exists());
}

async fn delete_objects_looks_its_bucket_up_once(kind: crate::harness::Kind) {
    let (h, lookups) = start(kind).await;
    let data = h.bucket();
    put(&h, data, "scoped/0", Some(WRITER)).await.ok();
    put(&h, data, "private/0", Some(WRITER)).await.ok();
    // The most keys S3 allows in one request: half inside SCOPED's prefix, half outside.
    let keys: Vec<String> = (0..500)
        .flat_map(|i| [format!("scoped/{i}"), format!("private/{i}")])
        .collect();
    let names: Vec<&str> = keys.iter().map(String::as_str).collect();

    lookups.store(0, Ordering::SeqCst);
    let result = h
        .on_bucket(Method::POST, data)
        .query("delete=")
        .body(delete_document(&names, false))
        .signed(SCOPED)
        .send()
        .await
        .ok()
        .text();
    assert_eq!(lookups.load(Ordering::SeqCst), 1);

    let deleted = xml::sections(&result, "Deleted");
    assert_eq!(deleted.len(), 500);
    assert!(deleted.iter().all(|entry| {
        xml::value(entry, "Key").is_some_and(|key| key.starts_with(SCOPED_PREFIX))
    }));
    let errors = xml::sections(&result, "Error");
    assert_eq!(errors.len(), 500);
    assert!(errors.iter().all(|entry| {
        xml::value(entry, "Key").is_some_and(|key| key.starts_with("private/"))
            && xml::value(entry, "Code").as_deref() == Some("AccessDenied")
    }));
    assert!(!h.data_dir().join("scoped/0").exists());
    assert!(h.data_dir().join("private/0").exists());
}
