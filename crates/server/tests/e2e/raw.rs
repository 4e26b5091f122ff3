//! A small HTTP client for what `object_store` cannot express: exact paths, odd keys,
//! anonymous and tampered requests, hand-made bodies, response headers.
//!
//! Requests are signed with the core's `OutboundRequest` (SigV4 headers).

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use multistore::SecretString;
use multistore::auth::sigv4::{
    OutboundRequest, SigningCredentials, SigningKeyCache, encode_path, encode_query_component,
    sha256_hex,
};

use crate::harness::{Harness, Key, WRITER};
use crate::xml;

/// How a request's payload is declared in its signature.
#[derive(Debug, Clone)]
enum Payload {
    /// The SHA-256 of the body.
    Sha256,
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// Exactly this `x-amz-content-sha256` value.
    Declared(String),
}

/// A request being built.
#[derive(Debug)]
pub(crate) struct Call {
    address: String,
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Bytes,
    signer: Option<(Key, Payload)>,
}

impl Harness {
    /// A request for `key` in `bucket` (the key encoded as SigV4 encodes paths).
    pub(crate) fn object(&self, method: Method, bucket: &str, key: &str) -> Call {
        self.path(method, &format!("/{bucket}/{}", encode_path(key)))
    }

    /// A request on `bucket` itself.
    pub(crate) fn on_bucket(&self, method: Method, bucket: &str) -> Call {
        self.path(method, &format!("/{bucket}"))
    }

    /// Creates a multipart upload of `key` in the private bucket as the writer; its
    /// `uploadId=…` query, ready to append to part and completion requests.
    pub(crate) async fn create_upload(&self, key: &str) -> String {
        let created = self
            .object(Method::POST, self.bucket(), key)
            .query("uploads=")
            .signed(WRITER)
            .send()
            .await
            .ok()
            .text();
        let upload_id = xml::value(&created, "UploadId").expect("upload id");
        format!("uploadId={}", encode_query_component(&upload_id))
    }

    /// A request for exactly `path` (already encoded as it goes on the wire).
    pub(crate) fn path(&self, method: Method, path: &str) -> Call {
        Call {
            address: self.address.to_string(),
            method,
            path: path.to_owned(),
            query: String::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            signer: None,
        }
    }
}

impl Call {
    /// The raw query, without `?`, exactly as sent.
    pub(crate) fn query(mut self, query: &str) -> Self {
        self.query = query.to_owned();
        self
    }

    /// Adds a header.
    pub(crate) fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
        self
    }

    /// The body (sent with its `Content-Length`).
    pub(crate) fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Signs with `key`, the body's SHA-256 as payload hash.
    pub(crate) fn signed(mut self, key: Key) -> Self {
        self.signer = Some((key, Payload::Sha256));
        self
    }

    /// Signs with `key` and `UNSIGNED-PAYLOAD`.
    pub(crate) fn signed_unsigned_payload(mut self, key: Key) -> Self {
        self.signer = Some((key, Payload::Unsigned));
        self
    }

    /// Signs with `key`, declaring `hash` as `x-amz-content-sha256`.
    pub(crate) fn signed_declaring(mut self, key: Key, hash: &str) -> Self {
        self.signer = Some((key, Payload::Declared(hash.to_owned())));
        self
    }

    /// The request as it will be sent: signed if a key was given.
    pub(crate) fn prepare(self) -> Prepared {
        let mut headers = self.headers;
        headers.insert(
            http::header::HOST,
            HeaderValue::from_str(&self.address).expect("host"),
        );
        headers.insert(
            http::header::CONTENT_LENGTH,
            HeaderValue::from(self.body.len()),
        );
        if let Some((key, payload)) = self.signer {
            let hash = match payload {
                Payload::Sha256 => sha256_hex(&self.body),
                Payload::Unsigned => "UNSIGNED-PAYLOAD".to_owned(),
                Payload::Declared(hash) => hash,
            };
            sign(
                key,
                &self.method,
                &self.path,
                &self.query,
                &mut headers,
                &hash,
            );
        }
        let uri = if self.query.is_empty() {
            format!("http://{}{}", self.address, self.path)
        } else {
            format!("http://{}{}?{}", self.address, self.path, self.query)
        };
        let mut request = Request::builder()
            .method(self.method)
            .uri(uri)
            .body(Full::new(self.body))
            .expect("request");
        *request.headers_mut() = headers;
        Prepared { request }
    }

    /// Signs (if asked) and sends the request.
    pub(crate) async fn send(self) -> Response {
        self.prepare().send().await
    }
}

