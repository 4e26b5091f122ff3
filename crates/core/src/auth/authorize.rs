//! The standard authorization rule: scopes, anonymous reads, and role restrictions.

use crate::ProxyError;
use crate::api::S3Operation;
use crate::auth::ResolvedIdentity;
use crate::config::{Action, BucketConfig};

/// What one permission check is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource<'a> {
    /// The bucket as a whole: granted when any scope gives the action on any prefix.
    Bucket,
    /// One object key.
    Key(&'a str),
    /// A listing under a prefix: granted when the prefix lies inside a granted prefix.
    ListPrefix(&'a str),
}

/// One permission an operation needs: `action` on `resource` in `bucket`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Requirement<'a> {
    /// The bucket concerned.
    pub bucket: &'a str,
    /// What in the bucket.
    pub resource: Resource<'a>,
    /// The action needed.
    pub action: Action,
}

/// The permissions `operation` needs, in every bucket it touches.
///
/// A copy needs a read of the source (a versioned read when a version is named) and a write
/// of the destination. DeleteObjects needs `delete_object` somewhere in the bucket here;
/// each key of its body is then checked with [`authorize_key`]. ListBuckets needs nothing:
/// its answer is filtered instead.
pub fn requirements(operation: &S3Operation) -> Vec<Requirement<'_>> {
    use Action::*;
    use S3Operation as Op;

    fn key<'a>(bucket: &'a str, key: &'a str, action: Action) -> Requirement<'a> {
        Requirement {
            bucket,
            resource: Resource::Key(key),
            action,
        }
    }
    fn whole(bucket: &str, action: Action) -> Requirement<'_> {
        Requirement {
            bucket,
            resource: Resource::Bucket,
            action,
        }
    }
    fn listing<'a>(bucket: &'a str, prefix: &'a str, action: Action) -> Requirement<'a> {
        Requirement {
            bucket,
            resource: Resource::ListPrefix(prefix),
            action,
        }
    }
    fn read(version: &Option<String>) -> Action {
        match version {
            Some(_) => GetObjectVersion,
            None => GetObject,
        }
    }

    match operation {
        Op::ListBuckets => vec![],
        Op::CreateBucket { bucket } => vec![whole(bucket, PutObject)],
        Op::HeadBucket { bucket }
        | Op::GetBucketLocation { bucket }
        | Op::GetBucketVersioning { bucket } => vec![whole(bucket, ListBucket)],
        Op::ListObjects { bucket, params } => vec![listing(bucket, &params.prefix, ListBucket)],
        Op::ListObjectVersions { bucket, params } => {
            vec![listing(bucket, &params.prefix, ListBucketVersions)]
        }
        Op::ListMultipartUploads { bucket, params } => {
            vec![listing(bucket, &params.prefix, ListBucketMultipartUploads)]
        }
        Op::DeleteObjects { bucket } => vec![whole(bucket, DeleteObject)],
        Op::GetObject {
            bucket,
            key: k,
            params,
        }
        | Op::HeadObject {
            bucket,
            key: k,
            params,
        } => {
            vec![key(bucket, k, read(&params.version_id))]
        }
        Op::PutObject { bucket, key: k }
        | Op::CreateMultipartUpload { bucket, key: k }
        | Op::UploadPart { bucket, key: k, .. }
        | Op::CompleteMultipartUpload { bucket, key: k, .. } => vec![key(bucket, k, PutObject)],
        Op::CopyObject {
            bucket,
            key: k,
            source,
        }
        | Op::UploadPartCopy {
            bucket,
            key: k,
            source,
            ..
        } => vec![
            key(&source.bucket, &source.key, read(&source.version_id)),
            key(bucket, k, PutObject),
        ],
        Op::DeleteObject {
            bucket,
            key: k,
            version_id,
        } => {
            let action = match version_id {
                Some(_) => DeleteObjectVersion,
                None => DeleteObject,
            };
            vec![key(bucket, k, action)]
        }
        Op::AbortMultipartUpload { bucket, key: k, .. } => {
            vec![key(bucket, k, AbortMultipartUpload)]
        }
        Op::ListParts { bucket, key: k, .. } => vec![key(bucket, k, ListMultipartUploadParts)],
        Op::GetObjectTagging { bucket, key: k, .. } => vec![key(bucket, k, GetObjectTagging)],
        Op::PutObjectTagging { bucket, key: k, .. } => vec![key(bucket, k, PutObjectTagging)],
    }
}

/// Authorizes the part of `operation` that concerns `bucket`.
///
/// * Anonymous callers may only read (`get_object`, `list_bucket`) buckets marked
///   `anonymous_access`.
/// * Temporary credentials may use a bucket with `allowed_roles` only if their role is listed.
/// * Otherwise a requirement is met when one of the caller's scopes grants it.
pub fn authorize(
    identity: &ResolvedIdentity,
    bucket: &BucketConfig,
    operation: &S3Operation,
) -> Result<(), ProxyError> {
    requirements(operation)
        .into_iter()
        .filter(|requirement| requirement.bucket == bucket.name)
        .try_for_each(|requirement| {
            check(identity, bucket, requirement.resource, requirement.action)
        })
}

/// Authorizes `action` on one `key` of `bucket`: the per-key check of DeleteObjects.
pub fn authorize_key(
    identity: &ResolvedIdentity,
    bucket: &BucketConfig,
    key: &str,
    action: Action,
) -> Result<(), ProxyError> {
    check(identity, bucket, Resource::Key(key), action)
}

/// Whether `identity` may see `bucket` at all (for ListBuckets).
pub fn can_see_bucket(identity: &ResolvedIdentity, bucket: &BucketConfig) -> bool {
    match identity {
        ResolvedIdentity::Anonymous => bucket.anonymous_access,
        _ => {
            role_admitted(identity, bucket)
                && identity
                    .scopes()
                    .iter()
                    .any(|scope| scope.covers_bucket(&bucket.name))
        }
    }
}

fn check(
    identity: &ResolvedIdentity,
    bucket: &BucketConfig,
    resource: Resource<'_>,
    action: Action,
) -> Result<(), ProxyError> {
    let granted = match identity {
        ResolvedIdentity::Anonymous => {
            bucket.anonymous_access && Action::ANONYMOUS_READ.contains(&action)
        }
        _ => {
            role_admitted(identity, bucket)
                && identity.scopes().iter().any(|scope| match resource {
                    Resource::Bucket => {
                        scope.covers_bucket(&bucket.name) && scope.actions.contains(&action)
                    }
                    Resource::Key(key) => scope.allows_key(&bucket.name, key, action),
                    Resource::ListPrefix(prefix) => {
                        scope.allows_listing(&bucket.name, prefix, action)
                    }
                })
        }
    };
    if granted {
        Ok(())
    } else {
        Err(ProxyError::AccessDenied("Access Denied".into()))
    }
}

/// A bucket with `allowed_roles` admits only temporary credentials of those roles.
fn role_admitted(identity: &ResolvedIdentity, bucket: &BucketConfig) -> bool {
    match identity.role() {
        Some(role) if !bucket.allowed_roles.is_empty() => {
            bucket.allowed_roles.iter().any(|allowed| allowed == role)
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests;
