//! [`StaticProvider`] as the gateway's bucket and credential registry.

use multistore::ProxyError;
use multistore::api::S3Operation;
use multistore::auth::{ResolvedIdentity, authorize, can_see_bucket};
use multistore::config::{RoleConfig, StoredCredential};
use multistore::registry::{BucketRegistry, BucketSummary, CredentialRegistry, ResolvedBucket};

use crate::StaticProvider;

/// Buckets are resolved with the standard rule, [`multistore::auth::authorize`].
impl BucketRegistry for StaticProvider {
    /// `NoSuchBucket` for a bucket that is not configured, `AccessDenied` when the caller may
    /// not perform `operation` on it.
    async fn get_bucket(
        &self,
        name: &str,
        identity: &ResolvedIdentity,
        operation: &S3Operation,
    ) -> Result<ResolvedBucket, ProxyError> {
        let config = self
            .bucket(name)
            .ok_or_else(|| ProxyError::NoSuchBucket(name.to_owned()))?;
        authorize(identity, config, operation)?;
        Ok(ResolvedBucket::new(config.clone()))
    }

    /// The buckets [`can_see_bucket`] allows, by name, each dated
    /// [`StaticProvider::loaded_at`].
    async fn list_buckets(
        &self,
        identity: &ResolvedIdentity,
    ) -> Result<Vec<BucketSummary>, ProxyError> {
        let mut visible: Vec<BucketSummary> = self
            .buckets()
            .iter()
            .filter(|bucket| can_see_bucket(identity, bucket))
            .map(|bucket| BucketSummary {
                name: bucket.name.clone(),
                creation_date: self.loaded_at(),
            })
            .collect();
        // S3 lists buckets in name order.
        visible.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(visible)
    }
}

impl CredentialRegistry for StaticProvider {
    async fn get_credential(
        &self,
        access_key_id: &str,
    ) -> Result<Option<StoredCredential>, ProxyError> {
        Ok(self.credential(access_key_id).cloned())
    }

    async fn get_role(&self, role_id: &str) -> Result<Option<RoleConfig>, ProxyError> {
        Ok(self.role(role_id).cloned())
    }
}
