//! [`StaticProvider`]: a validated configuration held in memory.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use multistore::config::{BucketConfig, RoleConfig, StoredCredential};

use crate::ConfigError;
use crate::validation::{Finding, validate};

/// Buckets, roles and long-lived credentials that never change after loading.
///
/// Build one from a file ([`StaticProvider::from_file`]), from text
/// ([`StaticProvider::from_toml_str`], [`StaticProvider::from_json_str`]) or from values
/// ([`StaticProvider::new`]); every way runs the same validation. The provider implements
/// [`BucketRegistry`](multistore::registry::BucketRegistry) and
/// [`CredentialRegistry`](multistore::registry::CredentialRegistry).
#[derive(Debug, Clone)]
pub struct StaticProvider {
    buckets: Vec<BucketConfig>,
    roles: Vec<RoleConfig>,
    credentials: Vec<StoredCredential>,
    bucket_positions: HashMap<String, usize>,
    role_positions: HashMap<String, usize>,
    credential_positions: HashMap<String, usize>,
    loaded_at: DateTime<Utc>,
}

impl StaticProvider {
    /// A provider for configuration built in code, such as a built-in default.
    ///
    /// Runs the same validation as loading a file; errors name the offending value by its
    /// path (`buckets[1].name`) since there is no file to point into.
    ///
    /// ```
    /// use multistore::config::{BackendOptions, BackendType, BucketConfig};
    /// use multistore_static_config::StaticProvider;
    ///
    /// let scratch = BucketConfig {
    ///     name: "scratch".into(),
    ///     backend_type: BackendType::Memory,
    ///     backend_prefix: None,
    ///     anonymous_access: true,
    ///     allowed_roles: vec![],
    ///     backend_options: BackendOptions::default(),
    /// };
    /// let provider = StaticProvider::new(vec![scratch], vec![], vec![])?;
    /// assert_eq!(provider.buckets()[0].name, "scratch");
    /// # Ok::<(), multistore_static_config::ConfigError>(())
    /// ```
    pub fn new(
        buckets: Vec<BucketConfig>,
        roles: Vec<RoleConfig>,
        credentials: Vec<StoredCredential>,
    ) -> Result<Self, ConfigError> {
        validate(&buckets, &roles, &credentials).map_err(|finding| invalid(finding, None))?;
        Ok(Self::from_validated(buckets, roles, credentials))
    }

    /// Builds the provider from values that passed [`validate`], so every id is unique.
    pub(crate) fn from_validated(
        buckets: Vec<BucketConfig>,
        roles: Vec<RoleConfig>,
        credentials: Vec<StoredCredential>,
    ) -> Self {
        Self {
            bucket_positions: positions(&buckets, |bucket| &bucket.name),
            role_positions: positions(&roles, |role| &role.role_id),
            credential_positions: positions(&credentials, |credential| &credential.access_key_id),
            buckets,
            roles,
            credentials,
            loaded_at: Utc::now(),
        }
    }

    /// Every bucket, in the order they were configured.
    pub fn buckets(&self) -> &[BucketConfig] {
        &self.buckets
    }

    /// Every role, in the order they were configured.
    pub fn roles(&self) -> &[RoleConfig] {
        &self.roles
    }

    /// Every long-lived credential, in the order they were configured. Their secrets print
    /// as `[redacted]`.
    pub fn credentials(&self) -> &[StoredCredential] {
        &self.credentials
    }

    /// The bucket named `name`.
    pub fn bucket(&self, name: &str) -> Option<&BucketConfig> {
        self.bucket_positions.get(name).map(|&at| &self.buckets[at])
    }

    /// The role with id `role_id`.
    pub fn role(&self, role_id: &str) -> Option<&RoleConfig> {
        self.role_positions.get(role_id).map(|&at| &self.roles[at])
    }

    /// The credential with access key id `access_key_id`.
    pub fn credential(&self, access_key_id: &str) -> Option<&StoredCredential> {
        self.credential_positions
            .get(access_key_id)
            .map(|&at| &self.credentials[at])
    }

    /// When the provider was built. ListBuckets reports it as every bucket's creation date,
    /// since a configured bucket has no creation date of its own.
    pub fn loaded_at(&self) -> DateTime<Utc> {
        self.loaded_at
    }
}

/// The error for a validation finding, placed at `location` when there is a file.
pub(crate) fn invalid(finding: Finding, location: Option<crate::Location>) -> ConfigError {
    ConfigError::Invalid {
        location,
        path: finding.path.to_string(),
        message: finding.message,
        source: finding.source.map(Box::new),
    }
}

fn positions<T>(items: &[T], id: impl Fn(&T) -> &String) -> HashMap<String, usize> {
    items
        .iter()
        .enumerate()
        .map(|(position, item)| (id(item).clone(), position))
        .collect()
}
