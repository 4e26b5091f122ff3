//! [`CompletionEvent`]: everything known about one request once it is over.

use std::time::Duration;

use http::{HeaderValue, Method, StatusCode};

/// What happened to one request, reported once its response has been sent (or abandoned).
///
/// The single source of the access log line (target `multistore::access`), of the
/// `Server-Timing` header, and of [`crate::middleware::Middleware::after_dispatch`]: the
/// gateway fills it in as the request goes, renders `Server-Timing` from it when the
/// response headers are ready, and completes it with the body's byte counts and the total
/// time when the runtime calls [`crate::proxy::Completion::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompletionEvent {
    /// The request id sent back as `x-amz-request-id`.
    pub request_id: String,
    /// The S3 operation name (`GetObject`, …), `Route` for a route handler, or `-` when
    /// the request never parsed.
    pub operation: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// The bucket, if any.
    pub bucket: Option<String>,
    /// The key, if any.
    pub key: Option<String>,
    /// Who called (never a secret): `anonymous` until authenticated.
    pub principal: String,
    /// The status sent.
    pub status: StatusCode,
    /// The S3 error code (`NoSuchKey`, `AccessDenied`, …) when the gateway answered with
    /// an error.
    pub error_code: Option<&'static str>,
    /// Request body bytes received from the client, as the runtime reports them (the
    /// Worker reports the declared `Content-Length`, since it hands bodies it forwards to
    /// the runtime unread).
    pub bytes_in: u64,
    /// Response body bytes sent to the client, as the runtime reports them.
    pub bytes_out: u64,
    /// From the request's arrival until the caller was authenticated and its buckets
    /// resolved; `None` when the request did not get that far.
    pub auth_time: Option<Duration>,
    /// From the end of the middleware chain (the dispatch began) until the response
    /// headers were ready: the backend's share, plus the gateway's own work on the way
    /// there and back. `None` when no request reached dispatch (errors before it,
    /// middleware that answered by itself, route handlers).
    pub backend_time: Option<Duration>,
    /// From the request's arrival until the response headers were ready.
    pub headers_time: Duration,
    /// From the request's arrival until the response body was sent (or abandoned).
    pub total_time: Duration,
    /// Whether the response was cut short (the client went away, the backend failed
    /// mid-stream).
    pub aborted: bool,
}

impl CompletionEvent {
    /// `Server-Timing: auth;dur=…, backend;dur=…, total;dur=…` in milliseconds, where
    /// `total` is [`Self::headers_time`] (the header is sent before the body).
    pub fn server_timing(&self) -> Option<HeaderValue> {
        let mut timing = String::new();
        if let Some(auth) = self.auth_time {
            timing.push_str(&format!("auth;dur={:.3}, ", millis(auth)));
        }
        if let Some(backend) = self.backend_time {
            timing.push_str(&format!("backend;dur={:.3}, ", millis(backend)));
        }
        timing.push_str(&format!("total;dur={:.3}", millis(self.headers_time)));
        HeaderValue::from_str(&timing).ok()
    }

    /// Writes the access log line.
    pub(crate) fn log(&self) {
        tracing::info!(
            target: "multistore::access",
            request_id = %self.request_id,
            method = %self.method,
            operation = self.operation,
            bucket = self.bucket.as_deref().unwrap_or("-"),
            key = self.key.as_deref().unwrap_or("-"),
            status = self.status.as_u16(),
            error_code = self.error_code.unwrap_or("-"),
            bytes_in = self.bytes_in,
            bytes_out = self.bytes_out,
            duration_ms = millis(self.total_time),
            backend_ms = self.backend_time.map(millis),
            principal = %self.principal,
            aborted = self.aborted,
        );
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_timing_reports_auth_backend_and_time_to_headers() {
        let event = CompletionEvent {
            request_id: "r".into(),
            operation: "GetObject",
            method: Method::GET,
            bucket: None,
            key: None,
            principal: "anonymous".into(),
            status: StatusCode::OK,
            error_code: None,
            bytes_in: 0,
            bytes_out: 0,
            auth_time: Some(Duration::from_micros(1500)),
            backend_time: Some(Duration::from_micros(2250)),
            headers_time: Duration::from_millis(5),
            total_time: Duration::from_millis(9),
            aborted: false,
        };
        let timing = event.server_timing().unwrap();
        assert_eq!(
            timing.to_str().unwrap(),
            "auth;dur=1.500, backend;dur=2.250, total;dur=5.000"
        );
        let refused = CompletionEvent {
            auth_time: None,
            backend_time: None,
            ..event
        };
        assert_eq!(
            refused.server_timing().unwrap().to_str().unwrap(),
            "total;dur=5.000"
        );
    }
}
