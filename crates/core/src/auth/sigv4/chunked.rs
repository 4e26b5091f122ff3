//! `aws-chunked` bodies: the framing decoder and the chunk-signature chain.
//!
//! A streaming upload (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]` or
//! `STREAMING-UNSIGNED-PAYLOAD-TRAILER`) frames its body as
//!
//! ```text
//! <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n   … repeated …
//! 0[;chunk-signature=<sig>]\r\n
//! [<trailer name>:<value>\r\n …] [x-amz-trailer-signature:<sig>\r\n]
//! \r\n
//! ```
//!
//! Each chunk signature signs the chunk's data and the previous signature, starting from
//! the request's own signature (the seed), so a chunk cannot be altered, dropped,
//! reordered or replayed. [`ChunkedDecoder`] is sans-IO: feed it the raw body as it arrives
//! and take out payload bytes; in signed mode no byte of a chunk is released before that
//! chunk's signature has verified.

use std::collections::VecDeque;

use bytes::{Buf, Bytes, BytesMut};

use super::canonical::{EMPTY_SHA256, sha256_hex};
use super::signing_key::SigningKey;
use crate::ProxyError;

/// The longest chunk header line accepted (`<hex>;chunk-signature=<64 hex>` is ~90 bytes).
const MAX_HEADER_LINE: usize = 4096;
/// The largest signed chunk held while its signature is checked; bounds memory per upload.
pub const MAX_SIGNED_CHUNK: usize = 16 * 1024 * 1024;
/// The most trailer bytes accepted.
const MAX_TRAILER_BYTES: usize = 16 * 1024;

/// The chain of chunk signatures of one signed streaming upload.
#[derive(Debug, Clone)]
pub struct ChunkSignatureVerifier {
    signing_key: SigningKey,
    amz_date: String,
    scope: String,
    previous_signature: String,
}

impl ChunkSignatureVerifier {
    /// A chain starting at the request's `seed_signature`.
    pub fn new(
        signing_key: SigningKey,
        amz_date: String,
        scope: String,
        seed_signature: String,
    ) -> Self {
        Self {
            signing_key,
            amz_date,
            scope,
            previous_signature: seed_signature,
        }
    }

    /// Verifies the signature of the next chunk (`data` empty for the final chunk).
    pub fn verify_chunk(&mut self, data: &[u8], signature: &str) -> Result<(), ProxyError> {
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{}\n{}\n{}\n{EMPTY_SHA256}\n{}",
            self.amz_date,
            self.scope,
            self.previous_signature,
            sha256_hex(data)
        );
        self.advance(&string_to_sign, signature)
    }

    /// Verifies the trailer signature over the canonical trailer lines (`name:value\n`).
    pub fn verify_trailer(
        &mut self,
        canonical_trailers: &str,
        signature: &str,
    ) -> Result<(), ProxyError> {
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-TRAILER\n{}\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            self.previous_signature,
            sha256_hex(canonical_trailers.as_bytes())
        );
        self.advance(&string_to_sign, signature)
    }

    fn advance(&mut self, string_to_sign: &str, signature: &str) -> Result<(), ProxyError> {
        if !self.signing_key.verify(string_to_sign, signature) {
            return Err(ProxyError::SignatureDoesNotMatch(
                "The chunk signature we calculated does not match the signature you provided."
                    .into(),
            ));
        }
        self.previous_signature = signature.to_owned();
        Ok(())
    }
}

/// Whether chunks carry signatures.
#[derive(Debug, Clone)]
enum Framing {
    Signed {
        verifier: ChunkSignatureVerifier,
        /// Whether a signed trailer follows the final chunk.
        trailer: bool,
    },
    Unsigned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Expecting a chunk header line.
    Header,
    /// Inside a chunk's data.
    Data { remaining: usize },
    /// Expecting the `\r\n` that ends a chunk's data.
    DataEnd,
    /// After the final chunk: trailer lines until an empty line.
    Trailers,
    /// The body is complete.
    Done,
}

