//! PutObject, DeleteObject and object tagging.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures_core::Stream;
use http::header::{IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderName};
use md5::{Digest, Md5};
use object_store::{ObjectStoreExt, PutMode, UpdateVersion};

use super::conditions::etag_list_matches;
use super::metadata::{ObjectAttributes, ObjectRecord, check_tags};
use super::sink::Sink;
use super::{StoreBucket, is_not_found, quote, store_failure};
use crate::ProxyError;
use crate::api::request_body::Tag;
use crate::backend::BodyStream;

/// The largest object one PutObject (and one part) may carry: 5 GiB, as in S3.
const MAX_SINGLE_UPLOAD: u64 = 5 * 1024 * 1024 * 1024;

/// What a body must turn out to be: its declared length and `Content-MD5`.
#[derive(Debug, Clone, Copy)]
pub(super) struct BodyCheck {
    length: Option<u64>,
    md5: Option<[u8; 16]>,
}

impl BodyCheck {
    /// The expectations a request states. A malformed `Content-MD5` is `InvalidDigest`;
    /// a declared length beyond 5 GiB `EntityTooLarge`.
    pub(super) fn from_request(
        headers: &HeaderMap,
        length: Option<u64>,
    ) -> Result<Self, ProxyError> {
        if length.is_some_and(|length| length > MAX_SINGLE_UPLOAD) {
            return Err(ProxyError::EntityTooLarge);
        }
        let md5 = match headers.get(HeaderName::from_static("content-md5")) {
            None => None,
            Some(value) => {
                let decoded = STANDARD.decode(value.as_bytes().trim_ascii());
                let digest = decoded
                    .ok()
                    .and_then(|bytes| <[u8; 16]>::try_from(bytes).ok());
                Some(digest.ok_or(ProxyError::InvalidDigest)?)
            }
        };
        Ok(Self { length, md5 })
    }
}

/// What a body turned out to be.
#[derive(Debug, Clone, Copy)]
pub(super) struct Received {
    /// MD5 of the bytes.
    pub(super) md5: [u8; 16],
}

impl Received {
    /// The MD5 in lower-case hex.
    pub(super) fn md5_hex(&self) -> String {
        hex::encode(self.md5)
    }
}

