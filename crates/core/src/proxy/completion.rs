//! Reporting a request once its response has been sent: the [`CompletionEvent`] goes to
//! the access log and to middleware's `after_dispatch`.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::GatewayResponse;
use crate::event::CompletionEvent;
use crate::middleware::MiddlewareChain;
use crate::{MaybeSend, MaybeSync};

/// Observes finished requests: the gateway's middleware chain, whatever its body type.
pub(crate) trait DispatchObserver: MaybeSend + MaybeSync {
    fn observe(&self, event: &CompletionEvent);
}

impl<Body: 'static> DispatchObserver for MiddlewareChain<Body> {
    fn observe(&self, event: &CompletionEvent) {
        self.after_dispatch(event);
    }
}

/// A response and the handle to report it once sent.
#[derive(Debug)]
pub struct Handled<B> {
    /// What to send.
    pub response: GatewayResponse<B>,
    /// Call [`Completion::finish`] once the body has been sent.
    pub completion: Completion,
}

/// The body bytes a request moved, as the runtime counted them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BodyBytes {
    /// Request body bytes received from the client.
    pub received: u64,
    /// Response body bytes sent to the client.
    pub sent: u64,
}

/// Reports a request when its response is complete: its [`CompletionEvent`], with the
/// runtime's byte counts and the total time, goes to the access log (target
/// `multistore::access`) and to every middleware's `after_dispatch`.
///
/// Dropping it without calling [`Completion::finish`] reports the request as aborted with
/// no bytes moved.
pub struct Completion {
    event: Option<CompletionEvent>,
    started: DateTime<Utc>,
    observer: Arc<dyn DispatchObserver>,
}

impl std::fmt::Debug for Completion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Completion")
            .field("event", &self.event)
            .finish_non_exhaustive()
    }
}

impl Completion {
    /// Reports `event` to `observer` once the runtime is done; `started` is the request's
    /// arrival, for the total time.
    pub(crate) fn new(
        event: CompletionEvent,
        started: DateTime<Utc>,
        observer: Arc<dyn DispatchObserver>,
    ) -> Self {
        Self {
            event: Some(event),
            started,
            observer,
        }
    }

    /// Reports the request as complete, having moved `bytes`.
    pub fn finish(mut self, bytes: BodyBytes) {
        self.report(bytes, false);
    }

    /// Reports the request as cut short after moving `bytes` (the client went away or the
    /// backend failed mid-stream).
    pub fn abort(mut self, bytes: BodyBytes) {
        self.report(bytes, true);
    }

    fn report(&mut self, bytes: BodyBytes, aborted: bool) {
        let Some(mut event) = self.event.take() else {
            return;
        };
        event.bytes_in = bytes.received;
        event.bytes_out = bytes.sent;
        event.total_time = since(self.started, Utc::now()).max(event.headers_time);
        event.aborted = aborted;
        event.log();
        self.observer.observe(&event);
    }
}

impl Drop for Completion {
    fn drop(&mut self) {
        self.report(BodyBytes::default(), true);
    }
}

/// The time from `from` to `to`, zero if the clock went back.
pub(crate) fn since(from: DateTime<Utc>, to: DateTime<Utc>) -> std::time::Duration {
    (to - from).to_std().unwrap_or_default()
}
