//! One client connection: HTTP/1.1 or HTTP/2, served under the server's limits until it
//! ends, stays idle too long, or the server shuts down.
//!
//! The head and keep-alive timeouts are one watch over the connection rather than hyper's
//! HTTP/1 `header_read_timeout`: hyper's timer starts only once a connection is known to
//! be HTTP/1 (not while the first bytes are read to tell HTTP/2 from HTTP/1, where a
//! silent client would wait forever) and HTTP/2 has no counterpart. The watch treats
//! every protocol alike: a connection with no request in progress (none begun yet, or
//! between requests, including while the next head trickles in) is closed after the
//! limit. A request counts as in progress until its response body has been handed to
//! hyper in full; a client that then reads nothing for the whole limit may lose the last
//! bytes hyper still buffers.

use std::future::Future;
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes};
use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::body::BodyError;
use crate::in_flight::{InFlight, Requests, idle};
use crate::limits::ServerLimits;
use crate::request::{Gateway, handle};

/// What a client sends first when it speaks HTTP/2 without TLS (RFC 9113, section 3.4).
const HTTP2_PREFACE: &[u8; 24] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// Serves `stream` until the client closes it, it stays idle past its limit, or the
/// server has shut down (`shutdown` turns true) and its requests in progress are done.
pub(crate) async fn serve(
    stream: TcpStream,
    gateway: Arc<Gateway>,
    limits: ServerLimits,
    shutdown: watch::Receiver<bool>,
) {
    let requests = Arc::new(watch::Sender::new(Requests::default()));
    let idle = idle(
        requests.subscribe(),
        limits.request_head_timeout,
        limits.keep_alive_timeout,
    );
    let service = service_fn(move |request| {
        let in_flight = InFlight::begin(requests.clone());
        handle(
            gateway.clone(),
            request,
            limits.request_body_timeout,
            in_flight,
        )
    });
    let head_size = limits.max_request_head_size;
    let served = async move {
        let (protocol, io) = detect(stream).await?;
        let io = TokioIo::new(io);
        match protocol {
            Protocol::Http1 => {
                let connection = http1::Builder::new()
                    // The idle watch does this for every protocol (see the module docs).
                    .header_read_timeout(None)
                    .max_header_size(usize::try_from(head_size).unwrap_or(usize::MAX))
                    .serve_connection(io, service)
                    .with_upgrades();
                drive(connection, shutdown, |c| c.graceful_shutdown()).await
            }
            Protocol::Http2 => {
                let connection = http2::Builder::new(TokioExecutor::new())
                    .max_header_list_size(head_size)
                    .serve_connection(io, service);
                drive(connection, shutdown, |c| c.graceful_shutdown()).await
            }
        }
        .map_err(BodyError::from)
    };
    tokio::select! {
        result = served => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        () = idle => tracing::debug!("closed a connection that stayed idle past its limit"),
    }
}

/// Runs `connection` to its end, shutting it down gracefully (HTTP/1: no new request
/// after the one in progress; HTTP/2: GOAWAY) once `shutdown` turns true or its sender
/// is gone.
async fn drive<C>(
    connection: C,
    mut shutdown: watch::Receiver<bool>,
    graceful_shutdown: impl FnOnce(Pin<&mut C>),
) -> hyper::Result<()>
where
    C: Future<Output = hyper::Result<()>>,
{
    let mut connection = pin!(connection);
    tokio::select! {
        result = connection.as_mut() => return result,
        _ = shutdown.wait_for(|stop| *stop) => graceful_shutdown(connection.as_mut()),
    }
    connection.await
}

/// The protocol a client speaks.
enum Protocol {
    Http1,
    Http2,
}

/// Reads the first bytes of `stream`, as many as it takes to tell HTTP/2 (which starts
/// with its preface) from HTTP/1.
async fn detect(mut stream: TcpStream) -> io::Result<(Protocol, Prefixed)> {
    let mut read = [0; HTTP2_PREFACE.len()];
    let mut filled = 0;
    let protocol = loop {
        let n = stream.read(&mut read[filled..]).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        filled += n;
        if read[..filled] != HTTP2_PREFACE[..filled] {
            break Protocol::Http1;
        }
        if filled == HTTP2_PREFACE.len() {
            break Protocol::Http2;
        }
    };
    let prefix = Bytes::copy_from_slice(&read[..filled]);
    Ok((protocol, Prefixed { prefix, stream }))
}

/// A stream whose first bytes have already been read: reads return them first.
struct Prefixed {
    prefix: Bytes,
    stream: TcpStream,
}

impl AsyncRead for Prefixed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.prefix.is_empty() {
            return Pin::new(&mut self.stream).poll_read(cx, buf);
        }
        let n = self.prefix.len().min(buf.remaining());
        buf.put_slice(&self.prefix[..n]);
        self.prefix.advance(n);
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for Prefixed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
