//! Serving HTTP: the accept loop (connection limit, graceful shutdown) and each request.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http::header::{CONNECTION, CONTENT_LENGTH, HOST};
use http::{HeaderValue, Request, Response};
use hyper::body::Incoming;
use multistore::api::RequestInfo;
use multistore::middleware::MiddlewareStack;
use multistore::proxy::{GatewayResponse, Handled, ProxyGateway};
use multistore::registry::{BucketRegistry, CredentialRegistry, TemporaryCredentialResolver};
use multistore::route_handler::{ProxyResponseBody, Router};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::backend::ServerBackend;
use crate::body::{self, Metered, ServerBody, TrackedBody};
use crate::connection::{self, InFlight};
use crate::limits::ServerLimits;
use crate::refusal;

/// How long in-flight requests may run on after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// A gateway the server can run: any [`ProxyGateway`] over [`ServerBackend`].
pub trait Gateway: Send + Sync + 'static {
    /// Serves one request.
    fn handle(
        &self,
        info: RequestInfo,
        body: ServerBody,
    ) -> impl Future<Output = Handled<ServerBody>> + Send;
}

impl<R, C, T, H, M> Gateway for ProxyGateway<ServerBackend, R, C, T, H, M>
where
    R: BucketRegistry,
    C: CredentialRegistry,
    T: TemporaryCredentialResolver,
    H: Router,
    M: MiddlewareStack,
{
    fn handle(
        &self,
        info: RequestInfo,
        body: ServerBody,
    ) -> impl Future<Output = Handled<ServerBody>> + Send {
        self.handle_request(info, body)
    }
}

/// [`serve_with`] the default [`ServerLimits`].
pub async fn serve<G: Gateway>(
    listener: TcpListener,
    gateway: Arc<G>,
    shutdown: impl Future<Output = ()>,
) {
    serve_with(listener, gateway, ServerLimits::default(), shutdown).await;
}

/// Accepts connections on `listener`, holding clients to `limits`, until `shutdown`
/// completes; then lets in-flight requests finish for up to [`SHUTDOWN_GRACE`].
pub async fn serve_with<G: Gateway>(
    listener: TcpListener,
    gateway: Arc<G>,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections as usize));
    let refusals = Arc::new(Semaphore::new(refusal::MAX_REFUSALS_IN_PROGRESS));
    let (stop, stopping) = watch::channel(false);
    // Whether the last connection was refused: the limit is logged when it is reached,
    // not for every refusal.
    let mut full = false;
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait and keep serving.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Small responses must not wait for Nagle's algorithm.
        let _ = stream.set_nodelay(true);
        let slot = open.clone().try_acquire_owned();
        if full != slot.is_err() {
            full = slot.is_err();
            if full {
                tracing::warn!(
                    "{} connections open, the limit: answering new ones 503 SlowDown",
                    limits.max_connections
                );
            } else {
                tracing::info!("below the connection limit again");
            }
        }
        if let Ok(slot) = slot {
            let gateway = gateway.clone();
            let stopping = stopping.clone();
            tokio::spawn(async move {
                connection::serve(stream, gateway, limits, stopping).await;
                drop(slot);
            });
        } else if let Ok(slot) = refusals.clone().try_acquire_owned() {
            tokio::spawn(async move {
                refusal::refuse(stream).await;
                drop(slot);
            });
        } else {
            tracing::debug!("too many refusals in progress: closing a new connection");
        }
    }
    drop(listener);
    tracing::info!("shutting down: waiting for in-flight requests");
    stop.send_replace(true);
    tokio::select! {
        _ = open.acquire_many(limits.max_connections) => tracing::info!("all requests finished"),
        () = tokio::time::sleep(SHUTDOWN_GRACE) => tracing::warn!("grace period over; closing remaining connections"),
    }
}

/// Serves one request: its body fails once the client sends nothing for `body_timeout`;
/// `in_flight` lasts as long as the response body.
pub(crate) async fn handle<G: Gateway>(
    gateway: Arc<G>,
    request: Request<Incoming>,
    body_timeout: Duration,
    in_flight: InFlight,
) -> Result<Response<Metered>, Infallible> {
    let (parts, incoming) = request.into_parts();
    let mut headers = parts.headers;
    if !headers.contains_key(HOST)
        && let Some(authority) = parts.uri.authority()
        && let Ok(host) = HeaderValue::from_str(authority.as_str())
    {
        // HTTP/2 carries the host in the URI; signatures need it as a header.
        headers.insert(HOST, host);
    }
    let info = RequestInfo {
        method: parts.method,
        raw_path: parts.uri.path().to_owned(),
        raw_query: parts.uri.query().map(str::to_owned),
        headers,
    };
    let (body, read_to_end) = TrackedBody::new(incoming);
    let body = body::with_idle_timeout(body, body_timeout);
    let Handled {
        response,
        completion,
    } = gateway.handle(info, body).await;
    let (status, headers, body) = match response {
        GatewayResponse::Forward(forwarded) => {
            (forwarded.status, forwarded.headers, forwarded.body)
        }
        GatewayResponse::Response(own) => {
            let body = match own.body {
                ProxyResponseBody::Empty => body::empty(),
                ProxyResponseBody::Bytes(bytes) => body::full(bytes),
                ProxyResponseBody::Stream(stream) => body::from_stream(stream),
            };
            (own.status, own.headers, body)
        }
    };
    let declared_length = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse().ok());
    let mut response = Response::new(Metered::new(body, declared_length, completion, in_flight));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    if !read_to_end.load(Ordering::Acquire) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}
