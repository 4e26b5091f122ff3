//! Multipart uploads with S3 semantics, their state kept in the store (see
//! `upload_state`) so that any gateway instance can continue an upload another one
//! started. Completion streams exactly the listed parts, in order, into the final object
//! through a store multipart upload, so an object being assembled is never visible and
//! never held in memory.

use std::collections::BTreeMap;

use bytes::Bytes;
use chrono::Utc;
use futures_util::TryStreamExt;
use http::HeaderMap;
use md5::{Digest, Md5};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutMode, PutOptions, PutPayload};

use super::conditions::opaque;
use super::metadata::{ObjectAttributes, ObjectRecord};
use super::sink::Sink;
use super::upload_state::{
    PART_STAGING_PREFIX, StoredPart, UploadRecord, part_dir, upload_record_path,
};
use super::write::{BodyCheck, receive};
use super::{StoreBucket, is_not_found, quote, store_failure};
use crate::ProxyError;
use crate::api::request_body::CompletedPart;
use crate::backend::BodyStream;

/// The smallest size of every part but the last: 5 MiB.
pub(super) const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

impl StoreBucket {
    /// Serves CreateMultipartUpload: records the upload of `key` with the attributes
    /// `headers` ask for, and returns its id.
    pub async fn create_multipart(
        &self,
        key: &str,
        headers: &HeaderMap,
    ) -> Result<String, ProxyError> {
        self.data_path(key)?;
        let record = UploadRecord {
            key: key.to_owned(),
            initiated: Utc::now(),
            attributes: ObjectAttributes::from_headers(headers)?,
        };
        let upload_id = crate::ids::unique_hex(2);
        let json = serde_json::to_vec(&record).map_err(|error| {
            ProxyError::Internal(format!("cannot serialize an upload record: {error}"))
        })?;
        let options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        let payload = PutPayload::from(Bytes::from(json));
        let path = upload_record_path(&upload_id);
        self.store
            .put_opts(&path, payload, options)
            .await
            .map_err(store_failure)?;
        Ok(upload_id)
    }

