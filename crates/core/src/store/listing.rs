//! ListObjects over a store: keys in UTF-8 byte order, delimiter roll-up, pages.
//!
//! A store lists by path segments and in its own order (a directory walk, or the order of
//! encoded paths), so the listing asks for the deepest directory the prefix names in full
//! (`photos/2024-` → `photos`), decodes and filters what comes back, and sorts it. With
//! the delimiter `/` one directory level is enough (`list_with_delimiter`); with another
//! delimiter or none the directory is walked, keeping only the first `max_keys + 1`
//! entries in order. ETags come from the sidecars of the objects on the page (read
//! concurrently), so a listing agrees with HeadObject.

use std::collections::BTreeMap;

use futures_util::StreamExt;
use object_store::ObjectMeta;
use object_store::path::Path;

use super::key_codec::{dir_path, directory_of};
use super::{ObjectState, StoreBucket, StoreKind, key_from_path, store_failure};
use crate::ProxyError;
use crate::api::response::ObjectEntry;
use crate::backend::{BackendListRequest, BackendPage};

/// How many sidecars a listing reads at once.
const SIDECAR_READS_IN_FLIGHT: usize = 16;

/// A listing entry before its page is cut.
enum Candidate {
    /// An object and its metadata.
    Object(ObjectMeta),
    /// A common prefix; on a file system, the directory to check for objects first.
    Prefix(Option<Path>),
}

/// The filter and roll-up rule of one request.
struct Query<'r> {
    prefix: &'r str,
    delimiter: Option<&'r str>,
    start_after: &'r str,
}

impl<'r> Query<'r> {
    fn new(request: &'r BackendListRequest) -> Self {
        Self {
            prefix: &request.prefix,
            delimiter: request.delimiter.as_deref().filter(|d| !d.is_empty()),
            start_after: request.start_after.as_deref().unwrap_or_default(),
        }
    }

    /// The entry `key` lists as, if any: the key itself, or the common prefix it rolls up
    /// into (`true`), and only when it sorts after `start_after`.
    fn entry(&self, key: &str) -> Option<(String, bool)> {
        let rest = key.strip_prefix(self.prefix)?;
        let common = self.delimiter.and_then(|delimiter| {
            let end = rest.find(delimiter)? + delimiter.len();
            Some(&key[..self.prefix.len() + end])
        });
        let (name, is_prefix) = match common {
            Some(common) => (common, true),
            None => (key, false),
        };
        (name > self.start_after).then(|| (name.to_owned(), is_prefix))
    }
}

/// The first `limit` candidates in key order, of any number offered.
struct FirstEntries {
    limit: usize,
    entries: BTreeMap<String, Candidate>,
}

impl FirstEntries {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            entries: BTreeMap::new(),
        }
    }

    fn offer(&mut self, name: String, candidate: Candidate) {
        if self.entries.len() == self.limit
            && self
                .entries
                .last_key_value()
                .is_some_and(|(last, _)| name >= *last)
        {
            return;
        }
        self.entries.entry(name).or_insert(candidate);
        if self.entries.len() > self.limit {
            self.entries.pop_last();
        }
    }
}

impl StoreBucket {
    /// Serves ListObjects (V1 and V2) for the backend's key space: keys under
    /// `request.prefix` after `request.start_after`, rolled up at the delimiter, at most
    /// `request.max_keys` entries (objects and common prefixes), in key order.
    pub async fn list(&self, request: &BackendListRequest) -> Result<BackendPage, ProxyError> {
        if request.max_keys == 0 {
            return Ok(BackendPage::default());
        }
        let query = Query::new(request);
        let dir = directory_of(query.prefix);
        let candidates = match query.delimiter {
            Some("/") => self.list_level(dir, &query).await?,
            _ => self.list_tree(dir, &query, request.max_keys + 1).await?,
        };
        let mut page = BackendPage::default();
        let mut objects = Vec::new();
        for (name, candidate) in candidates {
            if let Candidate::Prefix(Some(dir)) = &candidate
                && !self.has_objects(dir).await?
            {
                continue;
            }
            if objects.len() + page.common_prefixes.len() == request.max_keys {
                page.is_truncated = true;
                break;
            }
            match candidate {
                Candidate::Object(meta) => objects.push((name, meta)),
                Candidate::Prefix(_) => page.common_prefixes.push(name),
            }
        }
        page.objects = self.entries_with_etags(objects).await?;
        Ok(page)
    }

