//! Where requests go, and how they are built and signed.

use std::net::SocketAddr;

use chrono::Utc;
use http::{HeaderMap, HeaderValue, Method, Request};
use multistore::SecretString;
use multistore::auth::sigv4::{
    EMPTY_SHA256, OutboundRequest, SigningCredentials, SigningKeyCache, encode_path, sha256_hex,
};

use super::body::BenchBody;
use crate::error::{BenchError, BenchResult};

/// A server, a bucket on it, and the credentials requests are signed with (none:
/// anonymous).
#[derive(Debug)]
pub(crate) struct Target {
    /// Where connections go.
    pub(crate) address: SocketAddr,
    host: HeaderValue,
    bucket: String,
    credentials: Option<SigningCredentials>,
    region: String,
    keys: SigningKeyCache,
}

/// A request before it is addressed and signed.
#[derive(Debug)]
pub(crate) struct RequestSpec {
    /// The method.
    pub(crate) method: Method,
    /// The object key (`None`: the bucket itself).
    pub(crate) key: Option<String>,
    /// The query, already encoded, without `?`.
    pub(crate) query: String,
    /// Headers besides `host` and the signature's.
    pub(crate) headers: HeaderMap,
    /// The body.
    pub(crate) body: BenchBody,
}

impl RequestSpec {
    /// A request without query, headers or body.
    pub(crate) fn new(method: Method, key: Option<&str>) -> Self {
        Self {
            method,
            key: key.map(str::to_owned),
            query: String::new(),
            headers: HeaderMap::new(),
            body: BenchBody::Empty,
        }
    }

    /// With this (encoded) query.
    pub(crate) fn with_query(mut self, query: impl Into<String>) -> Self {
        self.query = query.into();
        self
    }

    /// With this header.
    pub(crate) fn with_header(mut self, name: http::HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// With this body.
    pub(crate) fn with_body(mut self, body: BenchBody) -> Self {
        self.body = body;
        self
    }
}

impl Target {
    /// Requests to `bucket` at `address` (sent with `Host: host`), signed for `region`
    /// with `credentials` when there are any.
    pub(crate) fn new(
        address: SocketAddr,
        host: &str,
        bucket: &str,
        credentials: Option<SigningCredentials>,
        region: &str,
    ) -> BenchResult<Self> {
        Ok(Self {
            address,
            host: HeaderValue::from_str(host)
                .map_err(|_| BenchError::Setup(format!("`{host}` is not a host name")))?,
            bucket: bucket.to_owned(),
            credentials,
            region: region.to_owned(),
            keys: SigningKeyCache::default(),
        })
    }

    /// Signing credentials from a key pair (and session token).
    pub(crate) fn credentials(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) -> SigningCredentials {
        SigningCredentials {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: SecretString::new(secret_access_key),
            session_token: session_token.map(SecretString::new),
        }
    }

    /// The path-style path of `key` (or of the bucket), encoded.
    fn path(&self, key: Option<&str>) -> String {
        match key {
            Some(key) => encode_path(&format!("/{}/{key}", self.bucket)),
            None => encode_path(&format!("/{}", self.bucket)),
        }
    }

    /// The request for `spec`, signed with SigV4 headers when the target has credentials.
    /// Streaming bodies are sent as `UNSIGNED-PAYLOAD`; small bodies are hashed.
    pub(crate) fn request(&self, spec: RequestSpec) -> BenchResult<Request<BenchBody>> {
        self.request_at_path(&self.path(spec.key.as_deref()), spec)
    }

    /// The request for `spec` at `path` (not under the bucket: the STS route, say).
    pub(crate) fn request_at_path(
        &self,
        path: &str,
        spec: RequestSpec,
    ) -> BenchResult<Request<BenchBody>> {
        let RequestSpec {
            method,
            query,
            mut headers,
            body,
            ..
        } = spec;
        headers.insert(http::header::HOST, self.host.clone());
        if !matches!(body, BenchBody::Empty) {
            headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        if let Some(credentials) = &self.credentials {
            let payload_hash = match &body {
                BenchBody::Empty | BenchBody::Full(None) => EMPTY_SHA256.to_owned(),
                BenchBody::Full(Some(bytes)) => sha256_hex(bytes),
                BenchBody::Pattern { .. } => "UNSIGNED-PAYLOAD".to_owned(),
            };
            OutboundRequest {
                method: &method,
                path,
                raw_query: &query,
                headers: &mut headers,
                payload_hash: &payload_hash,
            }
            .sign(credentials, &self.region, "s3", Utc::now(), &self.keys)
            .map_err(|error| BenchError::Request(error.to_string()))?;
        }
        let uri = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .body(body)
            .map_err(|error| BenchError::Request(error.to_string()))?;
        *request.headers_mut() = headers;
        Ok(request)
    }
}
