//! Signers for requests to S3 backends.

use std::fmt::Debug;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::BackendRequest;
use crate::auth::sigv4::{OutboundRequest, SigningCredentials, SigningKeyCache};
use crate::config::{BucketConfig, DEFAULT_REGION};
use crate::{MaybeSend, MaybeSync, ProxyError, SecretString};

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

/// The signer an S3 bucket's options call for: [`UnsignedUrlSigner`] with
/// `skip_signature = true`, otherwise [`S3RequestSigner`] with `access_key_id`,
/// `secret_access_key` and optional `session_token`.
pub fn build_signer(bucket: &BucketConfig) -> Result<Arc<dyn Signer>, ProxyError> {
    let options = &bucket.backend_options;
    let misconfigured =
        |what: String| ProxyError::Internal(format!("bucket `{}`: {what}", bucket.name));
    if options.flag("skip_signature").map_err(misconfigured)? {
        return Ok(Arc::new(UnsignedUrlSigner));
    }
    let (Some(access_key_id), Some(secret)) = (
        options.get("access_key_id"),
        options.get("secret_access_key"),
    ) else {
        return Err(misconfigured(
            "set `access_key_id` and `secret_access_key`, or `skip_signature = true`".into(),
        ));
    };
    let credentials = SigningCredentials {
        access_key_id: access_key_id.to_owned(),
        secret_access_key: SecretString::new(secret),
        session_token: options.get("session_token").map(SecretString::new),
    };
    let region = options.get("region").unwrap_or(DEFAULT_REGION);
    Ok(Arc::new(S3RequestSigner::new(credentials, region)))
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
