//! Streaming a body into the store with bounded memory.
//!
//! A [`Sink`] buffers up to [`PART_SIZE`] bytes. A body that ends first is written with
//! one `put`; a longer one goes through a store multipart upload with at most
//! [`MAX_PARTS_IN_FLIGHT`] parts sent at once, which keep making progress while the next
//! chunk of the body is awaited. `object_store::WriteMultipart` would do the same but
//! needs Tokio, which the core does without.

use std::task::Poll;

use bytes::Bytes;
use futures_core::Stream;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use object_store::path::Path;
use object_store::{
    MultipartUpload, ObjectStore, PutMode, PutMultipartOptions, PutOptions, PutPayload, PutResult,
    UploadPart,
};

use super::store_failure;
use crate::ProxyError;

/// The most body bytes a write buffers before it starts a multipart upload, and the size
/// of each part it then sends (the last may be smaller).
pub const PART_SIZE: usize = 8 * 1024 * 1024;

/// The most parts sent to the store at once, per write.
const MAX_PARTS_IN_FLIGHT: usize = 2;

/// A write in progress to one path of a store.
pub(super) struct Sink<'a> {
    store: &'a dyn ObjectStore,
    path: Path,
    buffer: Vec<Bytes>,
    buffered: usize,
    upload: Option<Box<dyn MultipartUpload>>,
    in_flight: FuturesUnordered<UploadPart>,
}

impl<'a> Sink<'a> {
    /// A sink writing to `path`.
    pub(super) fn new(store: &'a dyn ObjectStore, path: Path) -> Self {
        Self {
            store,
            path,
            buffer: Vec::new(),
            buffered: 0,
            upload: None,
            in_flight: FuturesUnordered::new(),
        }
    }

    /// Whether everything written so far is still buffered (no multipart upload started),
    /// so the sink may still be [`redirect`](Self::redirect)ed.
    pub(super) fn is_buffered(&self) -> bool {
        self.upload.is_none()
    }

    /// Where the sink writes.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Sends the buffered body to `path` instead. Only while [`is_buffered`](Self::is_buffered).
    pub(super) fn redirect(&mut self, path: Path) {
        debug_assert!(self.upload.is_none(), "a started upload cannot move");
        if self.upload.is_none() {
            self.path = path;
        }
    }

    /// The next chunk of `source` (`None` at its end), while the parts already sent keep
    /// making progress. A failed part fails this call.
    pub(super) async fn next_chunk<S>(
        &mut self,
        source: &mut S,
    ) -> Result<Option<Bytes>, ProxyError>
    where
        S: Stream<Item = Result<Bytes, ProxyError>> + Unpin + ?Sized,
    {
        futures_util::future::poll_fn(|cx| {
            while let Poll::Ready(Some(sent)) = self.in_flight.poll_next_unpin(cx) {
                if let Err(error) = sent {
                    return Poll::Ready(Err(store_failure(error)));
                }
            }
            source.poll_next_unpin(cx).map(Option::transpose)
        })
        .await
    }

    /// Adds a chunk, sending a part whenever a full one is buffered (a large chunk is
    /// split, without copying, so that every part but the last is exactly [`PART_SIZE`]).
    pub(super) async fn push(&mut self, mut chunk: Bytes) -> Result<(), ProxyError> {
        while self.buffered + chunk.len() >= PART_SIZE {
            let head = chunk.split_to(PART_SIZE - self.buffered);
            self.buffered += head.len();
            self.buffer.push(head);
            self.send_part().await?;
        }
        if !chunk.is_empty() {
            self.buffered += chunk.len();
            self.buffer.push(chunk);
        }
        Ok(())
    }

    /// Completes the write: one `put` with `mode` if everything is still buffered, else
    /// the last part and the completion of the multipart upload (which always overwrites;
    /// callers needing another mode write elsewhere and link the result into place). On
    /// failure nothing is left behind.
    pub(super) async fn finish(mut self, mode: PutMode) -> Result<PutResult, ProxyError> {
        if self.upload.is_none() {
            let payload = self.take_payload();
            return put(self.store, &self.path, payload, mode).await;
        }
        if self.buffered > 0 {
            self.send_part().await?;
        }
        let mut outcome = Ok(());
        while let Some(sent) = self.in_flight.next().await {
            if let Err(error) = sent {
                outcome = Err(error);
                break;
            }
        }
        let Some(upload) = self.upload.as_mut() else {
            return Err(ProxyError::Internal("multipart upload vanished".into()));
        };
        match outcome {
            Ok(()) => match upload.complete().await {
                Ok(result) => {
                    self.upload = None;
                    Ok(result)
                }
                Err(error) => {
                    self.abort().await;
                    Err(store_failure(error))
                }
            },
            Err(error) => {
                self.abort().await;
                Err(store_failure(error))
            }
        }
    }

    /// Abandons the write, removing whatever was sent.
    pub(super) async fn abort(mut self) {
        self.in_flight = FuturesUnordered::new();
        if let Some(mut upload) = self.upload.take()
            && let Err(error) = upload.abort().await
        {
            tracing::warn!(%error, "could not abort a multipart write");
        }
    }

    /// Sends the buffered bytes as the next part, waiting for room among the parts in
    /// flight first.
    async fn send_part(&mut self) -> Result<(), ProxyError> {
        let payload = self.take_payload();
        if self.upload.is_none() {
            let options = PutMultipartOptions::default();
            let upload = self.store.put_multipart_opts(&self.path, options).await;
            self.upload = Some(upload.map_err(store_failure)?);
        }
        while self.in_flight.len() >= MAX_PARTS_IN_FLIGHT {
            if let Some(Err(error)) = self.in_flight.next().await {
                return Err(store_failure(error));
            }
        }
        if let Some(upload) = self.upload.as_mut() {
            self.in_flight.push(upload.put_part(payload));
        }
        Ok(())
    }

    /// Empties the buffer into a payload.
    fn take_payload(&mut self) -> PutPayload {
        self.buffered = 0;
        std::mem::take(&mut self.buffer).into_iter().collect()
    }
}

/// One `put` with `mode`.
async fn put(
    store: &dyn ObjectStore,
    path: &Path,
    payload: PutPayload,
    mode: PutMode,
) -> Result<PutResult, ProxyError> {
    let options = PutOptions {
        mode,
        ..PutOptions::default()
    };
    store
        .put_opts(path, payload, options)
        .await
        .map_err(store_failure)
}
