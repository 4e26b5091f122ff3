//! What the cases share: signed requests to the target bucket, the bytes they upload, and
//! reading bodies back.

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http::header::HOST;
use http::{HeaderMap, HeaderValue, Method, StatusCode};

use super::{Case, Conformance, Failure};
use crate::ProxyError;
use crate::auth::sigv4::{encode_path, sha256_hex};
use crate::backend::{BackendRequest, BodyStream, ProxyBackend, RawResponse};

/// The payload hash of requests whose body is streamed.
pub(super) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Fails with `message` unless `condition` holds.
pub(super) fn ensure(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failure> {
    if condition {
        Ok(())
    } else {
        Err(Failure::new(message()))
    }
}

/// Describes a transport error the case did not expect.
pub(super) fn unexpected(what: &str) -> impl FnOnce(ProxyError) -> Failure + '_ {
    move |error| Failure::new(format!("{what}: unexpected error: {error}"))
}

/// Byte `offset` of every uploaded body: a pattern with no period shorter than 251 bytes,
/// so a dropped, repeated or reordered chunk shows.
pub(super) fn pattern_byte(offset: u64) -> u8 {
    (offset.wrapping_mul(31).wrapping_add(7) % 251) as u8
}

/// `length` bytes of the pattern, in one buffer.
pub(super) fn pattern(length: u64) -> Bytes {
    (0..length).map(pattern_byte).collect::<Vec<_>>().into()
}

/// `length` bytes of the pattern as a stream of `chunk`-byte chunks; when `fail_after` is
/// given, the stream fails with `IncompleteBody` once that many bytes have gone out.
pub(super) fn pattern_stream(length: u64, chunk: u64, fail_after: Option<u64>) -> BodyStream {
    let end = fail_after.map_or(length, |after| after.min(length));
    let chunks = (0..end.div_ceil(chunk)).map(move |index| {
        let start = index * chunk;
        let bytes: Bytes = (start..(start + chunk).min(end))
            .map(pattern_byte)
            .collect();
        Ok(bytes)
    });
    let failure = fail_after.map(|_| Err(ProxyError::IncompleteBody));
    Box::pin(futures_util::stream::iter(chunks.chain(failure)))
}

/// Reads `stream` to its end, checking every byte against the pattern without keeping
/// them; returns how many bytes there were and how many chunks they came in.
pub(super) async fn check_pattern_stream(mut stream: BodyStream) -> Result<(u64, u64), Failure> {
    let (mut offset, mut chunks) = (0u64, 0u64);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(unexpected("reading the response body"))?;
        for (index, byte) in chunk.iter().enumerate() {
            let at = offset + index as u64;
            ensure(*byte == pattern_byte(at), || {
                format!("response body differs from what was stored at byte {at}")
            })?;
        }
        offset += chunk.len() as u64;
        chunks += 1;
    }
    Ok((offset, chunks))
}

/// Reads `stream` whole.
pub(super) async fn collect(mut stream: BodyStream) -> Result<Bytes, Failure> {
    let mut collected = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        collected.extend_from_slice(&chunk.map_err(unexpected("reading a body"))?);
    }
    Ok(collected.freeze())
}

/// The status a case expects, or a failure naming what answered otherwise.
pub(super) fn expect_status(
    what: &str,
    status: StatusCode,
    expected: StatusCode,
    body: &[u8],
) -> Result<(), Failure> {
    ensure(status == expected, || {
        format!(
            "{what}: status {status}, expected {expected}; body: {}",
            String::from_utf8_lossy(&body[..body.len().min(512)])
        )
    })
}

impl<B: ProxyBackend> Conformance<'_, B> {
    /// The encoded URL of `name` in `case`'s folder of the bucket.
    pub(super) fn object_url(&self, case: Case, name: &str) -> String {
        format!(
            "{}/{}",
            self.target.bucket_url,
            encode_path(&format!("conformance/{}/{name}", case.name()))
        )
    }

    /// A request to `url` with `headers`, signed over `payload_hash`.
    pub(super) fn signed(
        &self,
        method: Method,
        url: String,
        mut headers: HeaderMap,
        payload_hash: &str,
    ) -> Result<BackendRequest, Failure> {
        let uri: http::Uri = url
            .parse()
            .map_err(|error| Failure::new(format!("bad URL {url}: {error}")))?;
        let host = uri
            .authority()
            .ok_or_else(|| Failure::new(format!("URL without a host: {url}")))?;
        let host = HeaderValue::from_str(host.as_str())
            .map_err(|error| Failure::new(format!("bad host in {url}: {error}")))?;
        headers.insert(HOST, host);
        let mut request = BackendRequest {
            method,
            url,
            headers,
        };
        self.target
            .signer
            .sign(&mut request, payload_hash, chrono::Utc::now(), &self.keys)
            .map_err(unexpected("signing"))?;
        Ok(request)
    }

    /// `send_raw` of a signed request carrying `body`.
    pub(super) async fn raw(
        &self,
        method: Method,
        url: String,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<RawResponse, ProxyError> {
        let hash = sha256_hex(&body);
        let request = self
            .signed(method, url, headers, &hash)
            .map_err(|failure| ProxyError::Internal(failure.to_string()))?;
        self.backend.send_raw(request, body).await
    }

    /// Stores `body` at `url` with `send_raw`, failing unless the backend answers 200.
    pub(super) async fn put_raw(&self, url: String, body: Bytes) -> Result<(), Failure> {
        let answer = self
            .raw(Method::PUT, url, HeaderMap::new(), body)
            .await
            .map_err(unexpected("send_raw PUT"))?;
        expect_status("send_raw PUT", answer.status, StatusCode::OK, &answer.body)
    }

    /// Deletes the object at `url`, so that a case starts from a clean slate.
    pub(super) async fn delete(&self, url: String) -> Result<(), Failure> {
        let answer = self
            .raw(Method::DELETE, url, HeaderMap::new(), Bytes::new())
            .await
            .map_err(unexpected("send_raw DELETE"))?;
        ensure(answer.status.is_success(), || {
            format!("send_raw DELETE: status {}", answer.status)
        })
    }

    /// The whole object at `url`, read with `send_raw`, failing unless it is there.
    pub(super) async fn get_raw(&self, url: String) -> Result<RawResponse, Failure> {
        let answer = self
            .raw(Method::GET, url, HeaderMap::new(), Bytes::new())
            .await
            .map_err(unexpected("send_raw GET"))?;
        expect_status("send_raw GET", answer.status, StatusCode::OK, &answer.body)?;
        Ok(answer)
    }

    /// The status of a HEAD of `url`, with `send_raw`.
    pub(super) async fn head_status(&self, url: String) -> Result<StatusCode, Failure> {
        let answer = self
            .raw(Method::HEAD, url, HeaderMap::new(), Bytes::new())
            .await
            .map_err(unexpected("send_raw HEAD"))?;
        Ok(answer.status)
    }
}
