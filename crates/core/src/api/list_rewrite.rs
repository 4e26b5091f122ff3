//! The mapping between the keys clients see and the keys the backend stores.
//!
//! A bucket's keys live under its backend prefix; a registry may add a [`ListRewrite`] that
//! shows one backend folder under another name. [`KeySpace`] combines both and maps keys,
//! listing prefixes and listing markers in both directions. A client key that has no
//! backend counterpart (outside the rewritten folder) simply does not exist.

/// Shows backend keys that start with `strip_prefix` as client keys starting with
/// `add_prefix` instead.
///
/// With backend prefix `datasets/`, `strip_prefix = "v2/"` and `add_prefix = "latest/"`,
/// the backend key `datasets/v2/a.parquet` is the client key `latest/a.parquet`, and no
/// other backend key is visible.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListRewrite {
    /// Removed from backend keys (after the bucket's backend prefix).
    pub strip_prefix: String,
    /// Put in front of client keys.
    pub add_prefix: String,
}

/// Client key `add + rest` is backend key `root + rest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeySpace {
    /// Backend prefix plus the rewrite's strip prefix.
    root: String,
    /// The rewrite's add prefix (empty without a rewrite).
    add: String,
}

/// Where a client listing must look in the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendListing {
    /// List the backend under this prefix and map each key back.
    Prefix(String),
    /// Every visible key rolls up into this one client common prefix, when the backend has
    /// anything under `backend_prefix`.
    Collapsed {
        /// The single common prefix to report.
        common_prefix: String,
        /// Where to look for at least one key.
        backend_prefix: String,
    },
    /// No visible key can match.
    Nothing,
}

/// Where a client listing marker (`marker`, `start-after`, a token's resume key) falls in
/// the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendMarker {
    /// Start from the beginning of the listing.
    Start,
    /// Start after this backend key.
    After(String),
    /// Every visible key is at or before the marker.
    PastEnd,
}

impl KeySpace {
    /// The key space of a bucket with backend prefix `backend_prefix` (already normalised:
    /// empty or ending in `/`) and an optional rewrite.
    pub fn new(backend_prefix: &str, rewrite: Option<&ListRewrite>) -> Self {
        let (strip, add) = rewrite.map_or(("", ""), |r| (&r.strip_prefix, &r.add_prefix));
        Self {
            root: format!("{backend_prefix}{strip}"),
            add: add.to_owned(),
        }
    }

    /// The backend key for a client key, if the client key is visible at all.
    pub fn to_backend(&self, client_key: &str) -> Option<String> {
        let rest = client_key.strip_prefix(&self.add)?;
        Some(format!("{}{rest}", self.root))
    }

    /// The client key for a backend key, if the backend key is visible.
    pub fn to_client(&self, backend_key: &str) -> Option<String> {
        let rest = backend_key.strip_prefix(&self.root)?;
        Some(format!("{}{rest}", self.add))
    }

    /// Where to list in the backend for a client listing under `client_prefix`.
    pub fn listing(&self, client_prefix: &str, delimiter: Option<&str>) -> BackendListing {
        if let Some(backend) = self.to_backend(client_prefix) {
            return BackendListing::Prefix(backend);
        }
        let Some(hidden_tail) = self.add.strip_prefix(client_prefix) else {
            return BackendListing::Nothing;
        };
        // The client prefix is shorter than the rewritten folder name: every visible key
        // matches it, and if the rest of the folder name holds the delimiter, they all roll
        // up into one common prefix.
        match delimiter.and_then(|d| hidden_tail.find(d).map(|at| at + d.len())) {
            Some(end) => BackendListing::Collapsed {
                common_prefix: format!("{client_prefix}{}", &hidden_tail[..end]),
                backend_prefix: self.root.clone(),
            },
            None => BackendListing::Prefix(self.root.clone()),
        }
    }

    /// Where a client marker falls in the backend.
    pub fn marker(&self, client_marker: &str) -> BackendMarker {
        if let Some(backend) = self.to_backend(client_marker) {
            return BackendMarker::After(backend);
        }
        // Every visible key starts with `add`; compare the marker with that shared start.
        if client_marker < self.add.as_str() {
            BackendMarker::Start
        } else {
            BackendMarker::PastEnd
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten() -> KeySpace {
        KeySpace::new(
            "datasets/",
            Some(&ListRewrite {
                strip_prefix: "v2/".into(),
                add_prefix: "latest/".into(),
            }),
        )
    }

    #[test]
    fn plain_backend_prefix() {
        let space = KeySpace::new("datasets/", None);
        assert_eq!(space.to_backend("a b/c").as_deref(), Some("datasets/a b/c"));
        assert_eq!(space.to_client("datasets/a b/c").as_deref(), Some("a b/c"));
        assert_eq!(space.to_client("elsewhere/x"), None);
        assert_eq!(
            space.listing("", Some("/")),
            BackendListing::Prefix("datasets/".into())
        );
        assert_eq!(space.marker("m"), BackendMarker::After("datasets/m".into()));
    }

    #[test]
    fn no_prefix_is_identity() {
        let space = KeySpace::new("", None);
        for key in ["a", "a//b", "dir/", "%2F", "日本"] {
            assert_eq!(space.to_backend(key).as_deref(), Some(key));
            assert_eq!(space.to_client(key).as_deref(), Some(key));
        }
    }

    #[test]
    fn rewrite_maps_both_ways() {
        let space = rewritten();
        assert_eq!(
            space.to_backend("latest/a").as_deref(),
            Some("datasets/v2/a")
        );
        assert_eq!(space.to_backend("other/a"), None);
        assert_eq!(
            space.to_client("datasets/v2/a").as_deref(),
            Some("latest/a")
        );
        assert_eq!(space.to_client("datasets/v1/a"), None);
    }

    #[test]
    fn listing_above_the_rewritten_folder() {
        let space = rewritten();
        assert_eq!(
            space.listing("", Some("/")),
            BackendListing::Collapsed {
                common_prefix: "latest/".into(),
                backend_prefix: "datasets/v2/".into(),
            }
        );
        assert_eq!(
            space.listing("lat", None),
            BackendListing::Prefix("datasets/v2/".into())
        );
        assert_eq!(
            space.listing("latest/x", Some("/")),
            BackendListing::Prefix("datasets/v2/x".into())
        );
        assert_eq!(space.listing("zzz", Some("/")), BackendListing::Nothing);
    }

    #[test]
    fn markers_outside_the_folder() {
        let space = rewritten();
        assert_eq!(space.marker("a"), BackendMarker::Start);
        assert_eq!(space.marker("zzz"), BackendMarker::PastEnd);
        assert_eq!(
            space.marker("latest/k"),
            BackendMarker::After("datasets/v2/k".into())
        );
    }
}
