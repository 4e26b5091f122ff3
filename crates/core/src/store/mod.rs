//! S3 object semantics over any [`ObjectStore`]: the layer that serves buckets whose
//! backend does not speak S3 (a local directory, process memory, Azure Blob, GCS).
//!
//! A [`StoreBucket`] wraps one store for one request and answers the S3 object
//! operations the way S3 would: byte-faithful keys, entity headers and user metadata kept
//! and returned, conditional and ranged reads, S3 multipart uploads that survive across
//! requests and gateway instances, and listings in key (UTF-8 byte) order.
//!
//! # Layout in the store
//!
//! * Object data lives at the object's own path, so a directory served by the gateway
//!   holds files under their natural names and files dropped into it by hand are served.
//!   Keys map to paths segment by segment, each segment as it is ([`key_path`]); an
//!   empty segment (`a//b`, a leading `/`, the trailing `/` of a directory marker `dir/`)
//!   becomes the reserved segment `.multistore-empty`.
//! * `.multistore/` at the root is the gateway's own area, never listed and never
//!   addressable:
//!   * `.multistore/meta/<2 hex>/<sha256 of the key>`: a JSON sidecar per object with its
//!     entity headers, user metadata, tags, S3 ETag and part sizes, and the store's own
//!     e_tag of the data it describes. A sidecar whose recorded e_tag differs from the
//!     data's is stale (the data was replaced outside the gateway) and ignored.
//!   * `.multistore/uploads/<upload id>/`: multipart uploads in progress (`upload.json`
//!     and `parts/<part number>/<md5 hex>`).
//!   * `.multistore/staging/`: bodies being written, before they are renamed or linked
//!     into place: every write on a file system (so that `LocalFileSystem`'s temporary
//!     files never appear among the user's files), and conditional (`If-None-Match: *`)
//!     writes too large for one request elsewhere. What an interrupted write leaves there
//!     is recognised by [`is_interrupted_write`]; the server removes it at start-up.
//!
//! Every key segment starting with `.multistore` is refused with `InvalidArgument`, so the
//! reserved names can never collide with a client's key.
//!
//! # Streaming
//!
//! Bodies are never held whole: a write buffers at most [`PART_SIZE`] bytes plus the parts
//! in flight, and switches from one `put` to a store multipart upload when the body is
//! larger; reads stream the store's body.
//!
//! ```
//! use std::sync::Arc;
//! use http::HeaderMap;
//! use multistore::store::{ReadMode, ReadOptions, StoreBucket, StoreKind};
//! use object_store::memory::InMemory;
//!
//! let bucket = StoreBucket::new(Arc::new(InMemory::new()), StoreKind::ObjectStore);
//! let headers = HeaderMap::new();
//! futures_executor::block_on(async {
//!     let body = Box::pin(futures_util::stream::iter([Ok(bytes::Bytes::from("hi"))]));
//!     let etag = bucket.write("a b/c", &headers, body, Some(2)).await.unwrap();
//!     assert_eq!(etag, "\"49f68a5c8493ec2c0bf489821c21fc3b\"");
//!     let options = ReadOptions { mode: ReadMode::Head, headers: &headers, part_number: None };
//!     let response = bucket.read("a b/c", &options).await.unwrap();
//!     assert_eq!(response.headers["content-length"], "2");
//! });
//! ```

mod conditions;
mod copy;
mod key_codec;
mod listing;
mod metadata;
mod multipart;
mod multipart_list;
mod publish;
mod read;
mod sink;
mod upload_state;
mod write;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use object_store::path::Path;
use object_store::{GetOptions, ObjectMeta, ObjectStore};

pub use copy::CopiedObject;
pub use key_codec::{key_from_path, key_path};
pub use publish::is_interrupted_write;
pub use read::{ObjectResponse, ReadMode, ReadOptions};
pub use sink::PART_SIZE;

use crate::ProxyError;
use crate::config::BackendType;
use metadata::ObjectRecord;

/// What kind of hierarchy a store has, which decides two details of how keys are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    /// An object store proper (`InMemory`, Azure Blob, GCS): a prefix exists exactly
    /// while objects under it do.
    ObjectStore,
    /// A file system (`LocalFileSystem`): directories may be empty (they outlive their
    /// files), so common prefixes are checked for objects before they are listed; and
    /// file names with digits after their first `#` are the store's temporary files, so
    /// keys of that shape are stored under an escaped name.
    FileSystem,
}

impl StoreKind {
    /// The kind of store a bucket's backend type is served from.
    pub fn of(backend: BackendType) -> Self {
        match backend {
            BackendType::Local => Self::FileSystem,
            _ => Self::ObjectStore,
        }
    }
}

/// One bucket on an `object_store` backend, with S3 object semantics. Cheap to create (one
/// per request) and to clone.
///
/// Keys given to its methods are backend keys (the bucket's backend prefix applied) that
/// `crate::api::validate_key` accepted.
#[derive(Debug, Clone)]
pub struct StoreBucket {
    store: Arc<dyn ObjectStore>,
    kind: StoreKind,
}

