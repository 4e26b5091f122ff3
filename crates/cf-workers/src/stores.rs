//! Object stores for buckets that are not on S3, built once per bucket and kept for the
//! isolate's life.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use multistore::ProxyError;
use multistore::config::{BackendType, BucketConfig};
use object_store::ObjectStore;
use object_store::memory::InMemory;

/// The store of each bucket. A `memory` bucket must outlive requests (it lives as long
/// as the isolate, and each isolate has its own), and building stores per request would
/// waste work. A Worker is single-threaded, so a `RefCell` is all the locking needed.
#[derive(Debug, Default)]
pub(crate) struct StoreCache {
    stores: RefCell<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl StoreCache {
    /// The store of `bucket`, built on first use.
    pub(crate) fn get(&self, bucket: &BucketConfig) -> Result<Arc<dyn ObjectStore>, ProxyError> {
        if let Some(store) = self.stores.borrow().get(&bucket.name) {
            return Ok(store.clone());
        }
        let store = build(bucket)?;
        self.stores
            .borrow_mut()
            .insert(bucket.name.clone(), store.clone());
        Ok(store)
    }
}

/// Why `gcs` buckets cannot be served from a Worker.
const GCS_ON_WORKERS: &str = "`gcs` buckets cannot be served from a Cloudflare Worker: \
    object_store signs their service-account tokens with RSA and caches them by \
    `std::time::Instant`, which does not exist on wasm32.";

fn build(bucket: &BucketConfig) -> Result<Arc<dyn ObjectStore>, ProxyError> {
    match bucket.backend_type {
        BackendType::Memory => Ok(Arc::new(InMemory::new())),
        BackendType::Local => Err(ProxyError::NotImplemented(
            "`local` buckets need a file system, which a Cloudflare Worker does not have.".into(),
        )),
        #[cfg(feature = "azure")]
        BackendType::Azure => cloud::azure(bucket),
        BackendType::Gcs => Err(ProxyError::NotImplemented(GCS_ON_WORKERS.into())),
        other => Err(ProxyError::NotImplemented(format!(
            "This Worker was built without support for `{}` buckets.",
            other.as_str()
        ))),
    }
}

/// Azure stores over [`FetchConnector`](crate::FetchConnector), hashing with
/// [`RustCryptoProvider`](crate::RustCryptoProvider).
#[cfg(feature = "azure")]
mod cloud {
    use std::sync::Arc;

    use multistore::ProxyError;
    use multistore::config::BucketConfig;
    use object_store::{ObjectStore, RetryConfig};

    use crate::{FetchConnector, RustCryptoProvider};

    /// No retries: `object_store` waits between them with Tokio's timer, which a Worker
    /// does not have. The client sees the failure and retries itself.
    fn no_retries() -> RetryConfig {
        RetryConfig {
            max_retries: 0,
            ..RetryConfig::default()
        }
    }

    fn misconfigured(bucket: &BucketConfig, what: &str) -> ProxyError {
        ProxyError::Internal(format!("bucket `{}`: {what}", bucket.name))
    }

    pub(super) fn azure(bucket: &BucketConfig) -> Result<Arc<dyn ObjectStore>, ProxyError> {
        let mut builder = object_store::azure::MicrosoftAzureBuilder::new()
            .with_http_connector(FetchConnector)
            .with_crypto_provider(Arc::new(RustCryptoProvider))
            .with_retry(no_retries());
        for (name, value) in bucket.backend_options.iter() {
            let key = name
                .parse()
                .map_err(|_| misconfigured(bucket, &format!("unknown azure option `{name}`")))?;
            builder = builder.with_config(key, value);
        }
        let store = builder
            .build()
            .map_err(|error| misconfigured(bucket, &error.to_string()))?;
        Ok(Arc::new(store))
    }
}
