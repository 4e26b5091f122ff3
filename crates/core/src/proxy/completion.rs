//! Reporting a request once its response has been sent: the access log and middleware's
//! `after_dispatch`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use http::StatusCode;

use super::GatewayResponse;
use crate::MaybeSend;
use crate::middleware::DispatchOutcome;

/// Observes finished requests; implemented by every middleware chain.
pub(crate) trait DispatchObserver: MaybeSend + crate::MaybeSync {
    fn observe(&self, outcome: &DispatchOutcome);
}

impl<M: crate::middleware::MiddlewareStack> DispatchObserver for M {
    fn observe(&self, outcome: &DispatchOutcome) {
        self.after_dispatch(outcome);
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

/// What is known about a request while it is processed, for its access-log line.
#[derive(Debug, Clone)]
pub(crate) struct RequestRecord {
    pub(crate) request_id: String,
    pub(crate) method: http::Method,
    pub(crate) operation: &'static str,
    pub(crate) bucket: Option<String>,
    pub(crate) key: Option<String>,
    pub(crate) principal: String,
    /// When authentication and authorization were done, for `Server-Timing`.
    pub(crate) authorized_at: Option<DateTime<Utc>>,
}

/// Reports a request when its response is complete: one access-log line through
/// `tracing` (target `multistore::access`) and every middleware's `after_dispatch`.
///
/// Dropping it without calling [`Completion::finish`] reports the request as aborted.
pub struct Completion {
    record: Option<RequestRecord>,
    status: StatusCode,
    started: DateTime<Utc>,
    observer: Arc<dyn DispatchObserver>,
}

impl std::fmt::Debug for Completion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Completion")
            .field("record", &self.record)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl Completion {
    pub(crate) fn new(
        record: RequestRecord,
        status: StatusCode,
        started: DateTime<Utc>,
        observer: Arc<dyn DispatchObserver>,
    ) -> Self {
        Self {
            record: Some(record),
            status,
            started,
            observer,
        }
    }

    /// Reports the request as complete, with `bytes_sent` bytes of body sent.
    pub fn finish(mut self, bytes_sent: u64) {
        self.report(bytes_sent, false);
    }

    /// Reports the request as cut short after `bytes_sent` bytes (the client went away or
    /// the backend failed mid-stream).
    pub fn abort(mut self, bytes_sent: u64) {
        self.report(bytes_sent, true);
    }

    fn report(&mut self, bytes_sent: u64, aborted: bool) {
        let Some(record) = self.record.take() else {
            return;
        };
        let millis = (Utc::now() - self.started).num_microseconds().unwrap_or(0) as f64 / 1000.0;
        tracing::info!(
            target: "multistore::access",
            request_id = %record.request_id,
            method = %record.method,
            operation = record.operation,
            bucket = record.bucket.as_deref().unwrap_or("-"),
            key = record.key.as_deref().unwrap_or("-"),
            status = self.status.as_u16(),
            bytes = bytes_sent,
            duration_ms = millis,
            principal = %record.principal,
            aborted,
        );
        self.observer.observe(&DispatchOutcome {
            request_id: record.request_id,
            operation: record.operation,
            bucket: record.bucket,
            key: record.key,
            principal: record.principal,
            status: self.status,
            bytes_sent,
            aborted,
        });
    }
}

impl Drop for Completion {
    fn drop(&mut self) {
        self.report(0, true);
    }
}
