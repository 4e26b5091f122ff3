//! ListParts and ListMultipartUploads.

use std::collections::BTreeMap;

use futures_util::StreamExt;

use super::upload_state::uploads_root;
use super::{StoreBucket, quote, store_failure};
use crate::ProxyError;
use crate::api::ListPartsParams;
use crate::api::response::{PartEntry, PartsPage, UploadEntry, UploadsPage};

/// How many upload records a listing reads at once.
const RECORD_READS_IN_FLIGHT: usize = 16;

/// One entry of an uploads listing: an upload, or a common prefix uploads rolled up into.
enum UploadListEntry {
    Upload(UploadEntry),
    Prefix(String),
}

impl StoreBucket {
    /// Serves ListParts: the parts of upload `upload_id` of `key` after
    /// `part_number_marker`, in part order, `max_parts` at most.
    pub async fn list_parts(
        &self,
        key: &str,
        upload_id: &str,
        params: &ListPartsParams,
    ) -> Result<PartsPage, ProxyError> {
        let upload = self.load_upload(key, upload_id).await?;
        // The latest version of each part counts.
        let mut latest = BTreeMap::new();
        for part in self.stored_parts(upload_id).await? {
            latest.insert(part.number, part);
        }
        let marker = params.part_number_marker.unwrap_or(0);
        let mut remaining = latest.into_values().filter(|part| part.number > marker);
        let parts: Vec<PartEntry> = remaining
            .by_ref()
            .take(params.max_parts)
            .map(|part| PartEntry {
                part_number: part.number,
                last_modified: part.last_modified,
                etag: quote(&part.md5_hex),
                size: part.size,
                checksums: Default::default(),
            })
            .collect();
        Ok(PartsPage {
            is_truncated: remaining.next().is_some(),
            next_part_number_marker: parts.last().map(|part| part.part_number),
            parts,
            storage_class: upload.attributes.storage_class,
        })
    }

    /// Serves ListMultipartUploads: uploads of keys starting with `prefix`, sorted by key,
    /// then initiation time and upload id, rolled up at `delimiter` into common prefixes
    /// (each counting as one entry), after `key_marker` (and, for uploads of that very
    /// key, after `upload_id_marker`), `max_uploads` entries at most. Keys are backend
    /// keys.
    pub async fn list_uploads(
        &self,
        prefix: &str,
        delimiter: Option<&str>,
        key_marker: Option<&str>,
        upload_id_marker: Option<&str>,
        max_uploads: usize,
    ) -> Result<UploadsPage, ProxyError> {
        if max_uploads == 0 {
            return Ok(UploadsPage::default());
        }
        let mut uploads = self.all_uploads(prefix).await?;
        uploads.sort_by(|a, b| {
            (&a.key, a.initiated, &a.upload_id).cmp(&(&b.key, b.initiated, &b.upload_id))
        });
        // Uploads of `key_marker` itself resume after the upload `upload_id_marker`.
        let marker_index = match (key_marker, upload_id_marker) {
            (Some(key), Some(id)) => uploads
                .iter()
                .position(|upload| upload.key == key && upload.upload_id == id),
            _ => None,
        };
        let delimiter = delimiter.filter(|delimiter| !delimiter.is_empty());
        let mut entries = Vec::new();
        for (index, upload) in uploads.into_iter().enumerate() {
            let rest = &upload.key[prefix.len()..];
            let entry = match delimiter.and_then(|delimiter| {
                let end = rest.find(delimiter)? + delimiter.len();
                Some(format!("{prefix}{}", &rest[..end]))
            }) {
                Some(common) => UploadListEntry::Prefix(common),
                None => UploadListEntry::Upload(upload),
            };
            let after_marker = match (&entry, key_marker) {
                (_, None) => true,
                (UploadListEntry::Prefix(common), Some(marker)) => common.as_str() > marker,
                (UploadListEntry::Upload(upload), Some(marker)) => {
                    let after_id = match (upload_id_marker, marker_index) {
                        (Some(_), Some(position)) => index > position,
                        (Some(id), None) => upload.upload_id.as_str() > id,
                        (None, _) => false,
                    };
                    upload.key.as_str() > marker || (upload.key == marker && after_id)
                }
            };
            let duplicate = matches!(
                (&entry, entries.last()),
                (UploadListEntry::Prefix(new), Some(UploadListEntry::Prefix(last))) if new == last
            );
            if after_marker && !duplicate {
                entries.push(entry);
            }
        }
        let is_truncated = entries.len() > max_uploads;
        entries.truncate(max_uploads);
        let mut page = UploadsPage {
            is_truncated,
            ..UploadsPage::default()
        };
        match entries.last() {
            Some(UploadListEntry::Upload(last)) => {
                page.next_key_marker = Some(last.key.clone());
                page.next_upload_id_marker = Some(last.upload_id.clone());
            }
            Some(UploadListEntry::Prefix(last)) => page.next_key_marker = Some(last.clone()),
            None => {}
        }
        for entry in entries {
            match entry {
                UploadListEntry::Upload(upload) => page.uploads.push(upload),
                UploadListEntry::Prefix(common) => page.common_prefixes.push(common),
            }
        }
        Ok(page)
    }

    /// Every upload in progress of a key starting with `prefix`, unsorted.
    async fn all_uploads(&self, prefix: &str) -> Result<Vec<UploadEntry>, ProxyError> {
        let root = uploads_root();
        let listing = self.store.list_with_delimiter(Some(&root)).await;
        let ids: Vec<String> = listing
            .map_err(store_failure)?
            .common_prefixes
            .iter()
            .filter_map(|path| path.filename().map(str::to_owned))
            .collect();
        let records = futures_util::stream::iter(ids)
            .map(|upload_id| async move {
                let record = self.read_upload_record(&upload_id).await;
                record.map(|record| (upload_id, record))
            })
            .buffered(RECORD_READS_IN_FLIGHT)
            .collect::<Vec<_>>()
            .await;
        let mut uploads = Vec::new();
        for record in records {
            let (upload_id, Some(record)) = record? else {
                continue;
            };
            if record.key.starts_with(prefix) {
                uploads.push(UploadEntry {
                    key: record.key,
                    upload_id,
                    initiated: record.initiated,
                    storage_class: record.attributes.storage_class,
                });
            }
        }
        Ok(uploads)
    }
}
