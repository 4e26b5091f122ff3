//! Composable request processing after authentication and authorization.
//!
//! A [`Middleware`] sees each request once the caller is known and its buckets are
//! authorized, may change the context (for example, inject backend credentials), answer by
//! itself without calling [`Next::run`], or pass the request on. After the response has been
//! sent, [`Middleware::after_dispatch`] observes the request's [`CompletionEvent`].
//!
//! Middleware are generic over the runtime's body type only through [`Next`]; most are
//! written for any body:
//!
//! ```
//! use multistore::ProxyError;
//! use multistore::middleware::{DispatchContext, Middleware, Next};
//! use multistore::proxy::{CompletionEvent, GatewayResponse};
//!
//! struct Log;
//!
//! impl<Body: 'static> Middleware<Body> for Log {
//!     async fn handle(
//!         &self,
//!         ctx: DispatchContext,
//!         next: Next<'_, Body>,
//!     ) -> Result<GatewayResponse<Body>, ProxyError> {
//!         next.run(ctx).await
//!     }
//!
//!     fn after_dispatch(&self, event: &CompletionEvent) {
//!         println!("{} {} bytes", event.operation, event.bytes_out);
//!     }
//! }
//! ```
//!
//! The gateway holds its middleware type-erased, in the order they were added, so adding
//! one never changes the gateway's type.

use std::future::Future;
use std::sync::Arc;

use http::HeaderMap;

use crate::api::S3Operation;
use crate::auth::ResolvedIdentity;
use crate::event::CompletionEvent;
use crate::registry::ResolvedBucket;
use crate::response::GatewayResponse;
use crate::{BoxFuture, MaybeSend, MaybeSync, ProxyError};

/// What middleware knows about a request, and may change before dispatch.
#[derive(Debug)]
pub struct DispatchContext {
    /// The request id sent back as `x-amz-request-id`.
    pub request_id: String,
    /// The operation.
    pub operation: S3Operation,
    /// The caller.
    pub identity: ResolvedIdentity,
    /// The addressed bucket (absent for ListBuckets).
    pub bucket: Option<ResolvedBucket>,
    /// The source bucket of a copy.
    pub source_bucket: Option<ResolvedBucket>,
    /// The client's request headers.
    pub headers: HeaderMap,
    /// Data that middleware hands to later middleware.
    pub extensions: http::Extensions,
}

/// The result of a middleware, of the rest of the chain, and of the dispatch.
type Dispatched<Body> = Result<GatewayResponse<Body>, ProxyError>;

/// One step of post-authorization processing, for a runtime whose bodies are `Body`.
pub trait Middleware<Body>: MaybeSend + MaybeSync + 'static {
    /// Processes a request: change `ctx`, answer directly, or call `next.run(ctx)`.
    fn handle(
        &self,
        ctx: DispatchContext,
        next: Next<'_, Body>,
    ) -> impl Future<Output = Result<GatewayResponse<Body>, ProxyError>> + MaybeSend;

    /// Observes a finished request, once its response has been sent (or abandoned). The
    /// default does nothing.
    fn after_dispatch(&self, _event: &CompletionEvent) {}
}

/// The rest of the processing chain: the middleware after the current one, then the
/// backend dispatch, with the request body already bound to it.
pub struct Next<'a, Body> {
    rest: &'a [Arc<dyn DynMiddleware<Body>>],
    endpoint: Box<dyn Endpoint<'a, Body> + 'a>,
}

impl<Body> std::fmt::Debug for Next<'_, Body> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("middleware_left", &self.rest.len())
            .finish_non_exhaustive()
    }
}

impl<'a, Body: 'static> Next<'a, Body> {
    /// Runs `chain`, then `endpoint`.
    pub(crate) fn new(
        chain: &'a MiddlewareChain<Body>,
        endpoint: Box<dyn Endpoint<'a, Body> + 'a>,
    ) -> Self {
        Self {
            rest: &chain.middleware,
            endpoint,
        }
    }

    /// Continues with the next middleware, or the backend dispatch after the last one.
    pub fn run(
        self,
        ctx: DispatchContext,
    ) -> impl Future<Output = Result<GatewayResponse<Body>, ProxyError>> + MaybeSend + 'a {
        match self.rest.split_first() {
            Some((first, rest)) => first.handle(
                ctx,
                Next {
                    rest,
                    endpoint: self.endpoint,
                },
            ),
            None => self.endpoint.call(ctx),
        }
    }
}

/// What runs after the last middleware: the backend dispatch.
pub(crate) trait Endpoint<'a, Body>: MaybeSend {
    /// Dispatches the request `ctx` describes.
    fn call(self: Box<Self>, ctx: DispatchContext) -> BoxFuture<'a, Dispatched<Body>>;
}

/// [`Middleware`] with a boxed future, so that it can be a trait object.
pub(crate) trait DynMiddleware<Body>: MaybeSend + MaybeSync {
    fn handle<'a>(
        &'a self,
        ctx: DispatchContext,
        next: Next<'a, Body>,
    ) -> BoxFuture<'a, Dispatched<Body>>;

    fn after_dispatch(&self, event: &CompletionEvent);
}

impl<Body: 'static, M: Middleware<Body>> DynMiddleware<Body> for M {
    fn handle<'a>(
        &'a self,
        ctx: DispatchContext,
        next: Next<'a, Body>,
    ) -> BoxFuture<'a, Dispatched<Body>> {
        Box::pin(Middleware::handle(self, ctx, next))
    }

    fn after_dispatch(&self, event: &CompletionEvent) {
        Middleware::after_dispatch(self, event);
    }
}

/// The gateway's middleware, type-erased, in the order they were added: the first added
/// runs first.
pub(crate) struct MiddlewareChain<Body> {
    middleware: Vec<Arc<dyn DynMiddleware<Body>>>,
}

impl<Body> Default for MiddlewareChain<Body> {
    fn default() -> Self {
        Self {
            middleware: Vec::new(),
        }
    }
}

impl<Body: 'static> MiddlewareChain<Body> {
    /// The chain with `middleware` at the end.
    pub(crate) fn append(&self, middleware: impl Middleware<Body>) -> Self {
        let mut chain = self.middleware.clone();
        chain.push(Arc::new(middleware));
        Self { middleware: chain }
    }

    /// Calls every middleware's `after_dispatch`, in chain order.
    pub(crate) fn after_dispatch(&self, event: &CompletionEvent) {
        for middleware in &self.middleware {
            middleware.after_dispatch(event);
        }
    }
}