/// Decodes an `aws-chunked` body incrementally. See the module documentation.
#[derive(Debug)]
pub struct ChunkedDecoder {
    framing: Framing,
    state: State,
    buffer: BytesMut,
    /// The signature of the chunk being read (signed framing).
    chunk_signature: Option<String>,
    ready: VecDeque<Bytes>,
    decoded_length: u64,
    expected_length: Option<u64>,
    trailers: Vec<(String, String)>,
    trailer_bytes: usize,
}

fn malformed(what: &str) -> ProxyError {
    ProxyError::InvalidRequest(format!("Malformed aws-chunked body: {what}."))
}

impl ChunkedDecoder {
    /// A decoder for signed chunks, verified along `verifier`'s chain. `expected_length` is
    /// `x-amz-decoded-content-length`, checked at the end when present.
    pub fn signed(
        verifier: ChunkSignatureVerifier,
        trailer: bool,
        expected_length: Option<u64>,
    ) -> Self {
        Self::new(Framing::Signed { verifier, trailer }, expected_length)
    }

    /// A decoder for unsigned chunks (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`).
    pub fn unsigned(expected_length: Option<u64>) -> Self {
        Self::new(Framing::Unsigned, expected_length)
    }

    fn new(framing: Framing, expected_length: Option<u64>) -> Self {
        Self {
            framing,
            state: State::Header,
            buffer: BytesMut::new(),
            chunk_signature: None,
            ready: VecDeque::new(),
            decoded_length: 0,
            expected_length,
            trailers: Vec::new(),
            trailer_bytes: 0,
        }
    }

    /// Feeds the next raw bytes of the body and decodes as far as they allow.
    pub fn push(&mut self, input: &[u8]) -> Result<(), ProxyError> {
        self.buffer.extend_from_slice(input);
        while self.step()? {}
        Ok(())
    }

    /// The next decoded payload bytes, if any are ready.
    pub fn pop(&mut self) -> Option<Bytes> {
        self.ready.pop_front()
    }

    /// Ends the body: it must be complete and of the declared decoded length. Returns the
    /// trailer headers (checksums), if any.
    pub fn finish(self) -> Result<Vec<(String, String)>, ProxyError> {
        if self.state != State::Done || !self.buffer.is_empty() {
            return Err(ProxyError::IncompleteBody);
        }
        if self
            .expected_length
            .is_some_and(|n| n != self.decoded_length)
        {
            return Err(ProxyError::IncompleteBody);
        }
        Ok(self.trailers)
    }

