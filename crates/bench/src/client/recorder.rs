//! What one connection (then one run) observed: per-request latencies, bytes, failures.

use std::time::Duration;

/// Latency and time-to-first-byte of every request, bytes moved, and failures.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    /// Request start to the end of the response body, µs.
    pub(crate) latencies_us: Vec<u32>,
    /// Request start to the first byte of the response body (to the headers when there is
    /// no body), µs.
    pub(crate) first_byte_us: Vec<u32>,
    /// Request and response body bytes.
    pub(crate) bytes: u64,
    /// Requests that failed (transport error or a status other than 2xx).
    pub(crate) failures: u64,
    /// What the first failure was.
    pub(crate) first_failure: Option<String>,
}

impl Recorder {
    /// Records a completed request.
    pub(crate) fn request(&mut self, latency: Duration, first_byte: Duration, bytes: u64) {
        self.latencies_us.push(micros(latency));
        self.first_byte_us.push(micros(first_byte));
        self.bytes += bytes;
    }

    /// Records a failure.
    pub(crate) fn failure(&mut self, what: impl FnOnce() -> String) {
        self.failures += 1;
        if self.first_failure.is_none() {
            self.first_failure = Some(what());
        }
    }

    /// Adds `other`'s observations to these.
    pub(crate) fn merge(&mut self, other: Self) {
        self.latencies_us.extend(other.latencies_us);
        self.first_byte_us.extend(other.first_byte_us);
        self.bytes += other.bytes;
        self.failures += other.failures;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
    }

    /// Requests completed (with any status).
    pub(crate) fn requests(&self) -> u64 {
        self.latencies_us.len() as u64
    }
}

fn micros(duration: Duration) -> u32 {
    u32::try_from(duration.as_micros()).unwrap_or(u32::MAX)
}
