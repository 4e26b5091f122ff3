//! Routes the gateway serves before S3 parsing (STS, OIDC discovery, health checks), and
//! the responses the gateway produces itself.

use std::future::Future;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::api::RequestInfo;
use crate::backend::BodyStream;
use crate::{MaybeSend, MaybeSync};

/// The body of a response the gateway produces itself.
pub enum ProxyResponseBody {
    /// No body.
    Empty,
    /// A complete body (XML documents, JSON, small answers).
    Bytes(Bytes),
    /// A streaming body (objects read from an object store).
    Stream(BodyStream),
}

impl std::fmt::Debug for ProxyResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Self::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// A response the gateway produces itself.
#[derive(Debug)]
pub struct ProxyResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: ProxyResponseBody,
}

impl ProxyResponse {
    /// A response with no body.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: ProxyResponseBody::Empty,
        }
    }

    /// A complete response with `content_type`.
    pub fn with_body(
        status: StatusCode,
        content_type: &'static str,
        body: impl Into<Bytes>,
    ) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        );
        Self {
            status,
            headers,
            body: ProxyResponseBody::Bytes(body.into()),
        }
    }

    /// An XML document (`application/xml`).
    pub fn xml(status: StatusCode, document: impl Into<Bytes>) -> Self {
        Self::with_body(status, "application/xml", document)
    }
}

/// A handler for requests that are not S3 operations, matched before S3 parsing.
pub trait RouteHandler: MaybeSend + MaybeSync + 'static {
    /// Whether this handler takes `request`.
    fn matches(&self, request: &RequestInfo) -> bool;

    /// Answers `request`. `body` is the request body read in full, up to the gateway's
    /// cap for buffered bodies.
    fn handle(
        &self,
        request: &RequestInfo,
        body: Bytes,
    ) -> impl Future<Output = ProxyResponse> + MaybeSend;
}

/// An ordered set of [`RouteHandler`]s; the first that matches answers.
///
/// Built by [`crate::proxy::ProxyGateway::with_route_handler`]: `()` is the empty router
/// and `(R, H)` tries the handlers of `R` before `H`.
pub trait Router: MaybeSend + MaybeSync + 'static {
    /// Whether any handler takes `request`.
    fn matches(&self, request: &RequestInfo) -> bool;

    /// Answers `request` with the first matching handler, if any.
    fn route(
        &self,
        request: &RequestInfo,
        body: Bytes,
    ) -> impl Future<Output = Option<ProxyResponse>> + MaybeSend;
}

impl Router for () {
    fn matches(&self, _request: &RequestInfo) -> bool {
        false
    }

    async fn route(&self, _request: &RequestInfo, _body: Bytes) -> Option<ProxyResponse> {
        None
    }
}

impl<H: RouteHandler, R: Router> Router for (R, H) {
    fn matches(&self, request: &RequestInfo) -> bool {
        self.0.matches(request) || self.1.matches(request)
    }

    async fn route(&self, request: &RequestInfo, body: Bytes) -> Option<ProxyResponse> {
        if self.0.matches(request) {
            return self.0.route(request, body).await;
        }
        if self.1.matches(request) {
            return Some(self.1.handle(request, body).await);
        }
        None
    }
}
