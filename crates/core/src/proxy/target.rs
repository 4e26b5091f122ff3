//! Where a resolved bucket's requests go: the S3 wire protocol or an object store.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::ProxyError;
use crate::api::KeySpace;
use crate::backend::connect::{BackendConnector, Connection};
use crate::backend::{ProxyBackend, S3Endpoint, Signer};
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
    /// Prepares `bucket` for requests through `runtime`, with the signer or store
    /// `backends` has for its credentials at `now`.
    pub(crate) async fn resolve<B: ProxyBackend>(
        runtime: &B,
        backends: &BackendConnector,
        bucket: &ResolvedBucket,
        now: DateTime<Utc>,
    ) -> Result<Self, ProxyError> {
        let config = &bucket.config;
        let backend = match backends.connect(runtime, config, now).await? {
            Connection::Signer(signer) => Backend::S3(S3Target {
                endpoint: S3Endpoint::from_bucket(config)?,
                signer,
            }),
            Connection::Store(store) => {
                Backend::Store(StoreBucket::new(store, StoreKind::of(config.backend_type)))
            }
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
