//! Object stores for buckets that are not on S3, built once per bucket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use multistore::ProxyError;
use multistore::config::{BackendType, BucketConfig};
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;

/// The store of each bucket, kept for the life of the process: a `memory` bucket must
/// outlive requests, and building stores per request would waste work.
#[derive(Debug, Default)]
pub(crate) struct StoreCache {
    stores: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl StoreCache {
    pub(crate) fn get(&self, bucket: &BucketConfig) -> Result<Arc<dyn ObjectStore>, ProxyError> {
        let mut stores = self.stores.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(store) = stores.get(&bucket.name) {
            return Ok(store.clone());
        }
        let store = build(bucket)?;
        stores.insert(bucket.name.clone(), store.clone());
        Ok(store)
    }
}

fn build(bucket: &BucketConfig) -> Result<Arc<dyn ObjectStore>, ProxyError> {
    let misconfigured =
        |what: String| ProxyError::Internal(format!("bucket `{}`: {what}", bucket.name));
    let options = &bucket.backend_options;
    match bucket.backend_type {
        BackendType::Memory => Ok(Arc::new(InMemory::new())),
        BackendType::Local => {
            let root = options
                .get("root")
                .ok_or_else(|| misconfigured("option `root` is required".into()))?;
            std::fs::create_dir_all(root)
                .map_err(|e| misconfigured(format!("cannot create `{root}`: {e}")))?;
            let store = LocalFileSystem::new_with_prefix(root)
                .map_err(|e| misconfigured(format!("cannot use `{root}`: {e}")))?
                .with_automatic_cleanup(true);
            Ok(Arc::new(store))
        }
        #[cfg(feature = "azure")]
        BackendType::Azure => {
            let mut builder = object_store::azure::MicrosoftAzureBuilder::new();
            for (name, value) in options.iter() {
                let key = name
                    .parse()
                    .map_err(|_| misconfigured(format!("unknown azure option `{name}`")))?;
                builder = builder.with_config(key, value);
            }
            let store = builder.build().map_err(|e| misconfigured(e.to_string()))?;
            Ok(Arc::new(store))
        }
        #[cfg(feature = "gcp")]
        BackendType::Gcs => {
            let mut builder = object_store::gcp::GoogleCloudStorageBuilder::new();
            for (name, value) in options.iter() {
                let key = name
                    .parse()
                    .map_err(|_| misconfigured(format!("unknown gcs option `{name}`")))?;
                builder = builder.with_config(key, value);
            }
            let store = builder.build().map_err(|e| misconfigured(e.to_string()))?;
            Ok(Arc::new(store))
        }
        other => Err(ProxyError::NotImplemented(format!(
            "This server was built without support for `{}` buckets.",
            other.as_str()
        ))),
    }
}
