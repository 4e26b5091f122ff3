//! The answer to a connection beyond the connection limit: S3's `503 SlowDown`, which S3
//! clients take as a signal to back off and retry.

use std::io;
use std::time::Duration;

use multistore::ProxyError;
use multistore::api::response::render_error;
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

/// The whole HTTP/1.1 response, as S3 sends it when it throttles. No request was read, so
/// the error names no resource.
fn slow_down() -> String {
    let request_id = multistore::request_id();
    let error = ProxyError::SlowDown;
    let body = render_error(&error, "", &request_id);
    format!(
        "HTTP/1.1 {} Slow Down\r\ncontent-type: application/xml\r\ncontent-length: {}\r\n\
         x-amz-request-id: {request_id}\r\nconnection: close\r\n\r\n{body}",
        error.status().as_u16(),
        body.len()
    )
}
