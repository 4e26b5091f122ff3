//! Request bodies: read whole with a cap, or streamed through chunk decoding and
//! verification.

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
    /// its end. A failure surfaces as an error item before the stream ends, so whoever
    /// consumes the stream never completes a write from a body that failed.
    pub(crate) fn payload(self, raw: BodyStream, headers: &HeaderMap) -> BodyStream {
        match self {
            Self::Unsigned => raw,
            Self::Sha256(expected) => verify_sha256(raw, expected),
            Self::UnsignedChunks => {
                decode_chunks(raw, ChunkedDecoder::unsigned(decoded_length(headers)))
            }
            Self::SignedChunks { decoder } => decode_chunks(raw, *decoder),
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
