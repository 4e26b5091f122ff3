//! Routes the gateway serves before S3 parsing (STS, OIDC discovery, health checks), and
//! the responses the gateway produces itself.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::api::RequestInfo;
use crate::backend::BodyStream;
use crate::{BoxFuture, MaybeSend, MaybeSync};

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

/// [`RouteHandler`] with a boxed future, so that it can be a trait object.
pub(crate) trait DynRouteHandler: MaybeSend + MaybeSync {
    /// Whether this handler takes `request`.
    fn matches(&self, request: &RequestInfo) -> bool;

    /// Answers `request`.
    fn handle<'a>(&'a self, request: &'a RequestInfo, body: Bytes) -> BoxFuture<'a, ProxyResponse>;
}

impl<H: RouteHandler> DynRouteHandler for H {
    fn matches(&self, request: &RequestInfo) -> bool {
        RouteHandler::matches(self, request)
    }

    fn handle<'a>(&'a self, request: &'a RequestInfo, body: Bytes) -> BoxFuture<'a, ProxyResponse> {
        Box::pin(RouteHandler::handle(self, request, body))
    }
}

/// The gateway's route handlers, type-erased, in the order they were added: the first that
/// matches a request answers it.
#[derive(Clone, Default)]
pub(crate) struct Routes {
    handlers: Vec<Arc<dyn DynRouteHandler>>,
}

impl Routes {
    /// Adds `handler` after the handlers added before it.
    pub(crate) fn push(&mut self, handler: impl RouteHandler) {
        self.handlers.push(Arc::new(handler));
    }

    /// The first handler that takes `request`.
    pub(crate) fn matching(&self, request: &RequestInfo) -> Option<&dyn DynRouteHandler> {
        self.handlers
            .iter()
            .find(|handler| handler.matches(request))
            .map(|handler| &**handler)
    }
}
