//! [`WorkerBody`]: request and response bodies, kept as JavaScript streams until the core
//! needs their bytes.
//!
//! A body the core forwards untouched (an upload on its way to the backend, a download
//! on its way to the client) stays a JavaScript `ReadableStream` end to end: the runtime
//! pumps it natively and its bytes never enter wasm memory. Only a body the core reads
//! (XML requests, `aws-chunked` uploads it decodes, STS forms) or writes (listings,
//! objects read from an object store) crosses into Rust, one chunk at a time.

use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, TryStreamExt};
use js_sys::Uint8Array;
use multistore::ProxyError;
use multistore::backend::BodyStream;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{ReadableStream, ReadableWritablePair};
use worker::worker_sys::FixedLengthStream;

use crate::js_error::JsFailure;

/// A body on the Workers runtime.
pub enum WorkerBody {
    /// No body.
    Empty,
    /// A JavaScript stream (a client's upload, a backend's response), not yet read.
    Js(ReadableStream),
    /// Bytes the core produced.
    Rust(BodyStream),
}

impl std::fmt::Debug for WorkerBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Js(_) => f.write_str("Js"),
            Self::Rust(_) => f.write_str("Rust"),
        }
    }
}

impl From<Option<ReadableStream>> for WorkerBody {
    fn from(stream: Option<ReadableStream>) -> Self {
        stream.map_or(Self::Empty, Self::Js)
    }
}

impl WorkerBody {
    /// The body as the core's byte stream: a JavaScript stream is read chunk by chunk,
    /// each chunk copied once into wasm memory. A read failure (the client went away)
    /// ends the stream with `IncompleteBody`.
    pub fn into_stream(self) -> BodyStream {
        match self {
            Self::Empty => Box::pin(futures_util::stream::empty()),
            Self::Rust(stream) => stream,
            Self::Js(stream) => Box::pin(
                wasm_streams::ReadableStream::from_raw(stream)
                    .into_stream()
                    .map(|chunk| chunk.map(|chunk| Bytes::from(chunk_bytes(chunk).to_vec())))
                    .map_err(|error| {
                        tracing::debug!(error = %JsFailure::new("reading a body", &error), "body read failed");
                        ProxyError::IncompleteBody
                    }),
            ),
        }
    }

    /// The body as a JavaScript stream, `None` when empty. Bytes the core produced are
    /// copied out of wasm memory chunk by chunk as the stream is read; a failure of the
    /// core's stream errors the JavaScript stream, so that a request carrying it aborts.
    pub(crate) fn into_js(self) -> Option<ReadableStream> {
        match self {
            Self::Empty => None,
            Self::Js(stream) => Some(stream),
            Self::Rust(stream) => {
                let chunks = stream
                    .map_ok(|bytes| JsValue::from(Uint8Array::from(bytes.as_ref())))
                    .map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())));
                Some(wasm_streams::ReadableStream::from_stream(chunks).into_raw())
            }
        }
    }
}

/// `stream` piped through a `FixedLengthStream` of `length` bytes: the runtime then
/// announces the length (`Content-Length`, no chunked encoding) when it sends the
/// stream, and errors the stream if it carries more or fewer bytes than that.
pub(crate) fn with_length(
    stream: &ReadableStream,
    length: u64,
) -> Result<ReadableStream, JsFailure> {
    let fixed = match u32::try_from(length) {
        Ok(small) => FixedLengthStream::new(small),
        Err(_) => FixedLengthStream::new_big_int(js_sys::BigInt::from(length)),
    }
    .map_err(|error| JsFailure::new("creating a FixedLengthStream", &error))?;
    let pair = ReadableWritablePair::new(&fixed.readable(), &fixed.writable());
    Ok(stream.pipe_through(&pair))
}

/// Why [`collect`] stopped.
#[derive(Debug)]
pub(crate) enum CollectError {
    /// The body is longer than allowed.
    TooLarge,
    /// Reading it failed.
    Read(ProxyError),
}

/// Reads `body` whole, failing once it passes `max` bytes.
pub(crate) async fn collect(body: WorkerBody, max: usize) -> Result<Bytes, CollectError> {
    let mut stream = body.into_stream();
    let mut collected = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(CollectError::Read)?;
        if collected.len() + chunk.len() > max {
            return Err(CollectError::TooLarge);
        }
        collected.extend_from_slice(&chunk);
    }
    Ok(collected.freeze())
}

/// A chunk of a byte stream, as bytes (runtimes hand out `Uint8Array`s; anything else
/// is viewed as one).
fn chunk_bytes(chunk: JsValue) -> Uint8Array {
    chunk
        .dyn_into::<Uint8Array>()
        .unwrap_or_else(|other| Uint8Array::new(&other))
}
