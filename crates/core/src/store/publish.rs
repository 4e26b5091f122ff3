//! Putting written data in place, and what a file system refuses on the way.
//!
//! On a file system every write (PutObject, the destination of CopyObject, the object a
//! CompleteMultipartUpload assembles) is written under `.multistore/staging/` and then
//! renamed or linked to the object's path. `LocalFileSystem` writes a file `<name>#<n>`
//! beside its target and renames it when done; staging keeps those temporary files, and
//! whatever an interrupted write leaves, inside the gateway's own area, where they are
//! never listed and where a start-up sweep can remove them without ever guessing whether
//! a file in the user's directory is a leftover or an object.
//!
//! A file system cannot hold an object `a/b` and objects below `a/b/`: the rename fails
//! and the client gets `ParentIsObject` or `ObjectExistsAsDirectory` (409), with nothing
//! changed on disk. On an object store a write goes straight to its path, except an
//! `If-None-Match: *` write too large for one `put`, which is staged and linked only if
//! the key is still free.

use object_store::path::Path;
use object_store::{CopyMode, CopyOptions, ObjectStoreExt, PutMode};

use super::key_codec::{RESERVED_PREFIX, is_temporary_name};
use super::sink::Sink;
use super::{StoreBucket, StoreKind, store_error, store_failure};
use crate::ProxyError;

/// The directory of staged bodies, under the gateway's own area.
const STAGING_DIR: &str = "staging";

impl StoreBucket {
    /// A sink for a write to `path` with `mode`: a staging path on a file system and for
    /// a create (see the module docs), `path` itself otherwise.
    pub(super) fn sink_for(&self, path: &Path, mode: &PutMode) -> Sink<'_> {
        let staged = self.kind == StoreKind::FileSystem || matches!(mode, PutMode::Create);
        let target = if staged { staging_path() } else { path.clone() };
        Sink::new(self.store.as_ref(), target)
    }

    /// Completes a write begun with [`sink_for`](Self::sink_for) and returns the store's
    /// e_tag of the new data.
    pub(super) async fn finish_write(
        &self,
        key: &str,
        path: &Path,
        mut sink: Sink<'_>,
        mode: PutMode,
    ) -> Result<Option<String>, ProxyError> {
        let staged = sink.path().clone();
        if self.kind == StoreKind::FileSystem {
            sink.finish(PutMode::Overwrite).await?;
            match mode {
                PutMode::Create => self.link_if_absent(&staged, path).await?,
                // `If-Match` was checked before the body was read: a directory has no
                // atomic compare-and-swap.
                _ => self.move_into_place(&staged, path).await?,
            }
            return Ok(self.head_data(key, path).await?.e_tag);
        }
        let result = match mode {
            PutMode::Create if !sink.is_buffered() => {
                sink.finish(PutMode::Overwrite).await?;
                self.link_if_absent(&staged, path).await?;
                return Ok(self.head_data(key, path).await?.e_tag);
            }
            mode => {
                if sink.is_buffered() {
                    sink.redirect(path.clone());
                }
                sink.finish(mode).await?
            }
        };
        match result.e_tag {
            Some(etag) => Ok(Some(etag)),
            None => Ok(self.head_data(key, path).await?.e_tag),
        }
    }

    /// Copies the data at `source` (the data of `source_key`) to `dest` in this store,
    /// through staging on a file system.
    pub(super) async fn copy_data(
        &self,
        source_key: &str,
        source: &Path,
        dest: &Path,
    ) -> Result<(), ProxyError> {
        let target = match self.kind {
            StoreKind::FileSystem => staging_path(),
            StoreKind::ObjectStore => dest.clone(),
        };
        let copied = self
            .store
            .copy_opts(source, &target, CopyOptions::default())
            .await;
        copied.map_err(|error| store_error(error, source_key))?;
        if target != *dest {
            self.move_into_place(&target, dest).await?;
        }
        Ok(())
    }

    /// Renames `staged` to `path`, replacing what is there; on failure `staged` is
    /// removed.
    async fn move_into_place(&self, staged: &Path, path: &Path) -> Result<(), ProxyError> {
        let moved = self.store.rename(staged, path).await;
        match moved {
            Ok(()) => Ok(()),
            Err(error) => {
                self.discard(staged).await;
                Err(self.placement_error(error, path).await)
            }
        }
    }

    /// Links `staged` to `path` only if `path` is free, then removes `staged`.
    async fn link_if_absent(&self, staged: &Path, path: &Path) -> Result<(), ProxyError> {
        let options = CopyOptions {
            mode: CopyMode::Create,
            ..CopyOptions::default()
        };
        let linked = self.store.copy_opts(staged, path, options).await;
        self.discard(staged).await;
        match linked {
            Ok(()) => Ok(()),
            Err(error) => Err(self.placement_error(error, path).await),
        }
    }

    /// Removes a staged body that is no longer needed.
    async fn discard(&self, staged: &Path) {
        if let Err(error) = self.store.delete(staged).await {
            tracing::warn!(%error, "could not remove a staged body");
        }
    }

    /// Maps a failure to put data at `path`. On a file system, a path below a file or a
    /// path that is a directory is a conflict between keys, not a backend failure; a
    /// create that found a directory in the way is that conflict too, not a failed
    /// precondition (no object has that key).
    async fn placement_error(&self, error: object_store::Error, path: &Path) -> ProxyError {
        if self.kind == StoreKind::FileSystem {
            if let Some(conflict) = file_system_conflict(&error) {
                return conflict;
            }
            if matches!(error, object_store::Error::AlreadyExists { .. })
                && let Err(head) = self.store.head(path).await
                && super::is_not_found(&head)
            {
                return ProxyError::ObjectExistsAsDirectory;
            }
        }
        store_failure(error)
    }
}

