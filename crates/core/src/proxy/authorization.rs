//! The authorize stage: the buckets an operation names are resolved by the registry, then
//! the caller is authorized on each with the standard rule ([`crate::auth`]).
//!
//! Registries only resolve, so a registry that knows nothing about callers cannot open a
//! bucket: every request, every copy source, every key of a batch delete and every line of
//! ListBuckets is checked here.

use crate::ProxyError;
use crate::api::S3Operation;
use crate::api::request_body::ObjectToDelete;
use crate::auth::{ResolvedIdentity, authorize, authorize_key, can_see_bucket};
use crate::config::{Action, BucketConfig};
use crate::registry::{BucketRegistry, BucketSummary, ResolvedBucket};

/// The buckets of one operation, resolved and authorized for its caller.
#[derive(Debug)]
pub(crate) struct AuthorizedBuckets {
    /// The addressed bucket (absent for ListBuckets).
    pub(crate) bucket: Option<ResolvedBucket>,
    /// The source bucket of a copy.
    pub(crate) source_bucket: Option<ResolvedBucket>,
}

/// Resolves the bucket `operation` addresses, then a copy's source bucket, authorizing
/// `identity` on each in turn.
///
/// Per bucket, existence comes before permission: a bucket that does not exist is
/// `NoSuchBucket` for every caller, anonymous ones included; one the caller may not use
/// is `AccessDenied`.
pub(crate) async fn authorize_buckets<R: BucketRegistry>(
    registry: &R,
    identity: &ResolvedIdentity,
    operation: &S3Operation,
) -> Result<AuthorizedBuckets, ProxyError> {
    let bucket = match operation.bucket() {
        Some(name) => Some(resolve_authorized(registry, identity, operation, name).await?),
        None => None,
    };
    let source_bucket = match (copy_source_bucket(operation), &bucket) {
        // A copy within one bucket: both of its requirements were checked on that bucket.
        (Some(name), Some(destination)) if destination.config.name == name => {
            Some(destination.clone())
        }
        (Some(name), _) => Some(resolve_authorized(registry, identity, operation, name).await?),
        (None, _) => None,
    };
    Ok(AuthorizedBuckets {
        bucket,
        source_bucket,
    })
}

/// ListBuckets' answer for `identity`: the buckets it may see, in name order as S3 lists
/// them.
pub(crate) async fn visible_buckets<R: BucketRegistry>(
    registry: &R,
    identity: &ResolvedIdentity,
) -> Result<Vec<BucketSummary>, ProxyError> {
    let mut visible: Vec<BucketSummary> = registry
        .list_buckets()
        .await?
        .into_iter()
        .filter(|listed| can_see_bucket(identity, &listed.config))
        .map(|listed| BucketSummary {
            name: listed.config.name,
            creation_date: listed.creation_date,
        })
        .collect();
    visible.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(visible)
}

/// Authorizes one key of a DeleteObjects request in its already resolved `bucket`, as a
/// DeleteObject of its own: a named version needs `delete_object_version`.
pub(crate) fn authorize_deletion(
    identity: &ResolvedIdentity,
    bucket: &BucketConfig,
    object: &ObjectToDelete,
) -> Result<(), ProxyError> {
    let action = match object.version_id {
        Some(_) => Action::DeleteObjectVersion,
        None => Action::DeleteObject,
    };
    authorize_key(identity, bucket, &object.key, action)
}

/// Resolves bucket `name` and authorizes the part of `operation` that concerns it.
async fn resolve_authorized<R: BucketRegistry>(
    registry: &R,
    identity: &ResolvedIdentity,
    operation: &S3Operation,
    name: &str,
) -> Result<ResolvedBucket, ProxyError> {
    let bucket = registry
        .get_bucket(name)
        .await?
        .ok_or_else(|| ProxyError::NoSuchBucket(name.to_owned()))?;
    // `authorize` checks the requirements of the bucket named in its configuration; under
    // another name it would check none.
    if bucket.config.name != name {
        return Err(ProxyError::Internal(format!(
            "the bucket registry resolved bucket {name:?} as {:?}",
            bucket.config.name
        )));
    }
    authorize(identity, &bucket.config, operation)?;
    Ok(bucket)
}

/// The bucket a copy reads from.
fn copy_source_bucket(operation: &S3Operation) -> Option<&str> {
    match operation {
        S3Operation::CopyObject { source, .. } | S3Operation::UploadPartCopy { source, .. } => {
            Some(&source.bucket)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
