//! [`StaticProvider`] as the gateway's bucket and credential registry.

use multistore::ProxyError;
use multistore::config::{RoleConfig, StoredCredential};
use multistore::registry::{BucketRegistry, CredentialRegistry, ListedBucket, ResolvedBucket};

use crate::StaticProvider;

/// Buckets are found by name; the gateway authorizes callers after resolution.
impl BucketRegistry for StaticProvider {
    /// The configured bucket called `name`, with no extra key mapping.
    async fn get_bucket(&self, name: &str) -> Result<Option<ResolvedBucket>, ProxyError> {
        Ok(self.bucket(name).cloned().map(ResolvedBucket::new))
    }

    /// Every configured bucket, each dated [`StaticProvider::loaded_at`].
    async fn list_buckets(&self) -> Result<Vec<ListedBucket>, ProxyError> {
        Ok(self
            .buckets()
            .iter()
            .map(|config| ListedBucket {
                config: config.clone(),
                creation_date: self.loaded_at(),
            })
            .collect())
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
