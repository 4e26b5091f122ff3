//! Scopes: which buckets, key prefixes and actions a principal may use.

use serde::{Deserialize, Serialize};

/// One S3 permission, named after the AWS IAM action it mirrors (`s3:GetObject` is
/// `get_object`).
///
/// As in IAM, `get_object` also covers `HeadObject`, and `put_object` covers every step of a
/// multipart upload except aborting it and listing its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read an object or its metadata (GetObject, HeadObject, copy source).
    GetObject,
    /// Read a specific version of an object (`versionId` on GET, HEAD or copy source).
    GetObjectVersion,
    /// Write an object: PutObject, CopyObject destination, multipart create/part/complete.
    PutObject,
    /// Delete the current version of an object.
    DeleteObject,
    /// Delete a specific version of an object.
    DeleteObjectVersion,
    /// List the keys of a bucket; also HeadBucket, GetBucketLocation and GetBucketVersioning.
    ListBucket,
    /// List the versions of the keys in a bucket.
    ListBucketVersions,
    /// List the multipart uploads in progress in a bucket.
    ListBucketMultipartUploads,
    /// List the parts uploaded so far for one multipart upload.
    ListMultipartUploadParts,
    /// Abort a multipart upload.
    AbortMultipartUpload,
    /// Read an object's tag set.
    GetObjectTagging,
    /// Replace an object's tag set.
    PutObjectTagging,
}

impl Action {
    /// Every action, in declaration order.
    pub const ALL: [Action; 12] = [
        Action::GetObject,
        Action::GetObjectVersion,
        Action::PutObject,
        Action::DeleteObject,
        Action::DeleteObjectVersion,
        Action::ListBucket,
        Action::ListBucketVersions,
        Action::ListBucketMultipartUploads,
        Action::ListMultipartUploadParts,
        Action::AbortMultipartUpload,
        Action::GetObjectTagging,
        Action::PutObjectTagging,
    ];

    /// The actions an anonymous caller may use on a bucket marked `anonymous_access`.
    pub const ANONYMOUS_READ: [Action; 2] = [Action::GetObject, Action::ListBucket];

    /// The snake_case name used in configuration files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GetObject => "get_object",
            Self::GetObjectVersion => "get_object_version",
            Self::PutObject => "put_object",
            Self::DeleteObject => "delete_object",
            Self::DeleteObjectVersion => "delete_object_version",
            Self::ListBucket => "list_bucket",
            Self::ListBucketVersions => "list_bucket_versions",
            Self::ListBucketMultipartUploads => "list_bucket_multipart_uploads",
            Self::ListMultipartUploadParts => "list_multipart_upload_parts",
            Self::AbortMultipartUpload => "abort_multipart_upload",
            Self::GetObjectTagging => "get_object_tagging",
            Self::PutObjectTagging => "put_object_tagging",
        }
    }
}

/// A grant: `actions` on the keys under `prefixes` in `bucket`.
///
/// * `bucket` is a virtual bucket name, or `*` for every bucket.
/// * `prefixes` empty means the whole bucket. A prefix ending in `/` matches every key that
///   starts with it. A prefix without a trailing `/` matches only the key equal to it and the
///   keys under it as a folder: `data` matches `data` and `data/x`, never `database`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessScope {
    /// Virtual bucket name, or `*` for all buckets.
    pub bucket: String,
    /// Key prefixes the grant is limited to; empty for the whole bucket.
    #[serde(default)]
    pub prefixes: Vec<String>,
    /// The actions granted.
    pub actions: Vec<Action>,
}

impl AccessScope {
    /// Whether this scope names `bucket` (directly or through `*`).
    pub fn covers_bucket(&self, bucket: &str) -> bool {
        self.bucket == "*" || self.bucket == bucket
    }

    /// Whether this scope grants `action` on `key` in `bucket`.
    pub fn allows_key(&self, bucket: &str, key: &str, action: Action) -> bool {
        self.covers_bucket(bucket)
            && self.actions.contains(&action)
            && (self.prefixes.is_empty() || self.prefixes.iter().any(|p| prefix_matches(p, key)))
    }

    /// Whether this scope grants listing `bucket` under the requested `list_prefix`.
    ///
    /// Every key such a listing could return must be covered, so the requested prefix must
    /// itself lie inside one of the granted prefixes.
    pub fn allows_listing(&self, bucket: &str, list_prefix: &str, action: Action) -> bool {
        self.allows_key(bucket, list_prefix, action)
    }
}

/// The prefix rule of [`AccessScope`]: `granted` matches `key` when `key` equals it or lies
/// under it, treating a granted prefix without a trailing `/` as a folder name.
fn prefix_matches(granted: &str, key: &str) -> bool {
    if granted.is_empty() || granted.ends_with('/') {
        return key.starts_with(granted);
    }
    match key.strip_prefix(granted) {
        Some(rest) => rest.is_empty() || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(prefixes: &[&str]) -> AccessScope {
        AccessScope {
            bucket: "b".into(),
            prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
            actions: vec![Action::GetObject, Action::ListBucket],
        }
    }

    #[test]
    fn empty_prefix_list_is_whole_bucket() {
        assert!(scope(&[]).allows_key("b", "anything/at/all", Action::GetObject));
        assert!(!scope(&[]).allows_key("other", "x", Action::GetObject));
        assert!(!scope(&[]).allows_key("b", "x", Action::PutObject));
    }

    #[test]
    fn prefix_without_slash_is_a_folder_name() {
        let s = scope(&["data"]);
        assert!(s.allows_key("b", "data", Action::GetObject));
        assert!(s.allows_key("b", "data/", Action::GetObject));
        assert!(s.allows_key("b", "data/x", Action::GetObject));
        assert!(!s.allows_key("b", "database", Action::GetObject));
        assert!(!s.allows_key("b", "dat", Action::GetObject));
    }

    #[test]
    fn prefix_with_slash_matches_keys_under_it() {
        let s = scope(&["data/"]);
        assert!(s.allows_key("b", "data/", Action::GetObject));
        assert!(s.allows_key("b", "data/x/y", Action::GetObject));
        assert!(!s.allows_key("b", "data", Action::GetObject));
    }

    #[test]
    fn listing_must_stay_inside_the_grant() {
        let s = scope(&["data/"]);
        assert!(s.allows_listing("b", "data/", Action::ListBucket));
        assert!(s.allows_listing("b", "data/2024-", Action::ListBucket));
        assert!(!s.allows_listing("b", "", Action::ListBucket));
        assert!(!s.allows_listing("b", "da", Action::ListBucket));
    }

    #[test]
    fn star_bucket_covers_all() {
        let mut s = scope(&[]);
        s.bucket = "*".into();
        assert!(s.allows_key("any", "k", Action::GetObject));
    }

    #[test]
    fn action_names_round_trip_through_serde() {
        let json = serde_json::to_string(&Action::ListBucketMultipartUploads).unwrap();
        assert_eq!(json, "\"list_bucket_multipart_uploads\"");
        assert_eq!(
            Action::ListBucketMultipartUploads.as_str(),
            json.trim_matches('"')
        );
        for action in Action::ALL {
            let json = serde_json::to_string(&action).unwrap();
            assert_eq!(action.as_str(), json.trim_matches('"'));
        }
        let distinct: std::collections::BTreeSet<_> = Action::ALL.into_iter().collect();
        assert_eq!(distinct.len(), Action::ALL.len(), "each action once");
    }
}
