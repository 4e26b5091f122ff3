//! Request bodies: read whole with a cap, or streamed through chunk decoding and
//! verification.

use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use futures_util::stream;
use http::HeaderMap;
use sha2::{Digest, Sha256};

use crate::ProxyError;
use crate::auth::sigv4::{ChunkedDecoder, PayloadMode, VerifiedSignature};
use crate::backend::BodyStream;

/// Reads a whole body, failing with `EntityTooLarge` as soon as it passes `cap` bytes,
/// whether or not a `Content-Length` was sent.
pub(crate) async fn collect_capped(mut body: BodyStream, cap: usize) -> Result<Bytes, ProxyError> {
    let mut out = BytesMut::new();
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        if out.len() + chunk.len() > cap {
            return Err(ProxyError::EntityTooLarge);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out.freeze())
}

/// How a request body is covered by the request's signature.
#[derive(Debug)]
pub(crate) enum BodyCoverage {
    /// Anonymous request, or `UNSIGNED-PAYLOAD`: the bytes are taken as they come.
    Unsigned,
    /// The signature covers the body's SHA-256 (hex).
    Sha256(String),
    /// `aws-chunked` framing without chunk signatures.
    UnsignedChunks,
    /// `aws-chunked` framing with chunk signatures continuing the request's chain.
    SignedChunks { decoder: Box<ChunkedDecoder> },
}

impl BodyCoverage {
    /// What `signature` (absent for anonymous requests) says about the body.
    pub(crate) fn of(signature: Option<&VerifiedSignature>, headers: &HeaderMap) -> Self {
        let Some(signature) = signature else {
            return Self::Unsigned;
        };
        match &signature.claims().payload {
            PayloadMode::Unsigned => Self::Unsigned,
            PayloadMode::Sha256(hash) => Self::Sha256(hash.clone()),
            PayloadMode::StreamingUnsignedTrailer => Self::UnsignedChunks,
            PayloadMode::StreamingSigned { trailer } => Self::SignedChunks {
                decoder: Box::new(ChunkedDecoder::signed(
                    signature.chunk_verifier(),
                    *trailer,
                    decoded_length(headers),
                )),
            },
        }
    }

    /// The body's payload bytes, checked against the signature as they pass: chunk
    /// framing removed and each chunk verified, or the whole body hashed and compared at
    /// its end. A failure surfaces as an error item before the stream ends, and the last
    /// bytes are held back until every check has passed ([`release_last_at_end`]), so
    /// whoever consumes the stream never completes a write from a body that failed, even
    /// one that stops reading once it has the length it was told.
    pub(crate) fn payload(self, raw: BodyStream, headers: &HeaderMap) -> BodyStream {
        match self {
            Self::Unsigned => raw,
            Self::Sha256(expected) => release_last_at_end(verify_sha256(raw, expected)),
            Self::UnsignedChunks => release_last_at_end(decode_chunks(
                raw,
                ChunkedDecoder::unsigned(decoded_length(headers)),
            )),
            Self::SignedChunks { decoder } => release_last_at_end(decode_chunks(raw, *decoder)),
        }
    }
}

/// `x-amz-decoded-content-length`: the payload length of an `aws-chunked` body.
pub(crate) fn decoded_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get("x-amz-decoded-content-length")?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// `Content-Length`, if present and valid.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// `stream` with each piece of bytes held back until the next item is known: the last
/// piece comes out only once the stream has ended without an error, and a failure at the
/// end (a bad final chunk signature, a payload longer or shorter than declared, a hash
/// mismatch) takes its place.
///
/// Without this, a consumer that knows the body's length (an HTTP client sending
/// `Content-Length` bytes to a backend) stops polling after the last byte it needs and
/// never sees the failure that would have followed, and the backend completes the write.
fn release_last_at_end(stream: BodyStream) -> BodyStream {
    struct State {
        inner: BodyStream,
        held: Option<Bytes>,
        ended: bool,
    }
    Box::pin(stream::unfold(
        State {
            inner: stream,
            held: None,
            ended: false,
        },
        |mut state| async move {
            if state.ended {
                return None;
            }
            loop {
                match state.inner.next().await {
                    Some(Ok(bytes)) => {
                        if let Some(previous) = state.held.replace(bytes) {
                            return Some((Ok(previous), state));
                        }
                    }
                    Some(Err(error)) => {
                        state.held = None;
                        state.ended = true;
                        return Some((Err(error), state));
                    }
                    None => {
                        state.ended = true;
                        let last = state.held.take()?;
                        return Some((Ok(last), state));
                    }
                }
            }
        },
    ))
}

