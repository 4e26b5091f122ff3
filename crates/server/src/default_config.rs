//! The built-in configuration a newcomer meets: one local directory as a bucket, readable
//! by anyone, writable with a development key.

use std::path::Path;

use chrono::{TimeZone, Utc};
use multistore::SecretString;
use multistore::config::{
    AccessScope, Action, BackendOptions, BackendType, BucketConfig, StoredCredential,
};
use multistore_static_config::{ConfigError, StaticProvider};

/// The bucket of the built-in configuration.
pub const DEFAULT_BUCKET: &str = "data";
/// The development access key id of the built-in configuration.
pub const DEV_ACCESS_KEY_ID: &str = "MULTISTOREDEVKEY";
/// The development secret of the built-in configuration. It is public: the built-in
/// configuration is for trying the gateway on one's own machine.
pub const DEV_SECRET_ACCESS_KEY: &str = "multistore-dev-secret";

/// Configuration files looked for in the working directory when `--config` is not given.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["multistore.toml", "multistore.json"];

/// The built-in configuration over the directory `root` (created if missing).
pub fn default_provider(root: &Path) -> Result<StaticProvider, ConfigError> {
    let bucket = BucketConfig {
        name: DEFAULT_BUCKET.to_owned(),
        backend_type: BackendType::Local,
        backend_prefix: None,
        anonymous_access: true,
        allowed_roles: vec![],
        backend_options: [("root", root.to_string_lossy().into_owned())]
            .into_iter()
            .collect::<BackendOptions>(),
    };
    let developer = StoredCredential {
        access_key_id: DEV_ACCESS_KEY_ID.to_owned(),
        secret_access_key: SecretString::new(DEV_SECRET_ACCESS_KEY),
        principal_name: "developer".to_owned(),
        created_at: Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
        expires_at: None,
        enabled: true,
        allowed_scopes: vec![AccessScope {
            bucket: DEFAULT_BUCKET.to_owned(),
            prefixes: vec![],
            actions: Action::ALL.to_vec(),
        }],
    };
    StaticProvider::new(vec![bucket], vec![], vec![developer])
}
