//! Virtual buckets and the backends they live on.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::SecretString;

/// Where a virtual bucket's objects are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackendType {
    /// AWS S3 or any S3-compatible endpoint, reached over the S3 wire protocol.
    S3,
    /// Azure Blob Storage, through `object_store`.
    Azure,
    /// Google Cloud Storage, through `object_store`.
    Gcs,
    /// A directory on the gateway's own filesystem, through `object_store`.
    Local,
    /// Process memory, through `object_store`; gone when the process exits.
    Memory,
}

impl BackendType {
    /// The name used in configuration files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::S3 => "s3",
            Self::Azure => "azure",
            Self::Gcs => "gcs",
            Self::Local => "local",
            Self::Memory => "memory",
        }
    }
}

/// Backend-specific options (`endpoint`, `region`, `root`, keys …) as configured.
///
/// Options are split when they are read: the names known to be harmless (`endpoint`,
/// `region`, `bucket_name`, `root` …, see [`BackendOptions::is_setting`]) are *settings*,
/// plain text that may be logged; every other name (`secret_access_key`, `access_key`,
/// `service_account_key` …) is a *secret*, held as a [`SecretString`] from the moment it
/// is read. Secrets reach a backend only as [`BackendCredentials`], through a credential
/// source ([`ConfiguredCredentials`] reads them from here). `Debug` shows every option name
/// but the values of settings only.
///
/// Values are text; booleans and numbers in a configuration file (`skip_signature = true`)
/// are read as their text. Configuration files name settings and secrets alike in one
/// `backend_options` table.
///
/// [`BackendCredentials`]: crate::backend::BackendCredentials
/// [`ConfiguredCredentials`]: crate::backend::ConfiguredCredentials
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BackendOptions {
    settings: BTreeMap<String, String>,
    secrets: BTreeMap<String, SecretString>,
}

/// A scalar option value as written in a configuration file.
#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "a backend option must be text, a boolean or a number"
)]
enum OptionValue {
    Text(String),
    Flag(bool),
    Integer(i64),
    Decimal(f64),
}

impl<'de> Deserialize<'de> for BackendOptions {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let values = BTreeMap::<String, OptionValue>::deserialize(deserializer)?;
        Ok(values
            .into_iter()
            .map(|(name, value)| {
                let text = match value {
                    OptionValue::Text(text) => text,
                    OptionValue::Flag(flag) => flag.to_string(),
                    OptionValue::Integer(number) => number.to_string(),
                    OptionValue::Decimal(number) => number.to_string(),
                };
                (name, text)
            })
            .collect())
    }
}

/// Writes settings and secrets alike, as a configuration file names them: the secrets'
/// values are written out, so serialize only into a file that is itself a secret.
impl Serialize for BackendOptions {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut all: BTreeMap<&str, &str> = self.iter().collect();
        all.extend(
            self.secrets
                .iter()
                .map(|(name, value)| (name.as_str(), value.expose())),
        );
        all.serialize(serializer)
    }
}

/// Options whose values are safe to print in logs and debug output.
const PUBLIC_OPTIONS: &[&str] = &[
    "endpoint",
    "region",
    "bucket_name",
    "root",
    "skip_signature",
    "virtual_hosted_style_request",
    "account_name",
    "container_name",
    "use_emulator",
];

impl BackendOptions {
    /// Whether option `name` is a setting (harmless, plain text); every other name is a
    /// secret.
    pub fn is_setting(name: &str) -> bool {
        PUBLIC_OPTIONS.contains(&name)
    }

    /// The value of setting `name`, if set; `None` for secrets (see [`Self::secret`]).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.settings.get(name).map(String::as_str)
    }

    /// The value of secret option `name`, if set.
    pub fn secret(&self, name: &str) -> Option<&SecretString> {
        self.secrets.get(name)
    }

    /// Whether option `name` is set, as a setting or a secret.
    pub fn contains(&self, name: &str) -> bool {
        self.settings.contains_key(name) || self.secrets.contains_key(name)
    }

    /// A boolean setting: `true`/`false` (any case), absent means `false`.
    pub fn flag(&self, name: &str) -> Result<bool, String> {
        match self.get(name) {
            None => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(format!("option `{name}` must be true or false, not `{v}`")),
        }
    }

    /// Every setting, for builders that take `(name, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.settings.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Every secret option.
    pub fn secrets(&self) -> impl Iterator<Item = (&str, &SecretString)> {
        self.secrets.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Every option name, settings and secrets, each once, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self
            .settings
            .keys()
            .chain(self.secrets.keys())
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.into_iter()
    }

    /// Whether option `name` is set to the empty string.
    pub fn is_empty_value(&self, name: &str) -> bool {
        self.get(name).is_some_and(str::is_empty)
            || self.secret(name).is_some_and(SecretString::is_empty)
    }

    /// Sets option `name`, as a setting or a secret according to its name.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        let name = name.into();
        if Self::is_setting(&name) {
            self.secrets.remove(&name);
            self.settings.insert(name, value.into());
        } else {
            self.settings.remove(&name);
            self.secrets.insert(name, SecretString::new(value));
        }
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for BackendOptions {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut options = Self::default();
        for (name, value) in iter {
            options.insert(name, value);
        }
        options
    }
}

