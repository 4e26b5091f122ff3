//! Composable request processing after authentication and authorization.
//!
//! A [`Middleware`] sees each request once the caller is known and its buckets are
//! authorized, may change the context (for example, inject backend credentials), answer by
//! itself without calling [`Next::run`], or pass the request on. After the response has been
//! sent, [`Middleware::after_dispatch`] observes the outcome: status and bytes actually sent.

use std::future::Future;

use http::{HeaderMap, StatusCode};

use crate::api::S3Operation;
use crate::auth::ResolvedIdentity;
use crate::registry::ResolvedBucket;
use crate::response::GatewayResponse;
use crate::{MaybeSend, MaybeSync, ProxyError};

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
    /// Data that middleware hands to later middleware or reads back in `after_dispatch`.
    pub extensions: http::Extensions,
}

/// What happened to a request, reported after its response was sent.
#[derive(Debug, Clone)]
pub struct DispatchOutcome {
    /// The request id.
    pub request_id: String,
    /// The S3 operation name (`GetObject`, …), or `-` when the request never parsed.
    pub operation: &'static str,
    /// The bucket, if any.
    pub bucket: Option<String>,
    /// The key, if any.
    pub key: Option<String>,
    /// Who called (never a secret).
    pub principal: String,
    /// The status sent.
    pub status: StatusCode,
    /// Response body bytes actually sent to the client.
    pub bytes_sent: u64,
    /// Whether the client went away before the response was complete.
    pub aborted: bool,
}

/// The rest of the processing chain, with the request body already bound to it.
pub trait Dispatch: MaybeSend {
    /// The runtime's body type.
    type Body: MaybeSend + 'static;

    /// Runs the rest of the chain and the backend dispatch.
    fn dispatch(
        self,
        ctx: DispatchContext,
    ) -> impl Future<Output = Result<GatewayResponse<Self::Body>, ProxyError>> + MaybeSend;
}

/// The handle middleware calls to continue processing.
pub struct Next<D> {
    rest: D,
}

impl<D: Dispatch> Next<D> {
    /// Continues with the next middleware, or the backend dispatch after the last one.
    pub fn run(
        self,
        ctx: DispatchContext,
    ) -> impl Future<Output = Result<GatewayResponse<D::Body>, ProxyError>> + MaybeSend {
        self.rest.dispatch(ctx)
    }
}

/// One step of post-authorization processing.
pub trait Middleware: MaybeSend + MaybeSync + 'static {
    /// Processes a request: change `ctx`, answer directly, or call `next.run(ctx)`.
    fn handle<D: Dispatch>(
        &self,
        ctx: DispatchContext,
        next: Next<D>,
    ) -> impl Future<Output = Result<GatewayResponse<D::Body>, ProxyError>> + MaybeSend;

    /// Observes a finished request. The default does nothing.
    fn after_dispatch(&self, _outcome: &DispatchOutcome) {}
}

/// An ordered chain of middleware. `()` is the empty chain; [`Chain`] runs its head first.
pub trait MiddlewareStack: MaybeSend + MaybeSync + 'static {
    /// Runs the chain, ending with `terminal`.
    fn run<D: Dispatch>(
        &self,
        ctx: DispatchContext,
        terminal: D,
    ) -> impl Future<Output = Result<GatewayResponse<D::Body>, ProxyError>> + MaybeSend;

    /// Calls every middleware's `after_dispatch`, in chain order.
    fn after_dispatch(&self, outcome: &DispatchOutcome);
}

impl MiddlewareStack for () {
    fn run<D: Dispatch>(
        &self,
        ctx: DispatchContext,
        terminal: D,
    ) -> impl Future<Output = Result<GatewayResponse<D::Body>, ProxyError>> + MaybeSend {
        terminal.dispatch(ctx)
    }

    fn after_dispatch(&self, _outcome: &DispatchOutcome) {}
}

/// Middleware `head` followed by the chain `tail`.
#[derive(Debug)]
pub struct Chain<M, T> {
    head: M,
    tail: T,
}

impl<M: Middleware, T: MiddlewareStack> MiddlewareStack for Chain<M, T> {
    fn run<D: Dispatch>(
        &self,
        ctx: DispatchContext,
        terminal: D,
    ) -> impl Future<Output = Result<GatewayResponse<D::Body>, ProxyError>> + MaybeSend {
        self.head.handle(
            ctx,
            Next {
                rest: Continue {
                    stack: &self.tail,
                    terminal,
                },
            },
        )
    }

    fn after_dispatch(&self, outcome: &DispatchOutcome) {
        self.head.after_dispatch(outcome);
        self.tail.after_dispatch(outcome);
    }
}

/// The part of a chain after one middleware.
struct Continue<'a, S, D> {
    stack: &'a S,
    terminal: D,
}

impl<S: MiddlewareStack, D: Dispatch> Dispatch for Continue<'_, S, D> {
    type Body = D::Body;

    fn dispatch(
        self,
        ctx: DispatchContext,
    ) -> impl Future<Output = Result<GatewayResponse<Self::Body>, ProxyError>> + MaybeSend {
        self.stack.run(ctx, self.terminal)
    }
}

/// Appending middleware at the end of a chain, so that the first added runs first.
pub trait Append<M: Middleware>: MiddlewareStack {
    /// The chain with `M` at the end.
    type Output: MiddlewareStack;

    /// Appends `middleware`.
    fn append(self, middleware: M) -> Self::Output;
}

impl<M: Middleware> Append<M> for () {
    type Output = Chain<M, ()>;

    fn append(self, middleware: M) -> Self::Output {
        Chain {
            head: middleware,
            tail: (),
        }
    }
}

impl<M: Middleware, H: Middleware, T: Append<M>> Append<M> for Chain<H, T> {
    type Output = Chain<H, T::Output>;

    fn append(self, middleware: M) -> Self::Output {
        Chain {
            head: self.head,
            tail: self.tail.append(middleware),
        }
    }
}
