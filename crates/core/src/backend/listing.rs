//! One page of a backend listing, whatever the backend.

use crate::api::response::ObjectEntry;

/// A request for one page of keys, in the backend's key space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendListRequest {
    /// Only keys starting with this.
    pub prefix: String,
    /// Roll keys up to common prefixes at this delimiter.
    pub delimiter: Option<String>,
    /// Only keys (and common prefixes) after this key.
    pub start_after: Option<String>,
    /// The most entries (objects plus common prefixes) to return, at most 1000.
    pub max_keys: usize,
}

/// One page of keys, in the backend's key space and in key (UTF-8 byte) order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BackendPage {
    /// Objects; their keys are backend keys.
    pub objects: Vec<ObjectEntry>,
    /// Common prefixes, backend keys ending with the delimiter.
    pub common_prefixes: Vec<String>,
    /// Whether entries remain after this page.
    pub is_truncated: bool,
}
