//! CopyObject, within one store or between two, and the source read of UploadPartCopy.

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use http::header::{CONTENT_LENGTH, RANGE};
use http::{HeaderMap, HeaderName, HeaderValue};
use object_store::PutMode;

use super::conditions::{self, ConditionHeaders, Verdict};
use super::metadata::parse_tagging_header;
use super::metadata::{ObjectAttributes, ObjectRecord, STORAGE_CLASS, TAGGING, header_text};
use super::read::{ReadMode, ReadOptions};
use super::write::{BodyCheck, receive};
use super::{StoreBucket, store_error, store_failure};
use crate::ProxyError;
use crate::api::CopySourceRange;
use crate::backend::BodyStream;

/// What S3 says when an object is copied onto itself without any change.
const SELF_COPY_MESSAGE: &str = "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.";

/// The result of a copy, as CopyObjectResult reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedObject {
    /// The new object's ETag, quoted (the source's: the bytes are the same).
    pub etag: String,
    /// When the new object was written.
    pub last_modified: DateTime<Utc>,
}

/// `x-amz-metadata-directive` and `x-amz-tagging-directive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Directive {
    /// Take the source's.
    Copy,
    /// Take the request's.
    Replace,
}

impl Directive {
    /// The directive in header `name`; `COPY` when absent.
    fn from_header(headers: &HeaderMap, name: &'static str) -> Result<Self, ProxyError> {
        let Some(value) = headers.get(HeaderName::from_static(name)) else {
            return Ok(Self::Copy);
        };
        match value.as_bytes().trim_ascii() {
            b"COPY" => Ok(Self::Copy),
            b"REPLACE" => Ok(Self::Replace),
            _ => Err(ProxyError::InvalidArgument(format!(
                "Unknown {name}; it must be COPY or REPLACE."
            ))),
        }
    }
}

impl StoreBucket {
    /// Serves CopyObject: copies `source_key` of `source` to `dest_key` of this bucket.
    ///
    /// `x-amz-metadata-directive` (COPY by default, or REPLACE with the request's entity
    /// headers and `x-amz-meta-*`) and `x-amz-tagging-directive` (COPY, or REPLACE with
    /// `x-amz-tagging`) choose the new object's attributes; `x-amz-copy-source-if-*`
    /// conditions that fail are `PreconditionFailed`. Copying an object onto itself
    /// without changing anything is `InvalidRequest`, as in S3. Within one store the
    /// store copies; between stores the bytes stream through.
    pub async fn copy(
        &self,
        source: &StoreBucket,
        source_key: &str,
        dest_key: &str,
        headers: &HeaderMap,
    ) -> Result<CopiedObject, ProxyError> {
        let dest_path = self.data_path(dest_key)?;
        let metadata = Directive::from_header(headers, "x-amz-metadata-directive")?;
        let tagging = Directive::from_header(headers, "x-amz-tagging-directive")?;
        let state = source.object_state(source_key).await?;
        let etag = state.etag();
        let names = ConditionHeaders::copy_source();
        if conditions::evaluate(headers, &names, &etag, state.last_modified()) != Verdict::Proceed {
            return Err(ProxyError::PreconditionFailed);
        }
        let storage_class = header_text(headers, &STORAGE_CLASS)?;
        let same_object = self.same_store(source) && source_key == dest_key;
        if same_object && metadata == Directive::Copy && storage_class.is_none() {
            return Err(ProxyError::InvalidRequest(SELF_COPY_MESSAGE.into()));
        }
        let (source_attributes, part_sizes) = match state.record.clone() {
            Some(record) => (record.attributes, record.part_sizes),
            None => (ObjectAttributes::default(), Vec::new()),
        };
        let mut attributes = match metadata {
            Directive::Copy => source_attributes.clone(),
            Directive::Replace => ObjectAttributes::from_headers(headers)?,
        };
        attributes.tags = match (tagging, header_text(headers, &TAGGING)?) {
            (Directive::Copy, _) => source_attributes.tags,
            (Directive::Replace, Some(tagging)) => parse_tagging_header(&tagging)?,
            (Directive::Replace, None) => Vec::new(),
        };
        attributes.storage_class = storage_class.or(source_attributes.storage_class);
        let meta = if same_object {
            state.meta.clone()
        } else {
            let source_path = source.data_path(source_key)?;
            if self.same_store(source) {
                self.copy_data(source_key, &source_path, &dest_path).await?;
            } else {
                self.copy_across(source, source_key, &source_path, dest_key, &dest_path)
                    .await?;
            }
            self.head_data(dest_key, &dest_path).await?
        };
        let record = ObjectRecord {
            key: dest_key.to_owned(),
            etag: etag.clone(),
            store_etag: meta.e_tag.clone(),
            part_sizes,
            upload_id: None,
            attributes,
        };
        self.save_record(&record).await?;
        Ok(CopiedObject {
            etag,
            last_modified: meta.last_modified,
        })
    }

    /// Reads what an UploadPartCopy copies from `key`: the whole object, or `range`, if
    /// the `If-*` conditions in `conditions` hold (a failed `If-None-Match` or
    /// `If-Modified-Since` is `PreconditionFailed` here, as for any copy). Returns the
    /// bytes and how many there are. A range reaching past the object is refused as S3
    /// refuses it ([`CopySourceRange::beyond`]) and nothing is read.
    pub async fn read_copy_source(
        &self,
        key: &str,
        conditions: &HeaderMap,
        range: Option<CopySourceRange>,
    ) -> Result<(BodyStream, u64), ProxyError> {
        let mut headers = conditions.clone();
        if let Some(range) = range {
            let value = HeaderValue::from_str(&range.to_range_header())
                .map_err(|_| ProxyError::Internal("copy source range header".into()))?;
            headers.insert(RANGE, value);
        }
        let options = ReadOptions {
            mode: ReadMode::Get,
            headers: &headers,
            part_number: None,
        };
        let read = match self.read(key, &options).await {
            Err(ProxyError::InvalidRange) => return Err(self.range_beyond(key).await),
            read => read?,
        };
        let body = read.body.ok_or(ProxyError::PreconditionFailed)?;
        let length = read
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok())
            .ok_or_else(|| ProxyError::Internal("a read without its length".into()))?;
        if range.is_some_and(|range| range.len() != length) {
            return Err(self.range_beyond(key).await);
        }
        Ok((body, length))
    }

    /// The refusal of a copy source range that does not fit in `key`.
    async fn range_beyond(&self, key: &str) -> ProxyError {
        match self.object_state(key).await {
            Ok(state) => CopySourceRange::beyond(state.meta.size),
            Err(error) => error,
        }
    }

    /// Streams `source_key` of another store into `dest_key` (at `dest_path`) of this one.
    async fn copy_across(
        &self,
        source: &StoreBucket,
        source_key: &str,
        source_path: &object_store::path::Path,
        dest_key: &str,
        dest_path: &object_store::path::Path,
    ) -> Result<(), ProxyError> {
        let result = source.store.get_opts(source_path, Default::default()).await;
        let result = result.map_err(|error| store_error(error, source_key))?;
        let mut body = result.into_stream().map_err(store_failure);
        let sink = self.sink_for(dest_path, &PutMode::Overwrite);
        let check = BodyCheck::from_request(&HeaderMap::new(), None)?;
        let (sink, _) = receive(sink, &mut body, check).await?;
        self.finish_write(dest_key, dest_path, sink, PutMode::Overwrite)
            .await?;
        Ok(())
    }
}