/// The key conflict a file system failure stands for, if it is one: the I/O error in its
/// source chain says an ancestor is a file (`ENOTDIR`) or the target is a directory
/// (`EISDIR`, `ENOTEMPTY`).
fn file_system_conflict(error: &object_store::Error) -> Option<ProxyError> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::NotADirectory => Some(ProxyError::ParentIsObject),
                std::io::ErrorKind::IsADirectory | std::io::ErrorKind::DirectoryNotEmpty => {
                    Some(ProxyError::ObjectExistsAsDirectory)
                }
                _ => None,
            };
        }
        cause = current.source();
    }
    None
}

/// A fresh staging path for a body that is put in place later.
fn staging_path() -> Path {
    let id = crate::ids::unique_hex(2);
    Path::from_iter([RESERVED_PREFIX, STAGING_DIR, id.as_str()])
}

/// Whether a file found at `path` of a local directory is what an interrupted write left
/// behind: a body in `.multistore/staging/`, or a temporary file of `LocalFileSystem`
/// (`name#<digits>`, which it never lists nor serves, and which no key is stored as).
/// Objects, sidecars and multipart uploads in progress (they live until aborted, as on
/// S3) are never leftovers.
///
/// ```
/// use multistore::store::is_interrupted_write;
/// use object_store::path::Path;
///
/// let leftover = |name: &str| is_interrupted_write(&Path::parse(name).unwrap());
/// assert!(leftover(".multistore/staging/0F2A"));
/// assert!(leftover("photos/cat.jpg#1"));
/// assert!(!leftover("photos/cat#1.jpg"));
/// assert!(!leftover("notes/a#b#1"));
/// assert!(!leftover(".multistore/uploads/0F2A/parts/00001/tmp-0B3C"));
/// ```
pub fn is_interrupted_write(path: &Path) -> bool {
    let mut parts = path.parts();
    let staged = matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(area), Some(dir), Some(_))
            if area.as_ref() == RESERVED_PREFIX && dir.as_ref() == STAGING_DIR
    );
    staged || path.filename().is_some_and(is_temporary_name)
}
