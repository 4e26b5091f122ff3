//! Object stores for buckets that are not on S3, built from a bucket's settings and its
//! credentials with the parts the runtime supplies.

use std::sync::Arc;

use object_store::ObjectStore;
use object_store::memory::InMemory;

use super::credentials::BackendCredentials;
use super::runtime_parts::RuntimeParts;
use crate::ProxyError;
use crate::config::{BackendType, BucketConfig};

/// The store of `bucket`, which is not an S3 bucket.
pub(crate) fn build_store(
    bucket: &BucketConfig,
    credentials: &BackendCredentials,
    parts: &RuntimeParts,
) -> Result<Arc<dyn ObjectStore>, ProxyError> {
    match bucket.backend_type {
        BackendType::Memory => Ok(Arc::new(InMemory::new())),
        BackendType::Local => {
            let open = parts.local.ok_or_else(|| {
                ProxyError::NotImplemented(
                    "`local` buckets need a file system, which this runtime does not have.".into(),
                )
            })?;
            let root = bucket
                .backend_options
                .get("root")
                .ok_or_else(|| misconfigured(bucket, "option `root` is required"))?;
            open(root).map_err(|e| misconfigured(bucket, &format!("cannot use `{root}`: {e}")))
        }
        #[cfg(feature = "azure")]
        BackendType::Azure => cloud::azure(bucket, credentials, parts),
        #[cfg(all(feature = "gcp", not(target_arch = "wasm32")))]
        BackendType::Gcs => cloud::gcs(bucket, credentials, parts),
        #[cfg(target_arch = "wasm32")]
        BackendType::Gcs => Err(ProxyError::NotImplemented(GCS_ON_WASM.into())),
        other => {
            let _ = credentials;
            Err(ProxyError::NotImplemented(format!(
                "This gateway was built without support for `{}` buckets.",
                other.as_str()
            )))
        }
    }
}

/// Why `gcs` buckets cannot be served on wasm32 (a Cloudflare Worker).
#[cfg(target_arch = "wasm32")]
const GCS_ON_WASM: &str = "`gcs` buckets cannot be served from a Cloudflare Worker: \
    object_store signs their service-account tokens with RSA and caches them by \
    `std::time::Instant`, which does not exist on wasm32.";

fn misconfigured(bucket: &BucketConfig, what: &str) -> ProxyError {
    ProxyError::Internal(format!("bucket `{}`: {what}", bucket.name))
}

/// Azure and GCS stores: the bucket's settings and the credentials' secret options, given
/// to `object_store`'s builders by name.
#[cfg(any(feature = "azure", feature = "gcp"))]
mod cloud {
    use std::str::FromStr;
    use std::sync::Arc;

    use object_store::client::{HttpClient, HttpConnector};
    use object_store::{ClientOptions, ObjectStore, RetryConfig};

    use super::misconfigured;
    use crate::ProxyError;
    use crate::backend::credentials::{BackendCredentials, BackendSecret};
    use crate::backend::runtime_parts::RuntimeParts;
    use crate::config::BucketConfig;

    /// Every option for the store: settings, then the credentials' secrets.
    fn options<'a, K: FromStr>(
        bucket: &'a BucketConfig,
        credentials: &'a BackendCredentials,
    ) -> Result<Vec<(K, &'a str)>, ProxyError> {
        let secrets: Vec<(&str, &str)> = match credentials.secret() {
            BackendSecret::Anonymous => Vec::new(),
            BackendSecret::StoreOptions(options) => options
                .iter()
                .map(|(name, value)| (name.as_str(), value.expose()))
                .collect(),
            _ => {
                return Err(misconfigured(
                    bucket,
                    "S3 keys cannot authenticate this backend",
                ));
            }
        };
        bucket
            .backend_options
            .iter()
            .chain(secrets)
            .map(|(name, value)| {
                let key = name.parse().map_err(|_| {
                    misconfigured(
                        bucket,
                        &format!("unknown {} option `{name}`", bucket.backend_type.as_str()),
                    )
                })?;
                Ok((key, value))
            })
            .collect()
    }

    /// No retries on wasm32: `object_store` waits between them with Tokio's timer, which
    /// does not exist there. The client sees the failure and retries itself.
    fn retries() -> RetryConfig {
        if cfg!(target_arch = "wasm32") {
            RetryConfig {
                max_retries: 0,
                ..RetryConfig::default()
            }
        } else {
            RetryConfig::default()
        }
    }

    /// The runtime's connector, shared by every store built with it.
    #[derive(Debug)]
    struct Shared(Arc<dyn HttpConnector>);

    impl HttpConnector for Shared {
        fn connect(&self, options: &ClientOptions) -> object_store::Result<HttpClient> {
            self.0.connect(options)
        }
    }

    #[cfg(feature = "azure")]
    pub(super) fn azure(
        bucket: &BucketConfig,
        credentials: &BackendCredentials,
        parts: &RuntimeParts,
    ) -> Result<Arc<dyn ObjectStore>, ProxyError> {
        let mut builder = object_store::azure::MicrosoftAzureBuilder::new().with_retry(retries());
        for (key, value) in options(bucket, credentials)? {
            builder = builder.with_config(key, value);
        }
        if let Some(connector) = &parts.connector {
            builder = builder.with_http_connector(Shared(connector.clone()));
        }
        if let Some(crypto) = &parts.crypto {
            builder = builder.with_crypto_provider(crypto.clone());
        }
        let store = builder
            .build()
            .map_err(|e| misconfigured(bucket, &e.to_string()))?;
        Ok(Arc::new(store))
    }

    #[cfg(all(feature = "gcp", not(target_arch = "wasm32")))]
    pub(super) fn gcs(
        bucket: &BucketConfig,
        credentials: &BackendCredentials,
        parts: &RuntimeParts,
    ) -> Result<Arc<dyn ObjectStore>, ProxyError> {
        let mut builder = object_store::gcp::GoogleCloudStorageBuilder::new().with_retry(retries());
        for (key, value) in options(bucket, credentials)? {
            builder = builder.with_config(key, value);
        }
        if let Some(connector) = &parts.connector {
            builder = builder.with_http_connector(Shared(connector.clone()));
        }
        if let Some(crypto) = &parts.crypto {
            builder = builder.with_crypto_provider(crypto.clone());
        }
        let store = builder
            .build()
            .map_err(|e| misconfigured(bucket, &e.to_string()))?;
        Ok(Arc::new(store))
    }
}
