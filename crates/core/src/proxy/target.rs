//! Where a resolved bucket's requests go: the S3 wire protocol or an object store.

use std::sync::Arc;

use crate::ProxyError;
use crate::api::KeySpace;
use crate::backend::{ProxyBackend, S3Endpoint, Signer};
use crate::config::BackendType;
use crate::registry::ResolvedBucket;
use crate::store::{StoreBucket, StoreKind};

/// An S3 bucket: its endpoint and the signer of its requests.
#[derive(Debug)]
pub(crate) struct S3Target {
    pub(crate) endpoint: S3Endpoint,
    pub(crate) signer: Arc<dyn Signer>,
}

/// How a bucket's backend is reached.
#[derive(Debug)]
pub(crate) enum Backend {
    /// Over the S3 wire protocol.
    S3(S3Target),
    /// Through `object_store`, with the gateway's S3 semantics on top.
    Store(StoreBucket),
}

/// A bucket ready for requests: its backend and its key space.
#[derive(Debug)]
pub(crate) struct BucketTarget {
    pub(crate) name: String,
    pub(crate) backend: Backend,
    pub(crate) keys: KeySpace,
}

impl BucketTarget {
    /// Prepares `bucket` for requests through `runtime`.
    pub(crate) fn resolve<B: ProxyBackend>(
        runtime: &B,
        bucket: &ResolvedBucket,
    ) -> Result<Self, ProxyError> {
        let config = &bucket.config;
        let backend = match config.backend_type {
            BackendType::S3 => Backend::S3(S3Target {
                endpoint: S3Endpoint::from_bucket(config)?,
                signer: runtime.create_signer(config)?,
            }),
            other => Backend::Store(StoreBucket::new(
                runtime.create_store(config)?,
                StoreKind::of(other),
            )),
        };
        Ok(Self {
            name: config.name.clone(),
            backend,
            keys: KeySpace::new(
                &config.normalized_backend_prefix(),
                bucket.list_rewrite.as_ref(),
            ),
        })
    }

    /// The backend key of `client_key`; a key outside the bucket's visible space does
    /// not exist.
    pub(crate) fn backend_key(&self, client_key: &str) -> Result<String, ProxyError> {
        self.keys
            .to_backend(client_key)
            .ok_or_else(|| ProxyError::NoSuchKey(client_key.to_owned()))
    }
}