/// Runs `raw` through `decoder`, yielding payload bytes.
fn decode_chunks(raw: BodyStream, decoder: ChunkedDecoder) -> BodyStream {
    struct State {
        raw: BodyStream,
        decoder: Option<ChunkedDecoder>,
    }
    Box::pin(stream::unfold(
        State {
            raw,
            decoder: Some(decoder),
        },
        |mut state| async move {
            loop {
                let decoder = state.decoder.as_mut()?;
                if let Some(bytes) = decoder.pop() {
                    return Some((Ok(bytes), state));
                }
                match state.raw.next().await {
                    Some(Ok(input)) => {
                        if let Err(error) = decoder.push(&input) {
                            state.decoder = None;
                            return Some((Err(error), state));
                        }
                    }
                    Some(Err(error)) => {
                        state.decoder = None;
                        return Some((Err(error), state));
                    }
                    None => {
                        let finished = state.decoder.take()?.finish();
                        return match finished {
                            Ok(_trailers) => None,
                            Err(error) => Some((Err(error), state)),
                        };
                    }
                }
            }
        },
    ))
}

/// Passes `raw` through while hashing it; a mismatch with `expected` is an error item in
/// place of the end of the stream.
fn verify_sha256(raw: BodyStream, expected: String) -> BodyStream {
    struct State {
        raw: BodyStream,
        hasher: Option<Sha256>,
        expected: String,
    }
    Box::pin(stream::unfold(
        State {
            raw,
            hasher: Some(Sha256::new()),
            expected,
        },
        |mut state| async move {
            let hasher = state.hasher.as_mut()?;
            match state.raw.next().await {
                Some(Ok(bytes)) => {
                    hasher.update(&bytes);
                    Some((Ok(bytes), state))
                }
                Some(Err(error)) => {
                    state.hasher = None;
                    Some((Err(error), state))
                }
                None => {
                    let actual = hex::encode(state.hasher.take()?.finalize());
                    (actual != state.expected).then(|| {
                        let error = ProxyError::ContentSha256Mismatch(
                            "The provided 'x-amz-content-sha256' header does not match what was computed."
                                .into(),
                        );
                        (Err(error), state)
                    })
                }
            }
        },
    ))
}

/// The first error of a request body the gateway streams to a backend.
///
/// When such a body fails (a chunk signature that does not verify, a payload longer than
/// declared), the transport aborts the backend request and reports a transport failure.
/// The body's own error is the one the client caused and must see, so the stream keeps it
/// here and hands the transport a stand-in.
#[derive(Debug, Clone, Default)]
pub(crate) struct BodyFailure(Arc<Mutex<Option<ProxyError>>>);

impl BodyFailure {
    /// `stream`, with its first error kept here in place of being passed on.
    pub(crate) fn watch(&self, stream: BodyStream) -> BodyStream {
        let failure = self.clone();
        Box::pin(stream.map(move |item| {
            item.map_err(|error| {
                let mut slot = failure.0.lock().unwrap_or_else(|e| e.into_inner());
                slot.get_or_insert(error);
                ProxyError::Internal("the request body failed".into())
            })
        }))
    }

    /// The body's error, if it failed.
    pub(crate) fn take(&self) -> Option<ProxyError> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// Reads a whole request body of at most `cap` bytes, checked against the signature.
pub(crate) async fn read_verified(
    raw: BodyStream,
    coverage: BodyCoverage,
    headers: &HeaderMap,
    cap: usize,
) -> Result<Bytes, ProxyError> {
    collect_capped(coverage.payload(raw, headers), cap).await
}

#[cfg(test)]
mod tests {
    use futures_executor::block_on;

    use super::*;