/// Streams `body` into `sink`, hashing as it goes, and checks the result against
/// `check` before anything is completed. On failure the sink is aborted, so nothing
/// appears and nothing is replaced.
pub(super) async fn receive<'a, S>(
    mut sink: Sink<'a>,
    body: &mut S,
    check: BodyCheck,
) -> Result<(Sink<'a>, Received), ProxyError>
where
    S: Stream<Item = Result<Bytes, ProxyError>> + Unpin + ?Sized,
{
    match pump(&mut sink, body, check).await {
        Ok(received) => Ok((sink, received)),
        Err(error) => {
            sink.abort().await;
            Err(error)
        }
    }
}

/// The loop of [`receive`].
async fn pump<S>(
    sink: &mut Sink<'_>,
    body: &mut S,
    check: BodyCheck,
) -> Result<Received, ProxyError>
where
    S: Stream<Item = Result<Bytes, ProxyError>> + Unpin + ?Sized,
{
    let limit = check.length.unwrap_or(MAX_SINGLE_UPLOAD);
    let mut hasher = Md5::new();
    let mut length = 0u64;
    while let Some(chunk) = sink.next_chunk(body).await? {
        length += chunk.len() as u64;
        if length > limit {
            return Err(match check.length {
                Some(_) => ProxyError::InvalidRequest(
                    "The body is longer than the declared Content-Length.".into(),
                ),
                None => ProxyError::EntityTooLarge,
            });
        }
        hasher.update(&chunk);
        sink.push(chunk).await?;
    }
    if check.length.is_some_and(|declared| length < declared) {
        return Err(ProxyError::IncompleteBody);
    }
    let md5: [u8; 16] = hasher.finalize().into();
    if check.md5.is_some_and(|expected| expected != md5) {
        return Err(ProxyError::BadDigest);
    }
    Ok(Received { md5 })
}

impl StoreBucket {
    /// Serves PutObject: streams `body` to `key` and returns the S3 ETag (quoted MD5).
    ///
    /// `length` is the declared `Content-Length`: a shorter body is `IncompleteBody`.
    /// `Content-MD5` is checked (malformed `InvalidDigest`, mismatch `BadDigest`) before
    /// the write completes; on any failure the previous object, if any, is untouched.
    /// Entity headers, `x-amz-meta-*`, `x-amz-tagging` and `x-amz-storage-class` are kept.
    ///
    /// `If-None-Match: *` writes only if the key is free (atomically where the store
    /// can: `PutMode::Create`, or for large bodies a staged copy-if-absent).
    /// `If-Match` compares with the current ETag first; that check is atomic only for
    /// bodies of one part on stores with compare-and-swap (not a local directory).
    pub async fn write(
        &self,
        key: &str,
        headers: &HeaderMap,
        mut body: BodyStream,
        length: Option<u64>,
    ) -> Result<String, ProxyError> {
        let path = self.data_path(key)?;
        let attributes = ObjectAttributes::from_headers(headers)?;
        let check = BodyCheck::from_request(headers, length)?;
        let mode = self.write_mode(key, headers).await?;
        let sink = self.sink_for(&path, &mode);
        let (sink, received) = receive(sink, &mut body, check).await?;
        let store_etag = self.finish_write(key, &path, sink, mode).await?;
        let etag = quote(&received.md5_hex());
        let record = ObjectRecord {
            key: key.to_owned(),
            etag: etag.clone(),
            store_etag,
            part_sizes: Vec::new(),
            upload_id: None,
            attributes,
        };
        self.save_record(&record).await?;
        Ok(etag)
    }

    /// Serves DeleteObject: removes the data and the sidecar of `key`. Deleting a key
    /// that does not exist succeeds, as in S3.
    pub async fn delete(&self, key: &str) -> Result<(), ProxyError> {
        let path = self.data_path(key)?;
        if let Err(error) = self.store.delete(&path).await
            && !is_not_found(&error)
        {
            // A directory or a path below a file: no object by that key either.
            match self.head_data(key, &path).await {
                Err(ProxyError::NoSuchKey(_)) => {}
                _ => return Err(store_failure(error)),
            }
        }
        self.delete_record(key).await
    }

    /// Serves GetObjectTagging: the tags of `key` (none for an object without a sidecar).
    pub async fn get_tagging(&self, key: &str) -> Result<Vec<Tag>, ProxyError> {
        let state = self.object_state(key).await?;
        let tags = state.record.map(|record| record.attributes.tag_list());
        Ok(tags.unwrap_or_default())
    }

    /// Serves PutObjectTagging: replaces the tags of `key` (an empty list removes them).
    pub async fn put_tagging(&self, key: &str, tags: Vec<Tag>) -> Result<(), ProxyError> {
        check_tags(
            tags.iter()
                .map(|tag| (tag.key.as_str(), tag.value.as_str())),
        )?;
        let state = self.object_state(key).await?;
        let etag = state.etag();
        let mut record = state.record.unwrap_or_else(|| ObjectRecord {
            key: key.to_owned(),
            etag,
            store_etag: state.meta.e_tag.clone(),
            part_sizes: Vec::new(),
            upload_id: None,
            attributes: ObjectAttributes::default(),
        });
        record.attributes.tags = tags.into_iter().map(|tag| (tag.key, tag.value)).collect();
        self.save_record(&record).await
    }

    /// The put mode the conditions of a write ask for, after checking what can be checked
    /// now: `If-None-Match: *` fails early when the key exists, `If-Match` when the ETag
    /// differs (`NoSuchKey` when there is no object).
    pub(super) async fn write_mode(
        &self,
        key: &str,
        headers: &HeaderMap,
    ) -> Result<PutMode, ProxyError> {
        if let Some(value) = headers.get(IF_NONE_MATCH) {
            if value.as_bytes().trim_ascii() != b"*" {
                return Err(ProxyError::NotImplemented(
                    "A header you provided implies functionality that is not implemented: If-None-Match accepts only `*` on writes."
                        .into(),
                ));
            }
            return match self.object_state(key).await {
                Ok(_) => Err(ProxyError::PreconditionFailed),
                Err(ProxyError::NoSuchKey(_)) => Ok(PutMode::Create),
                Err(error) => Err(error),
            };
        }
        let Some(value) = headers.get(IF_MATCH) else {
            return Ok(PutMode::Overwrite);
        };
        let condition = value.to_str().unwrap_or_default();
        let state = self.object_state(key).await?;
        if !etag_list_matches(condition, &state.etag()) {
            return Err(ProxyError::PreconditionFailed);
        }
        Ok(PutMode::Update(UpdateVersion {
            e_tag: state.meta.e_tag,
            version: None,
        }))
    }
}
