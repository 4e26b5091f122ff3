//! Backend keys ↔ `object_store` paths, reversibly for every key.
//!
//! A key is split at `/` and each segment is used as it is ([`Path::parse`] accepts every
//! segment a validated key can have), so objects get their natural names everywhere:
//! `object_store` builds URLs and file names from a path by percent-encoding it, and
//! stores list the names they hold. (Segments built with `PathPart::from` would instead be
//! stored percent-encoded: `a#b` as a file or blob named `a%23b`.)
//!
//! Two shapes need a stand-in, both made of a reserved name so that they can never be a
//! client's segment:
//! * an empty segment (`a//b`, a leading `/`, the trailing `/` of a directory marker
//!   `dir/`) becomes [`EMPTY_SEGMENT`], because a path cannot hold one;
//! * on a file system, a last segment that `LocalFileSystem` takes for one of its
//!   temporary files (`name#123`: digits after the first `#`) becomes
//!   `.multistore-pct-` followed by the segment with `%` and `#` percent-encoded.
//!
//! Every other segment starting with [`RESERVED_PREFIX`] is refused in keys and skipped
//! in listings.

use object_store::path::Path;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use super::StoreKind;
use crate::ProxyError;

/// Every name the gateway reserves starts with this.
pub(super) const RESERVED_PREFIX: &str = ".multistore";
/// The segment that stands for an empty key segment.
pub(super) const EMPTY_SEGMENT: &str = ".multistore-empty";
/// The prefix of a file name escaped because the file system store reserves its shape.
const ESCAPED_PREFIX: &str = ".multistore-pct-";
/// What an escaped file name encodes.
const ESCAPED: &AsciiSet = &CONTROLS.add(b'%').add(b'#');

/// The store path of `key` on an object store (memory, Azure, GCS): the key's segments,
/// an empty one as `.multistore-empty`. File systems need more; [`StoreBucket`]s apply it.
///
/// Fails with `InvalidArgument` when a segment starts with `.multistore`, which the
/// gateway reserves, or cannot be a path segment at all (`.`, `..`, control characters;
/// `crate::api::validate_key` refuses those earlier).
///
/// [`StoreBucket`]: super::StoreBucket
///
/// ```
/// use multistore::store::key_path;
///
/// assert_eq!(key_path("photos/a b#1%.jpg").unwrap().as_ref(), "photos/a b#1%.jpg");
/// assert_eq!(key_path("dir/").unwrap().as_ref(), "dir/.multistore-empty");
/// assert!(key_path(".multistore/meta").is_err());
/// ```
pub fn key_path(key: &str) -> Result<Path, ProxyError> {
    path_of(key, StoreKind::ObjectStore)
}

/// The key a listed path stands for, or `None` for the gateway's own paths and for names
/// no key can have.
pub fn key_from_path(path: &Path) -> Option<String> {
    let mut key = String::with_capacity(path.as_ref().len());
    for (index, part) in path.parts().enumerate() {
        if index > 0 {
            key.push('/');
        }
        key.push_str(&segment_from_part(part.as_ref())?);
    }
    Some(key)
}

/// The store path of `key` on a store of `kind`.
pub(super) fn path_of(key: &str, kind: StoreKind) -> Result<Path, ProxyError> {
    let mut raw = String::with_capacity(key.len() + 8);
    let mut segments = key.split('/').peekable();
    while let Some(segment) = segments.next() {
        if !raw.is_empty() {
            raw.push('/');
        }
        let last = segments.peek().is_none();
        match segment {
            "" => raw.push_str(EMPTY_SEGMENT),
            reserved if reserved.starts_with(RESERVED_PREFIX) => {
                return Err(ProxyError::InvalidArgument(format!(
                    "Key segments starting with `{RESERVED_PREFIX}` are reserved by the gateway."
                )));
            }
            file if last && kind == StoreKind::FileSystem && is_temporary_name(file) => {
                raw.push_str(ESCAPED_PREFIX);
                raw.extend(utf8_percent_encode(file, ESCAPED));
            }
            segment => raw.push_str(segment),
        }
    }
    Path::parse(raw).map_err(|_| {
        ProxyError::InvalidArgument(
            "The key cannot name an object on this bucket's backend.".into(),
        )
    })
}

/// The path of the directory `dir` names (a key prefix ending in `/`, or empty for the
/// root); `None` when no key can lie below it.
pub(super) fn dir_path(dir: &str) -> Option<Path> {
    if dir.is_empty() {
        return Some(Path::ROOT);
    }
    let dir = dir.strip_suffix('/')?;
    // A directory is never a file, so the file system escape never applies.
    path_of(dir, StoreKind::ObjectStore).ok()
}

/// The part of a key prefix up to and including its last `/`: the deepest directory the
/// prefix names in full.
pub(super) fn directory_of(prefix: &str) -> &str {
    match prefix.rfind('/') {
        Some(index) => &prefix[..=index],
        None => "",
    }
}

/// One listed path part as a key segment.
fn segment_from_part(raw: &str) -> Option<String> {
    if raw == EMPTY_SEGMENT {
        return Some(String::new());
    }
    if let Some(escaped) = raw.strip_prefix(ESCAPED_PREFIX) {
        let segment = percent_decode_str(escaped).decode_utf8().ok()?;
        return is_temporary_name(&segment).then(|| segment.into_owned());
    }
    let reserved = raw.starts_with(RESERVED_PREFIX);
    (!reserved && !raw.is_empty()).then(|| raw.to_owned())
}

/// Whether `LocalFileSystem` takes a file of this name for one of its temporary files
/// (and refuses it): digits, and nothing else, after the first `#`.
pub(super) fn is_temporary_name(name: &str) -> bool {
    match name.split_once('#') {
        Some((_, suffix)) => !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}
