//! Routes the gateway serves before S3 parsing (STS, OIDC discovery, health checks), and
//! the responses the gateway produces itself.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;

use crate::api::RequestInfo;
use crate::{BoxFuture, MaybeSend, MaybeSync};

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