    /// Candidates from one directory level (`list_with_delimiter`).
    async fn list_level(
        &self,
        dir: &str,
        query: &Query<'_>,
    ) -> Result<BTreeMap<String, Candidate>, ProxyError> {
        let Some(path) = dir_path(dir) else {
            return Ok(BTreeMap::new());
        };
        let prefix = (!path.is_root()).then_some(&path);
        let listing = self.store.list_with_delimiter(prefix).await;
        let listing = listing.map_err(store_failure)?;
        let mut candidates = BTreeMap::new();
        for meta in listing.objects {
            let Some(key) = key_from_path(&meta.location) else {
                continue;
            };
            if let Some((name, is_prefix)) = query.entry(&key) {
                let candidate = match is_prefix {
                    true => Candidate::Prefix(None),
                    false => Candidate::Object(meta),
                };
                candidates.entry(name).or_insert(candidate);
            }
        }
        for common in listing.common_prefixes {
            let Some(key) = key_from_path(&common) else {
                continue;
            };
            let key = format!("{key}/");
            if let Some((name, _)) = query.entry(&key) {
                let check = (self.kind == StoreKind::FileSystem).then(|| dir_path(&key));
                candidates.insert(name, Candidate::Prefix(check.flatten()));
            }
        }
        Ok(candidates)
    }

    /// Candidates from the whole tree under a directory (`list`), the first `limit`.
    async fn list_tree(
        &self,
        dir: &str,
        query: &Query<'_>,
        limit: usize,
    ) -> Result<BTreeMap<String, Candidate>, ProxyError> {
        let Some(path) = dir_path(dir) else {
            return Ok(BTreeMap::new());
        };
        let prefix = (!path.is_root()).then_some(&path);
        let mut stream = self.store.list(prefix);
        let mut first = FirstEntries::new(limit);
        while let Some(meta) = stream.next().await {
            let meta = match meta {
                Ok(meta) => meta,
                // A name no path can hold (a file dropped in by hand): not an object.
                Err(object_store::Error::InvalidPath { .. }) => continue,
                Err(error) => return Err(store_failure(error)),
            };
            let Some(key) = key_from_path(&meta.location) else {
                continue;
            };
            if let Some((name, is_prefix)) = query.entry(&key) {
                let candidate = match is_prefix {
                    true => Candidate::Prefix(None),
                    false => Candidate::Object(meta),
                };
                first.offer(name, candidate);
            }
        }
        Ok(first.entries)
    }

    /// Whether a directory of a file system holds at least one object (directories are
    /// left behind when their files go).
    async fn has_objects(&self, dir: &Path) -> Result<bool, ProxyError> {
        let mut stream = self.store.list(Some(dir));
        while let Some(meta) = stream.next().await {
            match meta {
                Ok(meta) if key_from_path(&meta.location).is_some() => {
                    return Ok(true);
                }
                Ok(_) | Err(object_store::Error::InvalidPath { .. }) => {}
                Err(error) => return Err(store_failure(error)),
            }
        }
        Ok(false)
    }

    /// Listing entries for `objects`, with the ETag and storage class of a fresh sidecar.
    async fn entries_with_etags(
        &self,
        objects: Vec<(String, ObjectMeta)>,
    ) -> Result<Vec<ObjectEntry>, ProxyError> {
        let entries = futures_util::stream::iter(objects)
            .map(|(key, meta)| async move {
                let record = self.load_record(&key).await?;
                let state = ObjectState::new(meta, record);
                Ok::<_, ProxyError>(ObjectEntry {
                    etag: Some(state.etag()),
                    last_modified: state.meta.last_modified,
                    size: state.meta.size,
                    storage_class: state
                        .record
                        .and_then(|record| record.attributes.storage_class),
                    key,
                })
            })
            .buffered(SIDECAR_READS_IN_FLIGHT)
            .collect::<Vec<_>>()
            .await;
        entries.into_iter().collect()
    }
}
