//! The answer to a connection beyond the connection limit: S3's `503 SlowDown`, which S3
//! clients take as a signal to back off and retry.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Refusals in progress at once; beyond them a connection is closed as soon as it is
/// accepted, without an answer.
pub(crate) const MAX_REFUSALS_IN_PROGRESS: usize = 256;

/// How long a refusal may take: sending the answer, then reading what the client sent
/// until it closes.
const LINGER: Duration = Duration::from_secs(2);

/// Answers `503 SlowDown` without reading the request, then closes the connection.
pub(crate) async fn refuse(mut stream: TcpStream) {
    let answer = slow_down();
    let _ = tokio::time::timeout(LINGER, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        // Closing a socket with unread data resets it, and a reset can destroy the answer
        // before the client has read it: read until the client closes.
        let mut discard = [0; 4096];
        while stream.read(&mut discard).await? > 0 {}
        Ok::<_, io::Error>(())
    })
    .await;
}

/// The whole HTTP/1.1 response, as S3 sends it when it throttles.
fn slow_down() -> String {
    let request_id = request_id();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>\
         <Message>Please reduce your request rate.</Message>\
         <RequestId>{request_id}</RequestId></Error>"
    );
    format!(
        "HTTP/1.1 503 Slow Down\r\ncontent-type: application/xml\r\ncontent-length: {}\r\n\
         x-amz-request-id: {request_id}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// A request id in S3's form (16 hex digits) for the client's logs: the clock mixed with a
/// counter, so that refusals in one burst differ.
fn request_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{:016X}", nanos.rotate_left(17) ^ count)
}
