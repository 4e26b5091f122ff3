//! Which requests of one connection are in progress, and the watch that closes the
//! connection once it has had none for its limit (the head and keep-alive timeouts; see
//! `connection`).

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

/// Completes once the connection has had no request in progress for its limit: `first`
/// until a request has begun, `later` after.
pub(crate) async fn idle(
    mut requests: watch::Receiver<Requests>,
    first: Duration,
    later: Duration,
) {
    loop {
        let (busy, limit) = {
            let requests = requests.borrow_and_update();
            let limit = if requests.begun { later } else { first };
            (requests.in_progress > 0, limit)
        };
        let changed = if busy {
            requests.changed().await
        } else {
            match tokio::time::timeout(limit, requests.changed()).await {
                Ok(changed) => changed,
                Err(_elapsed) => return,
            }
        };
        if changed.is_err() {
            // The service is gone, so the connection has ended: nothing left to watch.
            return std::future::pending().await;
        }
    }
}

/// The requests of one connection, as the idle watch sees them.
#[derive(Debug, Default)]
pub(crate) struct Requests {
    /// Begun, and their response bodies not yet sent or dropped.
    in_progress: usize,
    /// Whether any request has begun.
    begun: bool,
}

/// A request in progress on its connection, from its complete head until its response
/// body is sent or dropped.
pub(crate) struct InFlight(Arc<watch::Sender<Requests>>);

impl InFlight {
    pub(crate) fn begin(requests: Arc<watch::Sender<Requests>>) -> Self {
        requests.send_modify(|requests| {
            requests.in_progress += 1;
            requests.begun = true;
        });
        Self(requests)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|requests| requests.in_progress -= 1);
    }
}
