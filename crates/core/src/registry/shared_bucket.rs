//! [`SharedBuckets`]: any [`BucketRegistry`] behind one type, so that the gateway's type
//! does not depend on which registry it was given.

use std::sync::Arc;

use super::{BucketRegistry, BucketSummary, ResolvedBucket};
use crate::api::S3Operation;
use crate::auth::ResolvedIdentity;
use crate::{BoxFuture, MaybeSend, MaybeSync, ProxyError};

/// [`BucketRegistry`] with boxed futures, so that it can be a trait object.
trait DynBucketRegistry: MaybeSend + MaybeSync {
    fn get_bucket<'a>(
        &'a self,
        name: &'a str,
        identity: &'a ResolvedIdentity,
        operation: &'a S3Operation,
    ) -> BoxFuture<'a, Result<ResolvedBucket, ProxyError>>;

    fn list_buckets<'a>(
        &'a self,
        identity: &'a ResolvedIdentity,
    ) -> BoxFuture<'a, Result<Vec<BucketSummary>, ProxyError>>;
}

impl<R: BucketRegistry> DynBucketRegistry for R {
    fn get_bucket<'a>(
        &'a self,
        name: &'a str,
        identity: &'a ResolvedIdentity,
        operation: &'a S3Operation,
    ) -> BoxFuture<'a, Result<ResolvedBucket, ProxyError>> {
        Box::pin(BucketRegistry::get_bucket(self, name, identity, operation))
    }

    fn list_buckets<'a>(
        &'a self,
        identity: &'a ResolvedIdentity,
    ) -> BoxFuture<'a, Result<Vec<BucketSummary>, ProxyError>> {
        Box::pin(BucketRegistry::list_buckets(self, identity))
    }
}

/// A type-erased [`BucketRegistry`], cheap to clone.
#[derive(Clone)]
pub(crate) struct SharedBuckets(Arc<dyn DynBucketRegistry>);

impl SharedBuckets {
    /// Erases `registry`.
    pub(crate) fn new(registry: impl BucketRegistry) -> Self {
        Self(Arc::new(registry))
    }
}

impl BucketRegistry for SharedBuckets {
    async fn get_bucket(
        &self,
        name: &str,
        identity: &ResolvedIdentity,
        operation: &S3Operation,
    ) -> Result<ResolvedBucket, ProxyError> {
        // The async block borrows each argument for its own lifetime.
        self.0.get_bucket(name, identity, operation).await
    }

    async fn list_buckets(
        &self,
        identity: &ResolvedIdentity,
    ) -> Result<Vec<BucketSummary>, ProxyError> {
        self.0.list_buckets(identity).await
    }
}