/// Signs a request with SigV4 headers for `us-east-1`/`s3`, now.
pub(crate) fn sign(
    key: Key,
    method: &Method,
    path: &str,
    query: &str,
    headers: &mut HeaderMap,
    payload_hash: &str,
) {
    sign_at(key, method, path, query, headers, payload_hash, Utc::now());
}

/// Signs a request with SigV4 headers for `us-east-1`/`s3` at time `now`.
pub(crate) fn sign_at(
    key: Key,
    method: &Method,
    path: &str,
    query: &str,
    headers: &mut HeaderMap,
    payload_hash: &str,
    now: DateTime<Utc>,
) {
    OutboundRequest {
        method,
        path,
        raw_query: query,
        headers,
        payload_hash,
    }
    .sign(
        &credentials(key),
        "us-east-1",
        "s3",
        now,
        &SigningKeyCache::default(),
    )
    .expect("signable request");
}

fn credentials(key: Key) -> SigningCredentials {
    SigningCredentials {
        access_key_id: key.id.to_owned(),
        secret_access_key: SecretString::new(key.secret),
        session_token: None,
    }
}

/// A request ready to go, which a test may still tamper with.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) request: Request<Full<Bytes>>,
}

impl Prepared {
    /// Sends the request as it is.
    pub(crate) async fn send(self) -> Response {
        send(self.request).await
    }
}

/// Sends `request` on a fresh connection and reads the whole response.
pub(crate) async fn send(request: Request<Full<Bytes>>) -> Response {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let response = client.request(request).await.expect("gateway answers");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("response body").to_bytes();
    Response {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// A GET of an absolute URL without any signature of ours (presigned URLs).
pub(crate) async fn get_url(url: &str) -> Response {
    request_url(Method::GET, url, Bytes::new()).await
}

/// A request to an absolute URL carrying only `Host` (and the body's length).
pub(crate) async fn request_url(method: Method, url: &str, body: Bytes) -> Response {
    let uri: http::Uri = url.parse().expect("URL");
    let host = uri.authority().expect("authority").to_string();
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(http::header::HOST, host)
        .header(http::header::CONTENT_LENGTH, body.len())
        .body(Full::new(body))
        .expect("request");
    send(request).await
}

/// A response read in full.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Response {
    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A header's value as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `<Code>` of an S3 error document.
    pub(crate) fn code(&self) -> Option<String> {
        xml::value(&self.text(), "Code")
    }

    /// Asserts a successful status and returns the response.
    #[track_caller]
    pub(crate) fn ok(self) -> Self {
        assert!(
            self.status.is_success(),
            "expected success, got {}: {}",
            self.status,
            self.text()
        );
        self
    }

    /// Asserts the status (for answers without a body, such as HEAD).
    #[track_caller]
    pub(crate) fn assert_status(&self, status: StatusCode) {
        assert_eq!(self.status, status, "unexpected answer: {}", self.text());
    }

    /// Asserts an S3 error with this status and code, in XML, with a request id.
    #[track_caller]
    pub(crate) fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(
            (self.status, self.code().as_deref()),
            (status, Some(code)),
            "unexpected answer: {}",
            self.text()
        );
        assert!(
            self.text().starts_with("<?xml") || self.text().starts_with("<Error"),
            "an XML error document: {}",
            self.text()
        );
        assert!(
            self.header("x-amz-request-id").is_some(),
            "errors carry a request id"
        );
    }
}
