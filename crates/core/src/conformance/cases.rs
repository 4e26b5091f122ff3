//! The cases themselves, one method each.

use bytes::Bytes;
use futures_util::StreamExt;
use http::header::{CONTENT_LENGTH, ETAG};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};

use super::wire::{
    UNSIGNED_PAYLOAD, check_pattern_stream, collect, ensure, expect_status, pattern,
    pattern_stream, unexpected,
};
use super::{Case, Conformance, Failure};
use crate::backend::{BackendResponse, ForwardBody, MAX_RAW_RESPONSE_SIZE, ProxyBackend};

/// Size of the small bodies cases upload: several chunks, not a round number.
const SMALL: u64 = 200_003;
/// Chunk size of uploaded streams.
const CHUNK: u64 = 16 * 1024;
/// Larger than `send_raw` must accept.
const OVER_RAW_CAP: u64 = MAX_RAW_RESPONSE_SIZE as u64 + 1;

/// User metadata and entity headers whose values exercise what an HTTP stack might
/// normalize: inner runs of spaces, quotes, separators, percent signs, mixed case.
const KEPT_HEADERS: &[(&str, &str)] = &[
    ("x-amz-meta-spaced", "two  spaces   three"),
    ("x-amz-meta-punctuated", "a\"b';c=d,e/f\\g?h#i%20j+k"),
    ("x-amz-meta-mixed", "MiXeD CaSe Value"),
    (
        "content-disposition",
        "attachment; filename=\"report  2024.txt\"",
    ),
    ("cache-control", "max-age=60, must-revalidate"),
    ("content-type", "text/plain; charset=UTF-8"),
];