    fn stream_of(parts: &[&'static [u8]]) -> BodyStream {
        Box::pin(stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::from_static(p)))
                .collect::<Vec<_>>(),
        ))
    }

    #[test]
    fn caps_apply_without_content_length() {
        let body = stream_of(&[b"abc", b"def"]);
        assert_eq!(block_on(collect_capped(body, 6)).unwrap(), "abcdef");
        let body = stream_of(&[b"abc", b"defg"]);
        assert_eq!(
            block_on(collect_capped(body, 6)).unwrap_err().s3_code(),
            "EntityTooLarge"
        );
    }

    #[test]
    fn sha256_is_checked_at_the_end() {
        let good = hex::encode(Sha256::digest(b"hello"));
        let headers = HeaderMap::new();
        let read = |hash: &str| {
            block_on(read_verified(
                stream_of(&[b"he", b"llo"]),
                BodyCoverage::Sha256(hash.to_owned()),
                &headers,
                100,
            ))
        };
        assert_eq!(read(&good).unwrap(), "hello");
        assert_eq!(
            read(&"0".repeat(64)).unwrap_err().s3_code(),
            "XAmzContentSHA256Mismatch"
        );
    }

    /// The first items a consumer that wants `length` bytes reads.
    fn read_up_to(mut body: BodyStream, length: usize) -> Vec<Result<Bytes, String>> {
        let mut items = Vec::new();
        let mut read = 0;
        while read < length {
            match block_on(body.next()) {
                Some(Ok(bytes)) => {
                    read += bytes.len();
                    items.push(Ok(bytes));
                }
                Some(Err(error)) => {
                    items.push(Err(error.s3_code().to_owned()));
                    break;
                }
                None => break,
            }
        }
        items
    }

    #[test]
    fn a_failure_at_the_end_reaches_a_consumer_that_stops_at_its_length() {
        // Two chunks where one was declared: the excess is found before the first
        // chunk's bytes are released.
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-decoded-content-length", "5".parse().unwrap());
        let body = BodyCoverage::UnsignedChunks.payload(
            stream_of(&[b"5\r\nhello\r\n", b"5\r\nworld\r\n0\r\n\r\n"]),
            &headers,
        );
        assert_eq!(read_up_to(body, 5), [Err("InvalidRequest".to_owned())]);

        // A hash mismatch replaces the last bytes.
        let body = BodyCoverage::Sha256("0".repeat(64))
            .payload(stream_of(&[b"he", b"llo"]), &HeaderMap::new());
        assert_eq!(
            read_up_to(body, 5),
            [
                Ok(Bytes::from_static(b"he")),
                Err("XAmzContentSHA256Mismatch".to_owned())
            ]
        );

        // A good body comes out whole.
        let good = hex::encode(Sha256::digest(b"hello"));
        let body = BodyCoverage::Sha256(good).payload(stream_of(&[b"he", b"llo"]), &headers);
        assert_eq!(
            read_up_to(body, 5),
            [
                Ok(Bytes::from_static(b"he")),
                Ok(Bytes::from_static(b"llo"))
            ]
        );
    }

    #[test]
    fn body_failures_are_kept_for_the_client() {
        let failing: BodyStream = Box::pin(stream::iter(vec![
            Ok(Bytes::from_static(b"ok")),
            Err(ProxyError::SignatureDoesNotMatch("bad chunk".into())),
        ]));
        let failure = BodyFailure::default();
        let transport = block_on(collect_capped(failure.watch(failing), 100)).unwrap_err();
        assert_eq!(transport.s3_code(), "InternalError");
        let kept = failure.take().expect("the body's error");
        assert_eq!(kept.s3_code(), "SignatureDoesNotMatch");
        assert!(failure.take().is_none());
    }

    #[test]
    fn unsigned_chunks_are_decoded() {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-decoded-content-length", "5".parse().unwrap());
        let body = block_on(read_verified(
            stream_of(&[b"5\r\nhel", b"lo\r\n0\r\n\r\n"]),
            BodyCoverage::UnsignedChunks,
            &headers,
            100,
        ))
        .unwrap();
        assert_eq!(body, "hello");
        let truncated = block_on(read_verified(
            stream_of(&[b"5\r\nhel"]),
            BodyCoverage::UnsignedChunks,
            &headers,
            100,
        ));
        assert!(truncated.is_err());
    }
}
