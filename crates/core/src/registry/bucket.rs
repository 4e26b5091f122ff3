//! Resolving virtual buckets by name: where a bucket lives, never who may use it.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::api::ListRewrite;
use crate::config::BucketConfig;
use crate::{MaybeSend, MaybeSync, ProxyError};

/// A virtual bucket as its registry resolved it: its configuration and key mapping.
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

/// A bucket as its registry lists it, for ListBuckets.
///
/// The gateway shows a caller only the buckets [`crate::auth::can_see_bucket`] allows, so
/// a listing carries each bucket's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedBucket {
    /// The bucket's configuration, which decides who may see it.
    pub config: BucketConfig,
    /// Creation date shown to clients.
    pub creation_date: DateTime<Utc>,
}

/// Where virtual buckets live: resolution by name, knowing nothing about callers.
///
/// The gateway authorizes every request itself once its buckets are resolved (with
/// [`crate::auth::authorize`], and [`crate::auth::can_see_bucket`] for ListBuckets), so a
/// registry cannot open a bucket by forgetting a check, and its answers may be cached
/// ([`crate::registry::CachedProvider`]).
pub trait BucketRegistry: MaybeSend + MaybeSync + 'static {
    /// The bucket called `name`, or `Ok(None)` when there is no such bucket.
    ///
    /// The configuration's `name` must be `name`: scopes are matched by it, so the gateway
    /// refuses a bucket resolved under another name with an internal error. `Err` means the
    /// lookup itself failed (a database down, say) and is reported as a server error.
    fn get_bucket(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<ResolvedBucket>, ProxyError>> + MaybeSend;

    /// Every bucket, in any order, for ListBuckets; the gateway keeps those the caller may
    /// see and sorts them by name.
    fn list_buckets(
        &self,
    ) -> impl Future<Output = Result<Vec<ListedBucket>, ProxyError>> + MaybeSend;
}

impl<T: BucketRegistry> BucketRegistry for std::sync::Arc<T> {
    fn get_bucket(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<ResolvedBucket>, ProxyError>> + MaybeSend {
        (**self).get_bucket(name)
    }

    fn list_buckets(
        &self,
    ) -> impl Future<Output = Result<Vec<ListedBucket>, ProxyError>> + MaybeSend {
        (**self).list_buckets()
    }
}
