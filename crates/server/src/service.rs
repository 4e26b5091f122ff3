//! Serving HTTP: connections, requests, graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http::header::{CONNECTION, CONTENT_LENGTH, HOST};
use http::{HeaderValue, Request, Response};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use multistore::api::RequestInfo;
use multistore::middleware::MiddlewareStack;
use multistore::proxy::{GatewayResponse, Handled, ProxyGateway};
use multistore::registry::{BucketRegistry, CredentialRegistry, TemporaryCredentialResolver};
use multistore::route_handler::{ProxyResponseBody, Router};
use tokio::net::TcpListener;

use crate::backend::ServerBackend;
use crate::body::{self, Metered, ServerBody, TrackedBody};

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

/// Accepts connections on `listener` until `shutdown` completes, then lets in-flight
/// requests finish for up to [`SHUTDOWN_GRACE`].
pub async fn serve<G: Gateway>(
    listener: TcpListener,
    gateway: Arc<G>,
    shutdown: impl Future<Output = ()>,
) {
    let connections = auto::Builder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
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
        let gateway = gateway.clone();
        let service = service_fn(move |request| handle(gateway.clone(), request));
        let connection = connections
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tracing::info!("shutting down: waiting for in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => tracing::info!("all requests finished"),
        () = tokio::time::sleep(SHUTDOWN_GRACE) => tracing::warn!("grace period over; closing remaining connections"),
    }
}

async fn handle<G: Gateway>(
    gateway: Arc<G>,
    request: Request<Incoming>,
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
    let Handled {
        response,
        completion,
    } = gateway.handle(info, body.boxed_unsync()).await;
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
    let mut response = Response::new(Metered::new(body, declared_length, completion));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    if !read_to_end.load(Ordering::Acquire) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}
