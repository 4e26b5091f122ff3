//! Routes the gateway serves before S3 parsing (STS, OIDC discovery, health checks), and
//! the responses the gateway produces itself.

use std::future::Future;

use bytes::Bytes;

use crate::api::RequestInfo;
use crate::{MaybeSend, MaybeSync};

pub use crate::response::{ProxyResponse, ProxyResponseBody};

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
