//! Preparing a resolved bucket for requests: its backend, built for this request, and
//! its key space.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use http::HeaderValue;

use super::{BucketBackend, S3Bucket};
use crate::ProxyError;
use crate::api::KeySpace;
use crate::auth::sigv4::SigningKeyCache;
use crate::backend::connect::{BackendConnector, Connection};
use crate::backend::{ProxyBackend, S3Endpoint};
use crate::registry::ResolvedBucket;
use crate::store::{StoreBucket, StoreKind};

/// A bucket ready for requests: its backend and its key space.
pub(crate) struct BucketTarget<Body> {
    /// The virtual bucket's name.
    pub(crate) name: String,
    /// Where its objects are.
    pub(crate) backend: Box<dyn BucketBackend<Body>>,
    /// The mapping between client keys and backend keys.
    pub(crate) keys: KeySpace,
}

/// What building a bucket's backend takes: the runtime, and how its requests are sent.
pub(crate) struct BackendBuilder<'a, R> {
    /// The runtime that moves the bytes.
    pub(crate) runtime: &'a Arc<R>,
    /// The signers and stores built for buckets' current credentials.
    pub(crate) backends: &'a BackendConnector,
    /// The `User-Agent` of outbound requests.
    pub(crate) user_agent: &'a HeaderValue,
    /// The gateway's cache of SigV4 signing keys.
    pub(crate) signing_keys: &'a Arc<SigningKeyCache>,
    /// The time outbound requests are signed at: the client request's arrival.
    pub(crate) now: DateTime<Utc>,
}

impl<R: ProxyBackend> BackendBuilder<'_, R> {
    /// Prepares `bucket` for requests, with the signer or store for its credentials now.
    pub(crate) async fn build(
        &self,
        bucket: &ResolvedBucket,
    ) -> Result<BucketTarget<R::Body>, ProxyError> {
        let config = &bucket.config;
        let connection = self
            .backends
            .connect(self.runtime.as_ref(), config, self.now)
            .await?;
        let backend: Box<dyn BucketBackend<R::Body>> = match connection {
            Connection::Signer(signer) => Box::new(S3Bucket::new(
                self.runtime.clone(),
                S3Endpoint::from_bucket(config)?,
                signer,
                self.user_agent.clone(),
                self.signing_keys.clone(),
                self.now,
            )),
            Connection::Store(store) => {
                Box::new(StoreBucket::new(store, StoreKind::of(config.backend_type)))
            }
        };
        Ok(BucketTarget {
            name: config.name.clone(),
            backend,
            keys: KeySpace::new(
                &config.normalized_backend_prefix(),
                bucket.list_rewrite.as_ref(),
            ),
        })
    }
}

impl<Body> BucketTarget<Body> {
    /// The backend key of `client_key`; a key outside the bucket's visible space does
    /// not exist.
    pub(crate) fn backend_key(&self, client_key: &str) -> Result<String, ProxyError> {
        self.keys
            .to_backend(client_key)
            .ok_or_else(|| ProxyError::NoSuchKey(client_key.to_owned()))
    }
}