impl StoreBucket {
    /// Wraps `store`, which is of `kind`.
    pub fn new(store: Arc<dyn ObjectStore>, kind: StoreKind) -> Self {
        Self { store, kind }
    }

    /// Where the data of `key` lives in this store.
    fn data_path(&self, key: &str) -> Result<Path, ProxyError> {
        key_codec::path_of(key, self.kind)
    }

    /// The wrapped store.
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }

    /// Whether `other` wraps the very same store (so a copy can stay inside it).
    fn same_store(&self, other: &Self) -> bool {
        std::ptr::addr_eq(Arc::as_ptr(&self.store), Arc::as_ptr(&other.store))
    }

    /// The data's metadata, or `NoSuchKey`.
    async fn head_data(&self, key: &str, path: &Path) -> Result<ObjectMeta, ProxyError> {
        let options = GetOptions {
            head: true,
            ..GetOptions::default()
        };
        match self.store.get_opts(path, options).await {
            Ok(result) => Ok(result.meta),
            Err(error) => Err(self.read_error(error, key, path).await),
        }
    }

    /// The object as it is now: its data's metadata and its sidecar if that is fresh.
    async fn object_state(&self, key: &str) -> Result<ObjectState, ProxyError> {
        let path = self.data_path(key)?;
        let (meta, record) =
            futures_util::future::join(self.head_data(key, &path), self.load_record(key)).await;
        Ok(ObjectState::new(meta?, record?))
    }

    /// Maps a failed read of `path`: beyond the usual mapping, a file system answers a
    /// read below an existing file (`a/b/c` when `a/b` is a file) with an I/O error rather
    /// than "not found"; S3 says `NoSuchKey` there.
    async fn read_error(&self, error: object_store::Error, key: &str, path: &Path) -> ProxyError {
        let mapped = store_error(error, key);
        if self.kind != StoreKind::FileSystem || !matches!(mapped, ProxyError::Backend(_)) {
            return mapped;
        }
        let mut ancestor = path.clone();
        while let Some(parent) = ancestor.parent() {
            if parent.is_root() {
                break;
            }
            let options = GetOptions {
                head: true,
                ..GetOptions::default()
            };
            if self.store.get_opts(&parent, options).await.is_ok() {
                return ProxyError::NoSuchKey(key.to_owned());
            }
            ancestor = parent;
        }
        mapped
    }
}

/// The current state of one object: its data's metadata and, when fresh, its sidecar.
#[derive(Debug, Clone)]
struct ObjectState {
    meta: ObjectMeta,
    record: Option<ObjectRecord>,
}

impl ObjectState {
    /// Pairs data and sidecar, dropping a sidecar written for other data.
    fn new(meta: ObjectMeta, record: Option<ObjectRecord>) -> Self {
        let record = record.filter(|record| record.describes(&meta));
        Self { meta, record }
    }

    /// The S3 ETag, quoted: the sidecar's, else the store's own.
    fn etag(&self) -> String {
        match &self.record {
            Some(record) => record.etag.clone(),
            None => store_etag(&self.meta),
        }
    }

    /// When the data was last written.
    fn last_modified(&self) -> DateTime<Utc> {
        self.meta.last_modified
    }
}

/// The store's own e_tag of `meta`, quoted, standing in for an S3 ETag when there is no
/// fresh sidecar. A store without e_tags gets one made of time and size.
fn store_etag(meta: &ObjectMeta) -> String {
    match &meta.e_tag {
        Some(etag) => quote(etag),
        None => format!(
            "\"{:x}-{:x}\"",
            meta.last_modified.timestamp_micros(),
            meta.size
        ),
    }
}

/// `etag` in double quotes (unchanged if it already is).
fn quote(etag: &str) -> String {
    if etag.len() >= 2 && etag.starts_with('"') && etag.ends_with('"') {
        etag.to_owned()
    } else {
        format!("\"{etag}\"")
    }
}

/// Maps a store failure about `key` onto the S3 error a client should see.
fn store_error(error: object_store::Error, key: &str) -> ProxyError {
    match error {
        object_store::Error::NotFound { .. } => ProxyError::NoSuchKey(key.to_owned()),
        other => store_failure(other),
    }
}

/// Maps a store failure that is not about a missing object: conflicts are failed
/// preconditions, unsupported operations `NotImplemented`, anything else a backend error
/// (whose message never reaches the client).
fn store_failure(error: object_store::Error) -> ProxyError {
    match error {
        object_store::Error::AlreadyExists { .. } | object_store::Error::Precondition { .. } => {
            ProxyError::PreconditionFailed
        }
        object_store::Error::NotModified { .. } => ProxyError::NotModified,
        object_store::Error::NotImplemented { .. } | object_store::Error::NotSupported { .. } => {
            ProxyError::NotImplemented(
                "This operation is not supported by the bucket's backend.".into(),
            )
        }
        other => ProxyError::backend(other),
    }
}

/// Whether a store failure says the object is not there.
fn is_not_found(error: &object_store::Error) -> bool {
    matches!(error, object_store::Error::NotFound { .. })
}
