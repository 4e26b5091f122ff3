//! [`SharedBuckets`]: any [`BucketRegistry`] behind one type, so that the gateway's type
//! does not depend on which registry it was given.

use std::sync::Arc;

use super::{BucketRegistry, ListedBucket, ResolvedBucket};
use crate::{BoxFuture, MaybeSend, MaybeSync, ProxyError};

/// [`BucketRegistry`] with boxed futures, so that it can be a trait object.
trait DynBucketRegistry: MaybeSend + MaybeSync {
    fn get_bucket<'a>(
        &'a self,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<ResolvedBucket>, ProxyError>>;

    fn list_buckets(&self) -> BoxFuture<'_, Result<Vec<ListedBucket>, ProxyError>>;
}

impl<R: BucketRegistry> DynBucketRegistry for R {
    fn get_bucket<'a>(
        &'a self,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<ResolvedBucket>, ProxyError>> {
        Box::pin(BucketRegistry::get_bucket(self, name))
    }

    fn list_buckets(&self) -> BoxFuture<'_, Result<Vec<ListedBucket>, ProxyError>> {
        Box::pin(BucketRegistry::list_buckets(self))
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
    async fn get_bucket(&self, name: &str) -> Result<Option<ResolvedBucket>, ProxyError> {
        self.0.get_bucket(name).await
    }

    async fn list_buckets(&self) -> Result<Vec<ListedBucket>, ProxyError> {
        self.0.list_buckets().await
    }
}
