//! GetObject and HeadObject: conditional, ranged and part reads.

use std::ops::Range;

use futures_util::TryStreamExt;
use http::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, ETAG, LAST_MODIFIED};
use http::{HeaderMap, HeaderName, StatusCode};
use object_store::{GetOptions, GetRange, GetResult, ObjectMeta};

use super::conditions::{self, ConditionHeaders, Verdict};
use super::metadata::{ObjectAttributes, insert};
use super::{ObjectState, StoreBucket};
use crate::ProxyError;
use crate::backend::BodyStream;

/// How many times a read starts over when the object changes between looking at it and
/// fetching its bytes.
const READ_ATTEMPTS: usize = 3;

/// Whether a read returns the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// GetObject: headers and body.
    Get,
    /// HeadObject: headers only.
    Head,
}

/// What a GetObject or HeadObject asks for.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions<'a> {
    /// Get or Head.
    pub mode: ReadMode,
    /// The request's headers: `Range` and the four conditions are read from them.
    pub headers: &'a HeaderMap,
    /// The `partNumber` query parameter, if any.
    pub part_number: Option<u16>,
}

/// The answer to a read: status, headers and (for a GET that returns content) the body.
pub struct ObjectResponse {
    /// 200, 206 (range or part) or 304.
    pub status: StatusCode,
    /// Entity headers, ETag, Last-Modified, Content-Length, Accept-Ranges, Content-Range,
    /// `x-amz-meta-*`, `x-amz-mp-parts-count`, `x-amz-tagging-count`, `x-amz-storage-class`.
    pub headers: HeaderMap,
    /// The bytes, streaming from the store; `None` for HEAD and 304.
    pub body: Option<BodyStream>,
}

impl std::fmt::Debug for ObjectResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObjectResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &self.body.as_ref().map(|_| "stream"))
            .finish()
    }
}

/// The data as first fetched: only its metadata, or the whole body already on its way.
enum Fetched {
    Meta(ObjectMeta),
    Body(GetResult),
}

impl StoreBucket {
    /// Serves GetObject or HeadObject for `key`.
    ///
    /// Conditions (RFC 9110 order) yield `304` or `PreconditionFailed`; `Range` (one
    /// range; several are answered with the whole object) and `partNumber` yield `206`
    /// with `Content-Range`. A missing key is `NoSuchKey`, a range beyond the end
    /// `InvalidRange`, both `Range` and `partNumber` `InvalidRequest`.
    pub async fn read(
        &self,
        key: &str,
        options: &ReadOptions<'_>,
    ) -> Result<ObjectResponse, ProxyError> {
        if options.part_number.is_some() && options.headers.contains_key(http::header::RANGE) {
            return Err(ProxyError::InvalidRequest(
                "Cannot specify both Range header and partNumber query parameter.".into(),
            ));
        }
        for _ in 0..READ_ATTEMPTS {
            if let Some(response) = self.read_once(key, options).await? {
                return Ok(response);
            }
        }
        Err(ProxyError::backend(
            "the object kept changing while it was read",
        ))
    }

