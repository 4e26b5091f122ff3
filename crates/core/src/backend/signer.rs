//! Signers for requests to S3 backends.

use std::fmt::Debug;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::BackendRequest;
use super::credentials::{BackendCredentials, BackendSecret};
use super::runtime_parts::HeaderFilter;
use crate::auth::sigv4::{OutboundRequest, SigningCredentials, SigningKeyCache};
use crate::config::{BucketConfig, DEFAULT_REGION};
use crate::{MaybeSend, MaybeSync, ProxyError};

/// Authenticates a prepared backend request.
pub trait Signer: MaybeSend + MaybeSync + Debug {
    /// Signs `request`, whose body hashes to `payload_hash` (hex SHA-256,
    /// `UNSIGNED-PAYLOAD`, or a streaming sentinel), at time `now`.
    fn sign(
        &self,
        request: &mut BackendRequest,
        payload_hash: &str,
        now: DateTime<Utc>,
        keys: &SigningKeyCache,
    ) -> Result<(), ProxyError>;
}

/// SigV4 header signing with the bucket's backend key pair.
#[derive(Debug, Clone)]
pub struct S3RequestSigner {
    credentials: SigningCredentials,
    region: String,
}

impl S3RequestSigner {
    /// A signer for `region` with `credentials`.
    pub fn new(credentials: SigningCredentials, region: impl Into<String>) -> Self {
        Self {
            credentials,
            region: region.into(),
        }
    }
}

impl Signer for S3RequestSigner {
    fn sign(
        &self,
        request: &mut BackendRequest,
        payload_hash: &str,
        now: DateTime<Utc>,
        keys: &SigningKeyCache,
    ) -> Result<(), ProxyError> {
        let (path, raw_query) = path_and_query(&request.url)?;
        OutboundRequest {
            method: &request.method,
            path,
            raw_query,
            headers: &mut request.headers,
            payload_hash,
        }
        .sign(&self.credentials, &self.region, "s3", now, keys)
    }
}

/// The signer of anonymous backends (`skip_signature`): requests go out as they are.
///
/// It never reads the clock, so it is safe where `Instant::now()` panics (wasm32).
#[derive(Debug, Clone, Copy, Default)]
pub struct UnsignedUrlSigner;

impl Signer for UnsignedUrlSigner {
    fn sign(
        &self,
        _request: &mut BackendRequest,
        _payload_hash: &str,
        _now: DateTime<Utc>,
        _keys: &SigningKeyCache,
    ) -> Result<(), ProxyError> {
        Ok(())
    }
}

/// The signer of an S3 bucket with `credentials`: [`UnsignedUrlSigner`] for anonymous
/// ones, otherwise [`S3RequestSigner`] for the bucket's `region`.
pub fn build_signer(
    bucket: &BucketConfig,
    credentials: &BackendCredentials,
) -> Result<Arc<dyn Signer>, ProxyError> {
    let keys = match credentials.secret() {
        BackendSecret::Anonymous => return Ok(Arc::new(UnsignedUrlSigner)),
        BackendSecret::S3(keys) => keys,
        _ => {
            return Err(ProxyError::Internal(format!(
                "bucket `{}`: S3 backends need S3 keys or none",
                bucket.name
            )));
        }
    };
    let credentials = SigningCredentials {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: keys.secret_access_key.clone(),
        session_token: keys.session_token.clone(),
    };
    let region = bucket
        .backend_options
        .get("region")
        .unwrap_or(DEFAULT_REGION);
    Ok(Arc::new(S3RequestSigner::new(credentials, region)))
}

/// A signer that first removes what the runtime's transport would not send.
#[derive(Debug)]
pub(crate) struct FilteredSigner {
    pub(crate) filter: HeaderFilter,
    pub(crate) inner: Arc<dyn Signer>,
}

impl Signer for FilteredSigner {
    fn sign(
        &self,
        request: &mut BackendRequest,
        payload_hash: &str,
        now: DateTime<Utc>,
        keys: &SigningKeyCache,
    ) -> Result<(), ProxyError> {
        (self.filter)(&mut request.headers);
        self.inner.sign(request, payload_hash, now, keys)
    }
}

/// The path and query of an absolute URL, exactly as they will be sent.
fn path_and_query(url: &str) -> Result<(&str, &str), ProxyError> {
    let after_scheme = url
        .split_once("://")
        .map(|(_, rest)| rest)
        .ok_or_else(|| ProxyError::Internal("backend URL without scheme".into()))?;
    let path_and_query = after_scheme
        .find('/')
        .map_or("/", |start| &after_scheme[start..]);
    Ok(path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, "")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_urls() {
        assert_eq!(
            path_and_query("http://h:1/b/k%20x?uploads=&a=1").unwrap(),
            ("/b/k%20x", "uploads=&a=1")
        );
        assert_eq!(path_and_query("https://b.h").unwrap(), ("/", ""));
    }
}