    /// Takes one step of the state machine; `false` when more input is needed.
    fn step(&mut self) -> Result<bool, ProxyError> {
        match self.state {
            State::Header => {
                let Some(line) = self.take_line(MAX_HEADER_LINE)? else {
                    return Ok(false);
                };
                self.start_chunk(&line)?;
            }
            State::Data { remaining } => match &self.framing {
                Framing::Unsigned => {
                    let n = remaining.min(self.buffer.len());
                    if n == 0 {
                        return Ok(false);
                    }
                    let data = self.buffer.split_to(n).freeze();
                    self.emit(data)?;
                    self.state = match remaining - n {
                        0 => State::DataEnd,
                        left => State::Data { remaining: left },
                    };
                }
                Framing::Signed { .. } => {
                    if self.buffer.len() < remaining {
                        return Ok(false);
                    }
                    let data = self.buffer.split_to(remaining).freeze();
                    let signature = self.chunk_signature.take().unwrap_or_default();
                    if let Framing::Signed { verifier, .. } = &mut self.framing {
                        verifier.verify_chunk(&data, &signature)?;
                    }
                    self.emit(data)?;
                    self.state = State::DataEnd;
                }
            },
            State::DataEnd => {
                if self.buffer.len() < 2 {
                    return Ok(false);
                }
                if &self.buffer[..2] != b"\r\n" {
                    return Err(malformed("chunk data is not followed by CRLF"));
                }
                self.buffer.advance(2);
                self.state = State::Header;
            }
            State::Trailers => {
                let Some(line) = self.take_line(MAX_TRAILER_BYTES)? else {
                    return Ok(false);
                };
                self.trailer_bytes += line.len() + 2;
                if self.trailer_bytes > MAX_TRAILER_BYTES {
                    return Err(malformed("trailers too large"));
                }
                if line.is_empty() {
                    self.end_trailers()?;
                } else {
                    let (name, value) = line
                        .split_once(':')
                        .ok_or_else(|| malformed("trailer line without `:`"))?;
                    self.trailers
                        .push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                }
            }
            State::Done => {
                if !self.buffer.is_empty() {
                    return Err(malformed("data after the final chunk"));
                }
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Parses a chunk header line and moves to the chunk's data (or to the trailers).
    fn start_chunk(&mut self, line: &str) -> Result<(), ProxyError> {
        let (size, extension) = match line.split_once(';') {
            Some((size, extension)) => (size, Some(extension)),
            None => (line, None),
        };
        let size = usize::from_str_radix(size.trim(), 16)
            .map_err(|_| malformed("chunk size is not hexadecimal"))?;
        if let Framing::Signed { .. } = self.framing {
            if size > MAX_SIGNED_CHUNK {
                return Err(ProxyError::EntityTooLarge);
            }
            let signature = extension
                .and_then(|e| e.strip_prefix("chunk-signature="))
                .ok_or_else(|| malformed("chunk without chunk-signature"))?;
            self.chunk_signature = Some(signature.to_owned());
        }
        if size > 0 {
            self.state = State::Data { remaining: size };
            return Ok(());
        }
        if let Framing::Signed { verifier, .. } = &mut self.framing {
            let signature = self.chunk_signature.take().unwrap_or_default();
            verifier.verify_chunk(&[], &signature)?;
        }
        // What follows the final chunk is read as trailer lines up to an empty line; a body
        // without trailers just ends with that empty line.
        self.state = State::Trailers;
        Ok(())
    }

    /// Checks the trailer signature (signed trailers) and completes the body.
    fn end_trailers(&mut self) -> Result<(), ProxyError> {
        if let Framing::Signed {
            verifier,
            trailer: true,
        } = &mut self.framing
        {
            let signature_at = self
                .trailers
                .iter()
                .position(|(name, _)| name == "x-amz-trailer-signature")
                .ok_or_else(|| malformed("signed trailer without x-amz-trailer-signature"))?;
            let (_, signature) = self.trailers.remove(signature_at);
            let canonical: String = self
                .trailers
                .iter()
                .map(|(name, value)| format!("{name}:{value}\n"))
                .collect();
            verifier.verify_trailer(&canonical, &signature)?;
        } else if matches!(self.framing, Framing::Signed { trailer: false, .. })
            && !self.trailers.is_empty()
        {
            return Err(malformed("trailers on a body declared without them"));
        }
        self.state = State::Done;
        Ok(())
    }

    fn emit(&mut self, data: Bytes) -> Result<(), ProxyError> {
        self.decoded_length += data.len() as u64;
        if self
            .expected_length
            .is_some_and(|n| self.decoded_length > n)
        {
            return Err(malformed("more data than x-amz-decoded-content-length"));
        }
        if !data.is_empty() {
            self.ready.push_back(data);
        }
        Ok(())
    }

    /// Takes one CRLF-terminated line from the buffer, if complete.
    fn take_line(&mut self, max: usize) -> Result<Option<String>, ProxyError> {
        let Some(end) = self.buffer.windows(2).position(|w| w == b"\r\n") else {
            if self.buffer.len() > max {
                return Err(malformed("line too long"));
            }
            return Ok(None);
        };
        if end > max {
            return Err(malformed("line too long"));
        }
        let line = self.buffer.split_to(end);
        self.buffer.advance(2);
        String::from_utf8(line.to_vec())
            .map(Some)
            .map_err(|_| malformed("line is not UTF-8"))
    }
}

#[cfg(test)]
mod tests;
