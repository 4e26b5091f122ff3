//! Where a multipart upload keeps its state in the store, and how it is read and removed.
//!
//! An upload lives under `.multistore/uploads/<upload id>/`: `upload.json` (key,
//! initiation time, the attributes given at creation) and one object per part at
//! `parts/<part number, 5 digits>/<md5 hex>`, whose name carries the part's ETag; a part
//! still being written is at `parts/<part number>/tmp-<id>`.

use chrono::{DateTime, Utc};
use futures_util::{StreamExt, TryStreamExt};
use object_store::ObjectStoreExt;
use object_store::path::Path;
use serde::{Deserialize, Serialize};

use super::metadata::ObjectAttributes;
use super::{StoreBucket, is_not_found, store_failure};
use crate::ProxyError;

/// The name of an upload's record.
const UPLOAD_RECORD: &str = "upload.json";
/// Names of parts still being written start with this.
pub(super) const PART_STAGING_PREFIX: &str = "tmp-";

/// What CreateMultipartUpload recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct UploadRecord {
    /// The backend key the upload will write.
    pub(super) key: String,
    /// When the upload was created.
    pub(super) initiated: DateTime<Utc>,
    /// The attributes given at creation.
    #[serde(flatten)]
    pub(super) attributes: ObjectAttributes,
}

/// One stored part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredPart {
    /// Part number.
    pub(super) number: u16,
    /// MD5 of the part, lower-case hex.
    pub(super) md5_hex: String,
    /// Where the part's bytes are.
    pub(super) path: Path,
    /// Size in bytes.
    pub(super) size: u64,
    /// When it was written.
    pub(super) last_modified: DateTime<Utc>,
}

impl StoreBucket {
    /// The record of upload `upload_id`, which must be an upload of `key`.
    pub(super) async fn load_upload(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<UploadRecord, ProxyError> {
        let record = self.read_upload_record(upload_id).await?;
        match record {
            Some(record) if record.key == key => Ok(record),
            _ => Err(ProxyError::NoSuchUpload),
        }
    }

    /// The record of upload `upload_id`, if it exists.
    pub(super) async fn read_upload_record(
        &self,
        upload_id: &str,
    ) -> Result<Option<UploadRecord>, ProxyError> {
        if !is_upload_id(upload_id) {
            return Ok(None);
        }
        let path = upload_record_path(upload_id);
        let bytes = match self.store.get(&path).await {
            Ok(result) => result.bytes().await,
            Err(error) => Err(error),
        };
        match bytes {
            Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
            Err(error) if is_not_found(&error) => Ok(None),
            Err(error) => Err(store_failure(error)),
        }
    }

    /// Every stored part of an upload, in part order (several versions of a part, left by
    /// racing retries, all appear, oldest first).
    pub(super) async fn stored_parts(
        &self,
        upload_id: &str,
    ) -> Result<Vec<StoredPart>, ProxyError> {
        let parts_dir = upload_dir(upload_id).join("parts");
        let mut listing = self.store.list(Some(&parts_dir));
        let mut parts = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(store_failure)?;
            let Some(names) = meta.location.prefix_match(&parts_dir) else {
                continue;
            };
            let names: Vec<_> = names.collect();
            let [number, name] = names.as_slice() else {
                continue;
            };
            let (Ok(number), true) = (number.as_ref().parse::<u16>(), is_md5_hex(name.as_ref()))
            else {
                continue;
            };
            parts.push(StoredPart {
                number,
                md5_hex: name.as_ref().to_owned(),
                path: meta.location.clone(),
                size: meta.size,
                last_modified: meta.last_modified,
            });
        }
        parts.sort_by_key(|part| (part.number, part.last_modified));
        Ok(parts)
    }

    /// Removes an upload: its record first (so it is gone for every further request),
    /// then whatever it staged.
    pub(super) async fn remove_upload(&self, upload_id: &str) -> Result<(), ProxyError> {
        let record = upload_record_path(upload_id);
        if let Err(error) = self.store.delete(&record).await
            && !is_not_found(&error)
        {
            return Err(store_failure(error));
        }
        let staged: Vec<Path> = self
            .store
            .list(Some(&upload_dir(upload_id)))
            .map_ok(|meta| meta.location)
            .try_collect()
            .await
            .map_err(store_failure)?;
        self.delete_paths(staged).await
    }

    /// Deletes `paths`, ignoring those already gone.
    pub(super) async fn delete_paths(&self, paths: Vec<Path>) -> Result<(), ProxyError> {
        if paths.is_empty() {
            return Ok(());
        }
        let locations = futures_util::stream::iter(paths.into_iter().map(Ok)).boxed();
        let mut deleted = self.store.delete_stream(locations);
        while let Some(result) = deleted.next().await {
            match result {
                Err(error) if !is_not_found(&error) => return Err(store_failure(error)),
                _ => {}
            }
        }
        Ok(())
    }
}

/// Whether `id` has the shape of the ids this gateway hands out (32 upper-case hex
/// digits), which also keeps client-supplied ids from naming other paths.
fn is_upload_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

/// Whether `name` is 32 lower-case hex digits.
fn is_md5_hex(name: &str) -> bool {
    name.len() == 32
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `.multistore/uploads`.
pub(super) fn uploads_root() -> Path {
    Path::from_iter([".multistore", "uploads"])
}

/// `.multistore/uploads/<id>`.
pub(super) fn upload_dir(upload_id: &str) -> Path {
    uploads_root().join(upload_id)
}

/// `.multistore/uploads/<id>/upload.json`.
pub(super) fn upload_record_path(upload_id: &str) -> Path {
    upload_dir(upload_id).join(UPLOAD_RECORD)
}

/// `.multistore/uploads/<id>/parts/<number>`.
pub(super) fn part_dir(upload_id: &str, part_number: u16) -> Path {
    let number = format!("{part_number:05}");
    upload_dir(upload_id).join("parts").join(number.as_str())
}