    /// Serves UploadPart: stores part `part_number` of upload `upload_id` and returns its
    /// ETag (quoted MD5). Parts may arrive in any order and be sent again; the last one
    /// sent counts. An unknown upload, or one for another key, is `NoSuchUpload`;
    /// `Content-MD5` and the declared length are checked as for PutObject.
    pub async fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: u16,
        mut body: BodyStream,
        length: Option<u64>,
        headers: &HeaderMap,
    ) -> Result<String, ProxyError> {
        if !(1..=10_000).contains(&part_number) {
            return Err(ProxyError::InvalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive.".into(),
            ));
        }
        let check = BodyCheck::from_request(headers, length)?;
        self.load_upload(key, upload_id).await?;
        let dir = part_dir(upload_id, part_number);
        let staging = format!("{PART_STAGING_PREFIX}{}", crate::ids::unique_hex(1));
        let staging = dir.clone().join(staging.as_str());
        let sink = Sink::new(self.store.as_ref(), staging.clone());
        let (mut sink, received) = receive(sink, &mut body, check).await?;
        let md5_hex = received.md5_hex();
        let path = dir.clone().join(md5_hex.as_str());
        if sink.is_buffered() {
            sink.redirect(path.clone());
            sink.finish(PutMode::Overwrite).await?;
        } else {
            sink.finish(PutMode::Overwrite).await?;
            self.store
                .rename(&staging, &path)
                .await
                .map_err(store_failure)?;
        }
        self.remove_other_versions(&dir, &path).await?;
        Ok(quote(&md5_hex))
    }

    /// Serves CompleteMultipartUpload: assembles exactly `parts`, in order, into `key`
    /// and returns the multipart ETag (`"<md5 of the part MD5s>-<count>"`).
    ///
    /// Parts out of ascending order are `InvalidPartOrder`; a part not stored with the
    /// given ETag `InvalidPart`; a part but the last under 5 MiB `EntityTooSmall`.
    /// `If-None-Match: *` and `If-Match` apply to `key` as for PutObject. On success the
    /// upload's staging objects are removed.
    ///
    /// A retry of a completion that succeeded (same upload, same parts) succeeds again
    /// with the same ETag while `key` still holds the object that upload made, as on S3,
    /// whose documentation tells applications to retry a CompleteMultipartUpload that
    /// failed: a client that lost the first answer must not report committed data as
    /// lost. Other parts, or an object written since, are `NoSuchUpload`.
    pub async fn complete_multipart(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[CompletedPart],
        headers: &HeaderMap,
    ) -> Result<String, ProxyError> {
        let path = self.data_path(key)?;
        let upload = match self.load_upload(key, upload_id).await {
            Err(ProxyError::NoSuchUpload) => {
                return self.completed_before(key, upload_id, parts).await;
            }
            upload => upload?,
        };
        if parts
            .windows(2)
            .any(|pair| pair[0].part_number >= pair[1].part_number)
        {
            return Err(ProxyError::InvalidPartOrder);
        }
        let stored = self.stored_parts(upload_id).await?;
        let chosen = choose_parts(parts, &stored)?;
        let mode = self.write_mode(key, headers).await?;
        let sink = self.sink_for(&path, &mode);
        let sink = self.assemble(sink, &chosen).await?;
        let store_etag = self.finish_write(key, &path, sink, mode).await?;
        let etag = multipart_etag(chosen.iter().map(|part| part.md5_hex.as_str()))
            .ok_or_else(|| ProxyError::Internal("a stored part has a malformed name".into()))?;
        let record = ObjectRecord {
            key: key.to_owned(),
            etag: etag.clone(),
            store_etag,
            part_sizes: chosen.iter().map(|part| part.size).collect(),
            upload_id: Some(upload_id.to_owned()),
            attributes: upload.attributes,
        };
        self.save_record(&record).await?;
        self.remove_upload(upload_id).await?;
        Ok(etag)
    }

    /// The answer to a CompleteMultipartUpload of an upload that no longer exists: the
    /// ETag of the object upload `upload_id` made of `parts`, if `key` still holds it,
    /// else `NoSuchUpload`.
    async fn completed_before(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<String, ProxyError> {
        let state = match self.object_state(key).await {
            Err(ProxyError::NoSuchKey(_)) => return Err(ProxyError::NoSuchUpload),
            state => state?,
        };
        let made_by_upload = state
            .record
            .filter(|record| record.upload_id.as_deref() == Some(upload_id));
        let requested = multipart_etag(parts.iter().map(|part| opaque(&part.etag)));
        match (made_by_upload, requested) {
            (Some(record), Some(etag)) if record.etag == etag => Ok(etag),
            _ => Err(ProxyError::NoSuchUpload),
        }
    }

    /// Serves AbortMultipartUpload: removes everything the upload staged.
    pub async fn abort_multipart(&self, key: &str, upload_id: &str) -> Result<(), ProxyError> {
        self.load_upload(key, upload_id).await?;
        self.remove_upload(upload_id).await
    }

    /// Streams `parts`, in order, into `sink`; on failure the sink is aborted.
    async fn assemble<'a>(
        &self,
        mut sink: Sink<'a>,
        parts: &[StoredPart],
    ) -> Result<Sink<'a>, ProxyError> {
        for part in parts {
            let check = BodyCheck::from_request(&HeaderMap::new(), Some(part.size));
            let check = match check {
                Ok(check) => check,
                Err(error) => {
                    sink.abort().await;
                    return Err(error);
                }
            };
            let result = match self.store.get(&part.path).await {
                Ok(result) => result,
                Err(error) => {
                    sink.abort().await;
                    return Err(match is_not_found(&error) {
                        true => invalid_part(),
                        false => store_failure(error),
                    });
                }
            };
            let mut stream = result.into_stream().map_err(store_failure);
            sink = receive(sink, &mut stream, check).await?.0;
        }
        Ok(sink)
    }

    /// Removes the versions of a part other than the one at `keep` (parts still being
    /// written by another request are left alone).
    async fn remove_other_versions(&self, dir: &Path, keep: &Path) -> Result<(), ProxyError> {
        let stale: Vec<Path> = self
            .store
            .list(Some(dir))
            .try_filter_map(|meta| {
                let staging = meta
                    .location
                    .filename()
                    .is_some_and(|name| name.starts_with(PART_STAGING_PREFIX));
                let stale = meta.location != *keep && !staging;
                futures_util::future::ready(Ok(stale.then_some(meta.location)))
            })
            .try_collect()
            .await
            .map_err(store_failure)?;
        self.delete_paths(stale).await
    }
}

/// Matches the parts a client listed with the stored ones, checking ETags and sizes.
fn choose_parts(
    requested: &[CompletedPart],
    stored: &[StoredPart],
) -> Result<Vec<StoredPart>, ProxyError> {
    let mut by_number: BTreeMap<u16, Vec<&StoredPart>> = BTreeMap::new();
    for part in stored {
        by_number.entry(part.number).or_default().push(part);
    }
    let mut chosen = Vec::with_capacity(requested.len());
    for part in requested {
        let etag = opaque(&part.etag).to_ascii_lowercase();
        let versions = by_number.get(&part.part_number);
        let found = versions.and_then(|versions| versions.iter().find(|v| v.md5_hex == etag));
        chosen.push((*found.ok_or_else(invalid_part)?).clone());
    }
    if let Some((_, init)) = chosen.split_last()
        && init.iter().any(|part| part.size < MIN_PART_SIZE)
    {
        return Err(ProxyError::EntityTooSmall);
    }
    Ok(chosen)
}

/// `"<md5 of the concatenated binary part MD5s>-<part count>"` for the parts whose MD5s
/// (hex, either case) are `md5s`; `None` if one is not an MD5.
fn multipart_etag<'a>(md5s: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut hasher = Md5::new();
    let mut count = 0usize;
    for md5 in md5s {
        let md5 = <[u8; 16]>::try_from(hex::decode(md5).ok()?).ok()?;
        hasher.update(md5);
        count += 1;
    }
    let digest = hex::encode(hasher.finalize());
    Some(format!("\"{digest}-{count}\""))
}

/// The error for a listed part that is not stored as listed.
fn invalid_part() -> ProxyError {
    ProxyError::InvalidPart(
        "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag."
            .into(),
    )
}
