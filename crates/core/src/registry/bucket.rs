//! Resolving a virtual bucket for one caller and one operation.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::api::{ListRewrite, S3Operation};
use crate::auth::ResolvedIdentity;
use crate::config::BucketConfig;
use crate::{MaybeSend, MaybeSync, ProxyError};

/// The owner shown in ListBuckets and listings (`Owner` elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketOwner {
    /// Canonical user id.
    pub id: &'static str,
    /// Display name.
    pub display_name: &'static str,
}

/// The owner every virtual bucket reports unless a registry says otherwise.
pub const DEFAULT_BUCKET_OWNER: BucketOwner = BucketOwner {
    id: "multistore",
    display_name: "multistore",
};

/// A bucket the caller may use for the operation at hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedBucket {
    /// The bucket's configuration: backend, prefix, options.
    pub config: BucketConfig,
    /// An extra mapping between client keys and backend keys, on top of the backend prefix.
    pub list_rewrite: Option<ListRewrite>,
}

impl ResolvedBucket {
    /// A bucket with no extra key mapping.
    pub fn new(config: BucketConfig) -> Self {
        Self {
            config,
            list_rewrite: None,
        }
    }
}

/// One line of a ListBuckets answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSummary {
    /// Bucket name.
    pub name: String,
    /// Creation date shown to clients.
    pub creation_date: DateTime<Utc>,
}

/// Identity-aware bucket resolution: routing and authorization in one place.
///
/// A registry decides both where a bucket lives and whether the caller may perform the
/// operation on it, so a custom registry can route and authorize any way it likes. The
/// standard rule is [`crate::auth::authorize`].
pub trait BucketRegistry: MaybeSend + MaybeSync + 'static {
    /// Resolves bucket `name` for `identity` performing `operation`.
    ///
    /// Errors with `NoSuchBucket` when the bucket does not exist and `AccessDenied` when
    /// the caller may not perform the operation. For copies the gateway calls this once for
    /// the destination and once for the source bucket; each call authorizes the part of
    /// the operation that concerns bucket `name`.
    fn get_bucket(
        &self,
        name: &str,
        identity: &ResolvedIdentity,
        operation: &S3Operation,
    ) -> impl Future<Output = Result<ResolvedBucket, ProxyError>> + MaybeSend;

    /// The buckets `identity` may use in some way, for ListBuckets.
    fn list_buckets(
        &self,
        identity: &ResolvedIdentity,
    ) -> impl Future<Output = Result<Vec<BucketSummary>, ProxyError>> + MaybeSend;
}

impl<T: BucketRegistry> BucketRegistry for std::sync::Arc<T> {
    fn get_bucket(
        &self,
        name: &str,
        identity: &ResolvedIdentity,
        operation: &S3Operation,
    ) -> impl Future<Output = Result<ResolvedBucket, ProxyError>> + MaybeSend {
        (**self).get_bucket(name, identity, operation)
    }

    fn list_buckets(
        &self,
        identity: &ResolvedIdentity,
    ) -> impl Future<Output = Result<Vec<BucketSummary>, ProxyError>> + MaybeSend {
        (**self).list_buckets(identity)
    }
}
