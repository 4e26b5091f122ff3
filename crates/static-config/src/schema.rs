//! The top level of a configuration document; everything below it is the core's own types.

use multistore::config::{BucketConfig, RoleConfig, StoredCredential};
use serde::Deserialize;

/// A whole configuration file: three optional lists.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConfigFile {
    #[serde(default)]
    pub(crate) buckets: Vec<BucketConfig>,
    #[serde(default)]
    pub(crate) roles: Vec<RoleConfig>,
    #[serde(default)]
    pub(crate) credentials: Vec<StoredCredential>,
}