impl<B: ProxyBackend> Conformance<'_, B> {
    /// `forward` of a signed request, failing on a transport error.
    async fn forward(
        &self,
        what: &str,
        method: Method,
        url: String,
        headers: HeaderMap,
        body: ForwardBody<B::Body>,
    ) -> Result<BackendResponse<B::Body>, Failure> {
        let request = self.signed(method, url, headers, UNSIGNED_PAYLOAD)?;
        self.backend
            .forward(request, body)
            .await
            .map_err(unexpected(what))
    }

    /// Reads a forwarded response's body whole.
    async fn body_of(response: BackendResponse<B::Body>) -> Result<Bytes, Failure> {
        collect(B::body_into_stream(response.body)).await
    }

    pub(super) async fn send_raw_round_trip(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::SendRawRoundTrip, "object");
        let stored = pattern(SMALL);
        self.put_raw(url.clone(), stored.clone()).await?;
        let answer = self.get_raw(url).await?;
        ensure(answer.body == stored, || {
            format!(
                "send_raw GET returned {} bytes, not the {SMALL} stored",
                answer.body.len()
            )
        })?;
        let length = answer.headers.get(CONTENT_LENGTH);
        ensure(
            length.is_some_and(|value| value == &SMALL.to_string()),
            || format!("send_raw GET: Content-Length {length:?}, expected {SMALL}"),
        )
    }

    pub(super) async fn error_status_is_response(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::ErrorStatusIsResponse, "never-written");
        let answer = self
            .raw(Method::GET, url.clone(), HeaderMap::new(), Bytes::new())
            .await
            .map_err(unexpected("send_raw GET of a missing key"))?;
        expect_status(
            "send_raw GET of a missing key",
            answer.status,
            StatusCode::NOT_FOUND,
            &answer.body,
        )?;
        ensure(contains(&answer.body, b"NoSuchKey"), || {
            "send_raw GET of a missing key: body without the backend's NoSuchKey document"
                .to_owned()
        })?;
        let response = self
            .forward(
                "forward GET of a missing key",
                Method::GET,
                url,
                HeaderMap::new(),
                ForwardBody::Empty,
            )
            .await?;
        let status = response.status;
        let body = Self::body_of(response).await?;
        expect_status(
            "forward GET of a missing key",
            status,
            StatusCode::NOT_FOUND,
            &body,
        )?;
        ensure(contains(&body, b"NoSuchKey"), || {
            "forward GET of a missing key: body without the backend's NoSuchKey document".to_owned()
        })
    }

    pub(super) async fn forward_empty_body(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::ForwardEmptyBody, "object");
        self.put_raw(url.clone(), pattern(SMALL)).await?;
        let what = "forward GET";
        let response = self
            .forward(
                what,
                Method::GET,
                url.clone(),
                HeaderMap::new(),
                ForwardBody::Empty,
            )
            .await?;
        expect_status(what, response.status, StatusCode::OK, b"")?;
        let (length, _) = check_pattern_stream(B::body_into_stream(response.body)).await?;
        ensure(length == SMALL, || {
            format!("{what}: {length} bytes, expected {SMALL}")
        })?;

        let what = "forward HEAD";
        let response = self
            .forward(
                what,
                Method::HEAD,
                url,
                HeaderMap::new(),
                ForwardBody::Empty,
            )
            .await?;
        expect_status(what, response.status, StatusCode::OK, b"")?;
        let length = response.headers.get(CONTENT_LENGTH).cloned();
        ensure(
            length
                .as_ref()
                .is_some_and(|value| value == &SMALL.to_string()),
            || format!("{what}: Content-Length {length:?}, expected {SMALL}"),
        )?;
        let body = Self::body_of(response).await?;
        ensure(body.is_empty(), || {
            format!("{what}: a body of {} bytes", body.len())
        })
    }

    pub(super) async fn forward_client_body(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::ForwardClientBody, "object");
        let body = ForwardBody::Client {
            body: (self.client_body)(pattern_stream(SMALL, CHUNK, None)),
            length: Some(SMALL),
        };
        let what = "forward PUT of a client body";
        let response = self
            .forward(what, Method::PUT, url.clone(), HeaderMap::new(), body)
            .await?;
        let status = response.status;
        expect_status(
            what,
            status,
            StatusCode::OK,
            &Self::body_of(response).await?,
        )?;
        self.expect_stored(url, SMALL).await
    }

    pub(super) async fn forward_stream_body(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::ForwardStreamBody, "object");
        let body = ForwardBody::Stream {
            stream: pattern_stream(SMALL, CHUNK, None),
            length: SMALL,
        };
        let what = "forward PUT of a stream";
        let response = self
            .forward(what, Method::PUT, url.clone(), HeaderMap::new(), body)
            .await?;
        let status = response.status;
        expect_status(
            what,
            status,
            StatusCode::OK,
            &Self::body_of(response).await?,
        )?;
        self.expect_stored(url, SMALL).await
    }

    pub(super) async fn body_into_stream(&self) -> Result<(), Failure> {
        let body = (self.client_body)(pattern_stream(SMALL, CHUNK, None));
        let (length, _) = check_pattern_stream(B::body_into_stream(body)).await?;
        ensure(length == SMALL, || {
            format!("body_into_stream gave {length} bytes of the {SMALL} put in")
        })
    }

    pub(super) async fn headers_kept(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::HeadersKept, "object");
        let mut headers = HeaderMap::new();
        for (name, value) in KEPT_HEADERS {
            headers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_bytes(value.as_bytes())
                    .map_err(|error| Failure::new(format!("header {name}: {error}")))?,
            );
        }
        let what = "forward PUT with headers";
        let response = self
            .forward(
                what,
                Method::PUT,
                url.clone(),
                headers,
                ForwardBody::Stream {
                    stream: pattern_stream(SMALL, CHUNK, None),
                    length: SMALL,
                },
            )
            .await?;
        let status = response.status;
        expect_status(
            what,
            status,
            StatusCode::OK,
            &Self::body_of(response).await?,
        )?;

        for method in [Method::HEAD, Method::GET] {
            let what = format!("forward {method}");
            let response = self
                .forward(
                    &what,
                    method,
                    url.clone(),
                    HeaderMap::new(),
                    ForwardBody::Empty,
                )
                .await?;
            let status = response.status;
            let headers = response.headers.clone();
            Self::body_of(response).await?;
            expect_status(&what, status, StatusCode::OK, b"")?;
            for (name, value) in KEPT_HEADERS {
                let got = headers.get(*name).map(HeaderValue::as_bytes);
                ensure(got == Some(value.as_bytes()), || {
                    format!(
                        "{what}: header {name} is {:?}, expected {value:?}",
                        got.map(String::from_utf8_lossy)
                    )
                })?;
            }
            let etag = headers.get(ETAG);
            ensure(
                etag.is_some_and(|etag| {
                    let etag = etag.as_bytes();
                    etag.len() > 2 && etag.starts_with(b"\"") && etag.ends_with(b"\"")
                }),
                || format!("{what}: ETag {etag:?} is not a quoted entity tag"),
            )?;
        }
        Ok(())
    }

    pub(super) async fn encoded_key_kept(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::EncodedKeyKept, "a key+with %2F, ü and ~*!'()");
        let what = "forward PUT of an encoded key";
        let response = self
            .forward(
                what,
                Method::PUT,
                url.clone(),
                HeaderMap::new(),
                ForwardBody::Stream {
                    stream: pattern_stream(SMALL, CHUNK, None),
                    length: SMALL,
                },
            )
            .await?;
        let status = response.status;
        expect_status(
            what,
            status,
            StatusCode::OK,
            &Self::body_of(response).await?,
        )?;
        self.expect_stored(url, SMALL).await?;
        // Decoded differently anywhere on the way, the key would have named another
        // object: the plain neighbour must not exist.
        let neighbour = self.object_url(Case::EncodedKeyKept, "a key with /, ü and ~*!'()");
        let status = self.head_status(neighbour).await?;
        ensure(status == StatusCode::NOT_FOUND, || {
            format!("HEAD of the decoded-differently key: status {status}, expected 404")
        })
    }

    pub(super) async fn failing_body_aborts_upload(&self, case: Case) -> Result<(), Failure> {
        let url = self.object_url(case, "object");
        self.delete(url.clone()).await?;
        let failing = pattern_stream(SMALL, CHUNK, Some(SMALL / 2));
        let body = match case {
            Case::FailingClientBodyAbortsUpload => ForwardBody::Client {
                body: (self.client_body)(failing),
                length: Some(SMALL),
            },
            _ => ForwardBody::Stream {
                stream: failing,
                length: SMALL,
            },
        };
        let request = self.signed(Method::PUT, url.clone(), HeaderMap::new(), UNSIGNED_PAYLOAD)?;
        // An error, or the backend's refusal of a short body: either way, no success.
        if let Ok(response) = self.backend.forward(request, body).await {
            let status = response.status;
            // Read what came back; a failure to read it also means the upload failed.
            let body = collect(B::body_into_stream(response.body))
                .await
                .unwrap_or_default();
            ensure(!status.is_success(), || {
                format!(
                    "forward PUT of a failing body answered {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(512)])
                )
            })?;
        }
        let status = self.head_status(url).await?;
        ensure(status == StatusCode::NOT_FOUND, || {
            format!("after the failed upload, HEAD answered {status}: an object was stored")
        })
    }

    pub(super) async fn forward_streams_large_response(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::ForwardStreamsLargeResponse, "object");
        self.put_stream(url.clone(), OVER_RAW_CAP).await?;
        let what = "forward GET of a large object";
        let response = self
            .forward(
                what,
                Method::GET,
                url.clone(),
                HeaderMap::new(),
                ForwardBody::Empty,
            )
            .await?;
        expect_status(what, response.status, StatusCode::OK, b"")?;
        let (length, chunks) = check_pattern_stream(B::body_into_stream(response.body)).await?;
        ensure(length == OVER_RAW_CAP, || {
            format!("{what}: {length} bytes, expected {OVER_RAW_CAP}")
        })?;
        ensure(chunks > 1, || {
            format!("{what}: {length} bytes came in one chunk, not streamed")
        })?;

        let what = "forward GET dropped after its first chunk";
        let response = self
            .forward(
                what,
                Method::GET,
                url.clone(),
                HeaderMap::new(),
                ForwardBody::Empty,
            )
            .await?;
        let mut stream = B::body_into_stream(response.body);
        let first = stream.next().await;
        ensure(matches!(first, Some(Ok(_))), || {
            format!("{what}: no first chunk")
        })?;
        drop(stream);
        let status = self.head_status(url).await?;
        ensure(status == StatusCode::OK, || {
            format!("HEAD after a dropped response: status {status}")
        })
    }

    pub(super) async fn send_raw_refuses_oversized_response(&self) -> Result<(), Failure> {
        let url = self.object_url(Case::SendRawRefusesOversizedResponse, "object");
        self.put_stream(url.clone(), OVER_RAW_CAP).await?;
        match self
            .raw(Method::GET, url, HeaderMap::new(), Bytes::new())
            .await
        {
            Err(_) => Ok(()),
            Ok(answer) => Err(Failure::new(format!(
                "send_raw GET of {OVER_RAW_CAP} bytes answered {} with {} bytes, past the \
                 {MAX_RAW_RESPONSE_SIZE}-byte cap",
                answer.status,
                answer.body.len()
            ))),
        }
    }

    pub(super) async fn refused_connection_is_error(&self) -> Result<(), Failure> {
        let url = self.target.refused_url.clone();
        if let Ok(answer) = self
            .raw(Method::GET, url.clone(), HeaderMap::new(), Bytes::new())
            .await
        {
            return Err(Failure::new(format!(
                "send_raw to a refused connection answered {}",
                answer.status
            )));
        }
        let bodies = [
            ForwardBody::Empty,
            ForwardBody::Stream {
                stream: pattern_stream(SMALL, CHUNK, None),
                length: SMALL,
            },
        ];
        for body in bodies {
            let shape = format!("{body:?}");
            let request =
                self.signed(Method::PUT, url.clone(), HeaderMap::new(), UNSIGNED_PAYLOAD)?;
            if let Ok(response) = self.backend.forward(request, body).await {
                return Err(Failure::new(format!(
                    "forward ({shape}) to a refused connection answered {}",
                    response.status
                )));
            }
        }
        Ok(())
    }

    /// Stores `length` bytes of the pattern at `url` with a streamed `forward`.
    async fn put_stream(&self, url: String, length: u64) -> Result<(), Failure> {
        let what = "forward PUT";
        let response = self
            .forward(
                what,
                Method::PUT,
                url,
                HeaderMap::new(),
                ForwardBody::Stream {
                    stream: pattern_stream(length, 256 * 1024, None),
                    length,
                },
            )
            .await?;
        let status = response.status;
        expect_status(
            what,
            status,
            StatusCode::OK,
            &Self::body_of(response).await?,
        )
    }

    /// Fails unless the object at `url` holds exactly `length` bytes of the pattern.
    async fn expect_stored(&self, url: String, length: u64) -> Result<(), Failure> {
        let answer = self.get_raw(url).await?;
        ensure(answer.body == pattern(length), || {
            format!(
                "the stored object ({} bytes) is not the {length} bytes sent",
                answer.body.len()
            )
        })
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
