//! Virtual buckets and the backends they live on.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

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

/// Backend-specific settings (`endpoint`, `region`, `root`, keys …) as configured.
///
/// Values may be secrets, so `Debug` shows every option name but only the values of the
/// options known to be harmless.
///
/// Values are text; booleans and numbers in a configuration file (`skip_signature = true`)
/// are read as their text.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BackendOptions(#[serde(deserialize_with = "option_values")] BTreeMap<String, String>);

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

fn option_values<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
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
    /// The value of option `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// A boolean option: `true`/`false` (any case), absent means `false`.
    pub fn flag(&self, name: &str) -> Result<bool, String> {
        match self.get(name) {
            None => Ok(false),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(format!("option `{name}` must be true or false, not `{v}`")),
        }
    }

    /// Every option, for builders that take `(name, value)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Sets option `name`.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for BackendOptions {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl fmt::Debug for BackendOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.0 {
            if PUBLIC_OPTIONS.contains(&name.as_str()) {
                map.entry(name, value);
            } else {
                map.entry(name, &"[redacted]");
            }
        }
        map.finish()
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
    }

    #[test]
    fn scalar_values_are_read_as_text() {
        let options: BackendOptions =
            serde_json::from_str(r#"{"skip_signature": true, "port": 9000, "root": "/d"}"#)
                .unwrap();
        assert_eq!(options.get("skip_signature"), Some("true"));
        assert_eq!(options.get("port"), Some("9000"));
        assert_eq!(options.get("root"), Some("/d"));
    }

    #[test]
    fn flags_parse_strictly() {
        let options: BackendOptions = [("skip_signature", "TRUE"), ("bad", "yes")]
            .into_iter()
            .collect();
        assert_eq!(options.flag("skip_signature"), Ok(true));
        assert_eq!(options.flag("absent"), Ok(false));
        assert!(options.flag("bad").is_err());
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
