//! What one client may hold of the server: connections, time and header bytes.

use std::time::Duration;

/// The limits [`serve_with`](crate::serve_with) enforces against slow and greedy clients.
///
/// Every limit applies to HTTP/1.1 and to HTTP/2 (prior knowledge) connections alike.
/// The command line sets each one (`multistore-server --help`); [`Default`] holds the
/// binary's defaults.
///
/// ```
/// use std::time::Duration;
/// use multistore_server::ServerLimits;
///
/// let limits = ServerLimits {
///     max_connections: 100,
///     request_body_timeout: Duration::from_secs(10),
///     ..ServerLimits::default()
/// };
/// assert_eq!(limits.max_request_head_size, 16 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Connections open at once. A connection beyond it is answered `503 SlowDown` (S3's
    /// XML error, which S3 clients retry with back-off) and closed; the connections
    /// already open are not affected.
    pub max_connections: u32,
    /// How long a new connection may take to deliver its first complete request head
    /// (request line and headers); then it is closed without an answer.
    pub request_head_timeout: Duration,
    /// How long a connection may stay open with no request in progress once it has served
    /// one; the next request's head must be complete within it. Then it is closed.
    pub keep_alive_timeout: Duration,
    /// How long a request body may send nothing while the gateway waits for it. The
    /// request then fails and nothing is stored.
    pub request_body_timeout: Duration,
    /// The largest request head in bytes: for HTTP/1.1 the request line and headers as
    /// sent, for HTTP/2 the decoded header list as RFC 9113 counts it. A larger head is
    /// answered `431 Request Header Fields Too Large`.
    pub max_request_head_size: u32,
}

impl ServerLimits {
    /// The default [`max_connections`](Self::max_connections). Each client connection may
    /// hold a backend connection too, so it needs about 8,200 file descriptors: raise
    /// `ulimit -n` where the soft limit is lower. At the worst (every connection moving
    /// data both ways with full buffers, about 1 MiB) it is about 4 GiB of memory; an idle
    /// connection costs a few KiB.
    pub const DEFAULT_MAX_CONNECTIONS: u32 = 4096;
    /// The default [`request_head_timeout`](Self::request_head_timeout): far more than a
    /// client needs to send a head, short enough to free a connection slot soon.
    pub const DEFAULT_REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(20);
    /// The default [`keep_alive_timeout`](Self::keep_alive_timeout): longer than the 60
    /// seconds a load balancer in front (AWS ALB's default) keeps an idle connection, so
    /// the gateway never closes one the balancer is about to reuse.
    pub const DEFAULT_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(75);
    /// The default [`request_body_timeout`](Self::request_body_timeout): the same as the
    /// backend idle timeout ([`Timeouts`](crate::Timeouts)).
    pub const DEFAULT_REQUEST_BODY_TIMEOUT: Duration = Duration::from_secs(60);
    /// The default [`max_request_head_size`](Self::max_request_head_size). S3 allows 8 KiB
    /// of headers on a PUT; a presigned URL's request line (a key of up to 1,024 bytes,
    /// percent-encoded, and its signature) comes on top of that. HTTP/2 servers in hyper
    /// default to the same 16 KiB.
    pub const DEFAULT_MAX_REQUEST_HEAD_SIZE: u32 = 16 * 1024;
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            request_head_timeout: Self::DEFAULT_REQUEST_HEAD_TIMEOUT,
            keep_alive_timeout: Self::DEFAULT_KEEP_ALIVE_TIMEOUT,
            request_body_timeout: Self::DEFAULT_REQUEST_BODY_TIMEOUT,
            max_request_head_size: Self::DEFAULT_MAX_REQUEST_HEAD_SIZE,
        }
    }
}
