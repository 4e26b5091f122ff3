//! Serving HTTP: the accept loop (connection limit, graceful shutdown).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::connection;
use crate::limits::ServerLimits;
use crate::refusal;
use crate::request::Gateway;

/// How long in-flight requests may run on after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// [`serve_with`] the default [`ServerLimits`].
pub async fn serve(
    listener: TcpListener,
    gateway: Arc<Gateway>,
    shutdown: impl Future<Output = ()>,
) {
    serve_with(listener, gateway, ServerLimits::default(), shutdown).await;
}

/// Accepts connections on `listener`, holding clients to `limits`, until `shutdown`
/// completes; then lets in-flight requests finish for up to [`SHUTDOWN_GRACE`].
pub async fn serve_with(
    listener: TcpListener,
    gateway: Arc<Gateway>,
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
