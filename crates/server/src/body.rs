//! The server's body type, for client and backend bodies alike.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::TryStreamExt;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, BodyStream, Empty, Full, StreamBody};
use multistore::ProxyError;
use multistore::backend::BodyStream as CoreStream;
use multistore::proxy::{BodyBytes, Completion};

use crate::in_flight::InFlight;

/// An error while reading a body.
pub type BodyError = Box<dyn std::error::Error + Send + Sync>;

/// Every body the server handles: request bodies from clients, response bodies from
/// backends, and bodies the gateway produces.
pub type ServerBody = UnsyncBoxBody<Bytes, BodyError>;

/// An empty body.
pub fn empty() -> ServerBody {
    Empty::new().map_err(|never| match never {}).boxed_unsync()
}

/// A complete body.
pub fn full(bytes: Bytes) -> ServerBody {
    Full::new(bytes)
        .map_err(|never| match never {})
        .boxed_unsync()
}

/// A body streaming the core's bytes.
pub fn from_stream(stream: CoreStream) -> ServerBody {
    StreamBody::new(stream.map_ok(Frame::data).map_err(BodyError::from)).boxed_unsync()
}

/// A body as the core's byte stream. Trailers are dropped; a body that stalled ends the
/// stream with `RequestTimeout`, any other read failure (the client went away
/// mid-upload) with `IncompleteBody`.
pub fn into_stream(body: ServerBody) -> CoreStream {
    Box::pin(
        BodyStream::new(body)
            .try_filter_map(|frame| std::future::ready(Ok(frame.into_data().ok())))
            .map_err(|error| {
                if error.is::<BodyStalled>() {
                    ProxyError::RequestTimeout
                } else {
                    ProxyError::IncompleteBody
                }
            }),
    )
}

/// The error of a body that had no data for its idle timeout.
#[derive(Debug, thiserror::Error)]
#[error("no data for {0:?}: the body stalled")]
pub(crate) struct BodyStalled(Duration);

impl BodyStalled {
    /// Whether `error` or one of its causes is a stalled body.
    pub(crate) fn caused(error: &(dyn std::error::Error + 'static)) -> bool {
        std::iter::successors(Some(error), |cause| cause.source()).any(|cause| cause.is::<Self>())
    }
}

/// A response body that counts the bytes it sends and reports them, with the request
/// body's bytes received, to the request's [`Completion`] when it ends, or as aborted when
/// it is dropped early.
pub struct Metered {
    inner: ServerBody,
    sent: u64,
    /// The request body's progress, for the bytes received.
    request: Arc<RequestProgress>,
    /// The body's exact length, when known: hyper stops polling once it has sent that
    /// many bytes, without asking for the end of the stream.
    length: Option<u64>,
    completion: Option<Completion>,
    /// The request stays in progress on its connection until the body is dropped.
    _in_flight: InFlight,
}

impl Metered {
    /// Meters `inner`, of `declared_length` bytes if the response says so, for
    /// `completion` of the request whose body is `request`, keeping `in_flight` until it
    /// is dropped.
    pub(crate) fn new(
        inner: ServerBody,
        declared_length: Option<u64>,
        completion: Completion,
        request: Arc<RequestProgress>,
        in_flight: InFlight,
    ) -> Self {
        let length = declared_length.or(inner.size_hint().exact());
        let mut metered = Self {
            inner,
            sent: 0,
            request,
            length,
            completion: Some(completion),
            _in_flight: in_flight,
        };
        if metered.inner.is_end_stream() {
            metered.finish(false);
        }
        metered
    }

    fn finish(&mut self, aborted: bool) {
        if let Some(completion) = self.completion.take() {
            let bytes = BodyBytes {
                received: self.request.received.load(Ordering::Acquire),
                sent: self.sent,
            };
            if aborted {
                completion.abort(bytes);
            } else {
                completion.finish(bytes);
            }
        }
    }
}

impl Body for Metered {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    self.sent += data.len() as u64;
                }
                if self.inner.is_end_stream() || self.length.is_some_and(|n| self.sent >= n) {
                    self.finish(false);
                }
            }
            Poll::Ready(Some(Err(_))) => self.finish(true),
            Poll::Ready(None) => self.finish(false),
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Metered {
    fn drop(&mut self) {
        self.finish(true);
    }
}

/// A body that fails once it has waited `idle` for data, so that a stalled peer (a
/// backend's response, a client's upload) cannot hold a request forever. The wait is
/// counted only while the body is read: a reader that pauses (backpressure) is not the
/// peer's stall.
pub(crate) fn with_idle_timeout<B>(body: B, idle: Duration) -> ServerBody
where
    B: Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<BodyError>,
{
    IdleTimeout {
        inner: body,
        idle,
        waiting_since: None,
        timer: None,
    }
    .boxed_unsync()
}

/// The timer exists only once the body has had to wait, and is re-armed only when it
/// fires: most small bodies never wait, and a streaming body does not touch the timer
/// wheel for every chunk.
struct IdleTimeout<B> {
    inner: B,
    idle: Duration,
    /// When the current wait began: the first read that found no data since the last
    /// data arrived.
    waiting_since: Option<tokio::time::Instant>,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<B> Body for IdleTimeout<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BodyError>,
{
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            self.waiting_since = None;
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let deadline = *self
            .waiting_since
            .get_or_insert_with(tokio::time::Instant::now)
            + self.idle;
        loop {
            let timer = self
                .timer
                .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
            if timer.deadline() != deadline && timer.is_elapsed() {
                // Set for an earlier wait: count from this one.
                timer.as_mut().reset(deadline);
            }
            match timer.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) if tokio::time::Instant::now() >= deadline => {
                    return Poll::Ready(Some(Err(BodyStalled(self.idle).into())));
                }
                Poll::Ready(()) => {}
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// How far a client's request body has been read.
#[derive(Debug, Default)]
pub(crate) struct RequestProgress {
    /// Whether the body was read to its end.
    pub(crate) read_to_end: AtomicBool,
    /// The body bytes read so far.
    pub(crate) received: AtomicU64,
}

/// A client's request body that records how many bytes were read and whether it was read
/// to its end.
///
/// A request answered without reading its body (refused before the upload began, as
/// with `Expect: 100-continue`) leaves the body's bytes, if the client sends them, on the
/// connection; the connection must then close rather than read them as the next request.
pub(crate) struct TrackedBody {
    inner: hyper::body::Incoming,
    progress: Arc<RequestProgress>,
}

impl TrackedBody {
    /// Wraps `inner`, reporting how far it was read to the returned progress.
    pub(crate) fn new(inner: hyper::body::Incoming) -> (Self, Arc<RequestProgress>) {
        let progress = Arc::new(RequestProgress {
            read_to_end: AtomicBool::new(inner.is_end_stream()),
            received: AtomicU64::new(0),
        });
        let body = Self {
            inner,
            progress: progress.clone(),
        };
        (body, progress)
    }
}

impl Body for TrackedBody {
    type Data = Bytes;
    type Error = BodyError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyError>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if let Poll::Ready(Some(Ok(frame))) = &polled
            && let Some(data) = frame.data_ref()
        {
            self.progress
                .received
                .fetch_add(data.len() as u64, Ordering::AcqRel);
        }
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.progress.read_to_end.store(true, Ordering::Release);
        }
        polled.map(|frame| frame.map(|f| f.map_err(BodyError::from)))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
