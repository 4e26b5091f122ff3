//! [`Metered`]: a produced response body that reports its request when it ends.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use multistore::ProxyError;
use multistore::backend::BodyStream;
use multistore::proxy::{BodyBytes, Completion};

/// Counts the bytes of `inner` as the runtime reads them, and reports the request to its
/// [`Completion`] when the stream ends, or as aborted when it fails or is dropped early
/// (the client went away and the runtime cancelled the stream).
pub(crate) struct Metered {
    inner: BodyStream,
    sent: u64,
    /// The request body bytes to report (the request's declared length).
    received: u64,
    completion: Option<Completion>,
}

impl Metered {
    pub(crate) fn new(inner: BodyStream, completion: Completion, received: u64) -> Self {
        Self {
            inner,
            sent: 0,
            received,
            completion: Some(completion),
        }
    }

    fn report(&mut self, aborted: bool) {
        if let Some(completion) = self.completion.take() {
            let bytes = BodyBytes {
                received: self.received,
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

impl Stream for Metered {
    type Item = Result<Bytes, ProxyError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = self.inner.as_mut().poll_next(cx);
        match &polled {
            Poll::Ready(Some(Ok(chunk))) => self.sent += chunk.len() as u64,
            Poll::Ready(Some(Err(_))) => self.report(true),
            Poll::Ready(None) => self.report(false),
            Poll::Pending => {}
        }
        polled
    }
}

impl Drop for Metered {
    fn drop(&mut self) {
        self.report(true);
    }
}