impl fmt::Debug for BackendOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.settings.iter())
            .entries(self.secrets.iter())
            .finish()
    }
}

/// A virtual bucket: the name clients use and the backend location behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BucketConfig {
    /// The bucket name clients see.
    pub name: String,
    /// The kind of store the objects live in.
    pub backend_type: BackendType,
    /// A key prefix inside the backend under which this bucket's keys live. A non-empty
    /// prefix is treated as a folder: `datasets` and `datasets/` both put key `k` at
    /// `datasets/k`.
    #[serde(default)]
    pub backend_prefix: Option<String>,
    /// Whether callers without credentials may read (get, head, list) this bucket.
    #[serde(default)]
    pub anonymous_access: bool,
    /// When not empty, only temporary credentials minted for one of these roles may use the
    /// bucket (long-lived keys are governed by their scopes alone).
    #[serde(default)]
    pub allowed_roles: Vec<String>,
    /// Backend settings; which ones are required depends on `backend_type`.
    #[serde(default)]
    pub backend_options: BackendOptions,
}

impl BucketConfig {
    /// The backend prefix in canonical form: empty, or ending with exactly one `/`.
    pub fn normalized_backend_prefix(&self) -> String {
        match self.backend_prefix.as_deref().map(|p| p.trim_matches('/')) {
            None | Some("") => String::new(),
            Some(p) => format!("{p}/"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secret_option_values() {
        let options: BackendOptions = [
            ("endpoint", "http://127.0.0.1:9000"),
            ("secret_access_key", "very-secret"),
        ]
        .into_iter()
        .collect();
        let shown = format!("{options:?}");
        assert!(shown.contains("http://127.0.0.1:9000"));
        assert!(shown.contains("secret_access_key"));
        assert!(!shown.contains("very-secret"));
        assert_eq!(options.get("secret_access_key"), None);
        assert_eq!(
            options
                .secret("secret_access_key")
                .map(SecretString::expose),
            Some("very-secret")
        );
    }

    #[test]
    fn options_round_trip_through_a_file() {
        let text = r#"{"access_key":"k","endpoint":"http://e"}"#;
        let options: BackendOptions = serde_json::from_str(text).unwrap();
        assert_eq!(options.get("endpoint"), Some("http://e"));
        assert_eq!(
            options.names().collect::<Vec<_>>(),
            ["access_key", "endpoint"]
        );
        assert_eq!(serde_json::to_string(&options).unwrap(), text);
    }

    #[test]
    fn scalar_values_are_read_as_text() {
        let options: BackendOptions =
            serde_json::from_str(r#"{"skip_signature": true, "region": 9000, "port": 1.5}"#)
                .unwrap();
        assert_eq!(options.get("skip_signature"), Some("true"));
        assert_eq!(options.get("region"), Some("9000"));
        // An unknown name is a secret, whatever its type.
        assert_eq!(options.get("port"), None);
        assert_eq!(
            options.secret("port").map(SecretString::expose),
            Some("1.5")
        );
    }

    #[test]
    fn flags_parse_strictly() {
        let options: BackendOptions = [("skip_signature", "TRUE"), ("use_emulator", "yes")]
            .into_iter()
            .collect();
        assert_eq!(options.flag("skip_signature"), Ok(true));
        assert_eq!(options.flag("absent"), Ok(false));
        assert!(options.flag("use_emulator").is_err());
    }

    #[test]
    fn backend_prefix_is_a_folder() {
        let mut bucket = BucketConfig {
            name: "b".into(),
            backend_type: BackendType::Memory,
            backend_prefix: None,
            anonymous_access: false,
            allowed_roles: vec![],
            backend_options: BackendOptions::default(),
        };
        assert_eq!(bucket.normalized_backend_prefix(), "");
        bucket.backend_prefix = Some("datasets".into());
        assert_eq!(bucket.normalized_backend_prefix(), "datasets/");
        bucket.backend_prefix = Some("/datasets/".into());
        assert_eq!(bucket.normalized_backend_prefix(), "datasets/");
    }
}
