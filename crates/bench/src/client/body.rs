//! Request bodies: none, a few bytes, or a long generated stream that is never held in
//! memory whole.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::OnceLock;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// Size of the chunk a generated body repeats (and of each frame it sends).
const CHUNK: usize = 1 << 20;

/// A request body.
#[derive(Debug)]
pub(crate) enum BenchBody {
    /// No body.
    Empty,
    /// A body held in memory (small objects, XML documents, forms).
    Full(Option<Bytes>),
    /// `remaining` bytes of a pseudo-random pattern, sent in 1 MiB frames that all share
    /// one buffer.
    Pattern {
        /// The shared chunk.
        chunk: Bytes,
        /// Bytes still to send.
        remaining: u64,
    },
}

impl BenchBody {
    /// A body of `bytes`.
    pub(crate) fn full(bytes: impl Into<Bytes>) -> Self {
        Self::Full(Some(bytes.into()))
    }

    /// A generated body of `length` bytes.
    pub(crate) fn pattern(length: u64) -> Self {
        Self::Pattern {
            chunk: pattern_chunk().clone(),
            remaining: length,
        }
    }

    /// The body's length.
    pub(crate) fn len(&self) -> u64 {
        match self {
            Self::Empty | Self::Full(None) => 0,
            Self::Full(Some(bytes)) => bytes.len() as u64,
            Self::Pattern { remaining, .. } => *remaining,
        }
    }
}

/// 1 MiB of xorshift output, made once.
fn pattern_chunk() -> &'static Bytes {
    static CHUNK_BYTES: OnceLock<Bytes> = OnceLock::new();
    CHUNK_BYTES.get_or_init(|| {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut bytes = Vec::with_capacity(CHUNK);
        while bytes.len() < CHUNK {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            bytes.extend_from_slice(&state.to_le_bytes());
        }
        Bytes::from(bytes)
    })
}

impl Body for BenchBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let frame = match self.get_mut() {
            Self::Empty => None,
            Self::Full(bytes) => bytes.take().map(Frame::data),
            Self::Pattern { chunk, remaining } => {
                if *remaining == 0 {
                    None
                } else {
                    let length = (*remaining).min(chunk.len() as u64) as usize;
                    *remaining -= length as u64;
                    Some(Frame::data(chunk.slice(..length)))
                }
            }
        };
        Poll::Ready(frame.map(Ok))
    }

    fn is_end_stream(&self) -> bool {
        self.len() == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len())
    }
}
