//! One kept-alive HTTP/1.1 connection, re-established only when the server closes it.

use std::net::SocketAddr;
use std::time::Instant;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use super::body::BenchBody;
use super::recorder::Recorder;
use crate::error::{BenchError, BenchResult};

/// What to keep of a response body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Count the bytes and drop them.
    Nothing,
    /// Collect the body (XML answers).
    Body,
}

/// A response: status, headers, and the body if it was kept.
#[derive(Debug)]
pub(crate) struct Reply {
    /// The status.
    pub(crate) status: StatusCode,
    /// The headers.
    pub(crate) headers: HeaderMap,
    /// The body, when [`Keep::Body`] was asked (also kept for failures, to explain them).
    pub(crate) body: Bytes,
    /// The body's length as received.
    pub(crate) length: u64,
}

impl Reply {
    /// The body as text (lossy).
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A connection to one address, opened on first use.
#[derive(Debug)]
pub(crate) struct Connection {
    address: SocketAddr,
    sender: Option<SendRequest<BenchBody>>,
}

impl Connection {
    /// A connection to `address` (not opened yet).
    pub(crate) fn new(address: SocketAddr) -> Self {
        Self {
            address,
            sender: None,
        }
    }

    async fn ready_sender(&mut self) -> BenchResult<&mut SendRequest<BenchBody>> {
        if let Some(sender) = &mut self.sender
            && sender.ready().await.is_err()
        {
            self.sender = None;
        }
        if self.sender.is_none() {
            let stream = TcpStream::connect(self.address).await.map_err(|error| {
                BenchError::io(format!("connecting to {}", self.address), error)
            })?;
            stream
                .set_nodelay(true)
                .map_err(|error| BenchError::io("TCP_NODELAY", error))?;
            let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
            tokio::spawn(async move {
                let _ = connection.await;
            });
            self.sender = Some(sender);
        }
        let sender = self.sender.as_mut().expect("opened above");
        sender.ready().await?;
        Ok(sender)
    }

    /// Sends `request`, reads the whole response, and records its latency, time to first
    /// byte and bytes in `recorder`. A status other than 2xx is recorded as a failure and
    /// returned; a transport error is recorded and returned as an error (the connection is
    /// opened again for the next request).
    pub(crate) async fn send(
        &mut self,
        request: Request<BenchBody>,
        keep: Keep,
        recorder: &mut Recorder,
    ) -> BenchResult<Reply> {
        let what = format!("{} {}", request.method(), request.uri());
        match self.exchange(request, keep, recorder).await {
            Ok(reply) => {
                if !reply.status.is_success() {
                    recorder.failure(|| format!("{what}: HTTP {}: {}", reply.status, reply.text()));
                }
                Ok(reply)
            }
            Err(error) => {
                self.sender = None;
                recorder.failure(|| format!("{what}: {error}"));
                Err(error)
            }
        }
    }

    async fn exchange(
        &mut self,
        request: Request<BenchBody>,
        keep: Keep,
        recorder: &mut Recorder,
    ) -> BenchResult<Reply> {
        let sent_bytes = request.body().len();
        let sender = self.ready_sender().await?;
        let started = Instant::now();
        let response = sender.send_request(request).await?;
        let mut first_byte = started.elapsed();
        let (parts, mut body) = response.into_parts();
        let keep_body = keep == Keep::Body || !parts.status.is_success();
        let mut kept = BytesMut::new();
        let mut received = 0u64;
        let mut first = true;
        while let Some(frame) = body.frame().await {
            let frame = frame?;
            if let Ok(data) = frame.into_data() {
                if first && !data.is_empty() {
                    first_byte = started.elapsed();
                    first = false;
                }
                received += data.len() as u64;
                if keep_body {
                    kept.extend_from_slice(&data);
                }
            }
        }
        recorder.request(started.elapsed(), first_byte, sent_bytes + received);
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body: kept.freeze(),
            length: received,
        })
    }
}