    /// One attempt at a read; `None` when the object changed under it.
    async fn read_once(
        &self,
        key: &str,
        options: &ReadOptions<'_>,
    ) -> Result<Option<ObjectResponse>, ProxyError> {
        let path = self.data_path(key)?;
        let whole = options.part_number.is_none()
            && !options.headers.contains_key(http::header::RANGE)
            && options.mode == ReadMode::Get;
        let data = async {
            if !whole {
                return self.head_data(key, &path).await.map(Fetched::Meta);
            }
            match self.store.get_opts(&path, GetOptions::default()).await {
                Ok(result) => Ok(Fetched::Body(result)),
                Err(error) => Err(self.read_error(error, key, &path).await),
            }
        };
        let (data, record) = futures_util::future::join(data, self.load_record(key)).await;
        let (meta, body) = match data? {
            Fetched::Meta(meta) => (meta, None),
            Fetched::Body(result) => (result.meta.clone(), Some(result)),
        };
        let state = ObjectState::new(meta, record?);
        let etag = state.etag();
        let names = ConditionHeaders::object();
        match conditions::evaluate(options.headers, &names, &etag, state.last_modified()) {
            Verdict::Proceed => {}
            Verdict::PreconditionFailed => return Err(ProxyError::PreconditionFailed),
            Verdict::NotModified => return Ok(Some(not_modified(&state, &etag))),
        }
        let size = state.meta.size;
        let range = match options.part_number {
            Some(part) => part_range(&state, part)?,
            None => conditions::byte_range(options.headers, size)?,
        };
        let mut headers = entity_headers(&state, &etag);
        let status = match &range {
            Some(range) => {
                let content_range = format!("bytes {}-{}/{size}", range.start, range.end - 1);
                insert(&mut headers, CONTENT_RANGE, &content_range);
                StatusCode::PARTIAL_CONTENT
            }
            None => StatusCode::OK,
        };
        let length = range.as_ref().map_or(size, |range| range.end - range.start);
        insert(&mut headers, CONTENT_LENGTH, &length.to_string());
        if options.mode == ReadMode::Head {
            return Ok(Some(respond(status, headers, None)));
        }
        let result = match (body, range) {
            (Some(result), None) => result,
            (_, range) => {
                let get = GetOptions {
                    range: range.map(GetRange::Bounded),
                    if_match: state.meta.e_tag.clone(),
                    ..GetOptions::default()
                };
                match self.store.get_opts(&path, get).await {
                    Ok(result) => result,
                    Err(object_store::Error::Precondition { .. }) => return Ok(None),
                    Err(error) => return Err(self.read_error(error, key, &path).await),
                }
            }
        };
        let stream = result.into_stream().map_err(ProxyError::backend);
        Ok(Some(respond(status, headers, Some(Box::pin(stream)))))
    }
}

/// The byte range of part `part` (1-based): a part of a multipart object, or the whole
/// of any other object as its only part (`None` for an empty one: no range to send).
fn part_range(state: &ObjectState, part: u16) -> Result<Option<Range<u64>>, ProxyError> {
    let sizes = match &state.record {
        Some(record) if !record.part_sizes.is_empty() => record.part_sizes.as_slice(),
        _ => &[state.meta.size][..],
    };
    let index = usize::from(part);
    if index == 0 {
        return Err(ProxyError::InvalidArgument(
            "Part number must be an integer between 1 and 10000, inclusive.".into(),
        ));
    }
    if index > sizes.len() {
        return Err(ProxyError::InvalidRange);
    }
    if state.meta.size == 0 {
        return Ok(None);
    }
    let start: u64 = sizes[..index - 1].iter().sum();
    Ok(Some(start..start + sizes[index - 1]))
}

/// The headers every successful read carries.
fn entity_headers(state: &ObjectState, etag: &str) -> HeaderMap {
    let mut headers = validator_headers(state, etag);
    let default = ObjectAttributes::default();
    let attributes = state
        .record
        .as_ref()
        .map_or(&default, |record| &record.attributes);
    attributes.write_headers(&mut headers);
    insert(&mut headers, ACCEPT_RANGES, "bytes");
    if let Some(record) = &state.record
        && !record.part_sizes.is_empty()
    {
        let count = record.part_sizes.len().to_string();
        insert(
            &mut headers,
            HeaderName::from_static("x-amz-mp-parts-count"),
            &count,
        );
    }
    headers
}

/// `ETag` and `Last-Modified`.
fn validator_headers(state: &ObjectState, etag: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    insert(&mut headers, ETAG, etag);
    let last_modified = conditions::http_date(state.last_modified());
    insert(&mut headers, LAST_MODIFIED, &last_modified);
    headers
}

/// A `304 Not Modified` answer: validators, no body.
fn not_modified(state: &ObjectState, etag: &str) -> ObjectResponse {
    respond(
        StatusCode::NOT_MODIFIED,
        validator_headers(state, etag),
        None,
    )
}

/// Assembles a response.
fn respond(status: StatusCode, headers: HeaderMap, body: Option<BodyStream>) -> ObjectResponse {
    ObjectResponse {
        status,
        headers,
        body,
    }
}
