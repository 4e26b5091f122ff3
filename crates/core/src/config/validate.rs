//! Checking that a bucket's backend options are complete and known for its backend type.
//!
//! Providers call [`validate_backend`] when they load buckets, so that a typo in an option
//! name or a missing `bucket_name` is reported at start-up rather than on the first request.
//! The check is pure: it reads no files and opens no connections.

use crate::config::{BackendOptions, BackendType, BucketConfig};

/// Why a bucket's `backend_options` do not fit its `backend_type`.
///
/// Messages name options but never show their values, which may be secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BackendOptionsError {
    /// Options the backend does not know (misspelt, or meant for another backend).
    #[error(
        "unknown option{} {} for the {} backend; {}",
        plural(.options.len()),
        quoted_list(.options),
        .backend.as_str(),
        accepted_options(.accepted)
    )]
    Unknown {
        /// The backend the bucket uses.
        backend: BackendType,
        /// Every unknown option name, sorted.
        options: Vec<String>,
        /// The options the backend accepts.
        accepted: &'static [&'static str],
    },
    /// A required option is absent.
    #[error("the {} backend requires option `{option}`", .backend.as_str())]
    Missing {
        /// The backend the bucket uses.
        backend: BackendType,
        /// The missing option.
        option: &'static str,
    },
    /// An option is set to the empty string (often an environment variable that is empty).
    #[error("option `{option}` is empty; give it a value or remove it")]
    Empty {
        /// The empty option.
        option: String,
    },
    /// An option's value has the wrong form.
    #[error("option `{option}` must be {expected}")]
    InvalidValue {
        /// The option with the bad value.
        option: &'static str,
        /// What the value should look like.
        expected: &'static str,
    },
    /// An option is set without another one it needs.
    #[error("option `{option}` requires option `{requires}`")]
    Requires {
        /// The option that is set.
        option: &'static str,
        /// The option it needs.
        requires: &'static str,
    },
    /// Two options that exclude each other are both set.
    #[error("options `{option}` and `{other}` cannot be used together")]
    Conflict {
        /// The option reported as the culprit.
        option: &'static str,
        /// The option it conflicts with.
        other: &'static str,
    },
}

impl BackendOptionsError {
    /// The option this error is about, so that a provider can point at it; `None` when the
    /// problem is an absent option.
    pub fn option(&self) -> Option<&str> {
        match self {
            Self::Unknown { options, .. } => options.first().map(String::as_str),
            Self::Missing { .. } => None,
            Self::Empty { option } => Some(option),
            Self::InvalidValue { option, .. }
            | Self::Requires { option, .. }
            | Self::Conflict { option, .. } => Some(option),
        }
    }
}

const S3_OPTIONS: &[&str] = &[
    "endpoint",
    "bucket_name",
    "region",
    "access_key_id",
    "secret_access_key",
    "session_token",
    "skip_signature",
    "virtual_hosted_style_request",
];
const AZURE_OPTIONS: &[&str] = &[
    "account_name",
    "container_name",
    "access_key",
    "use_emulator",
    "endpoint",
];
const GCS_OPTIONS: &[&str] = &[
    "bucket_name",
    "service_account_key",
    "service_account_path",
    "endpoint",
];
const LOCAL_OPTIONS: &[&str] = &["root"];
const MEMORY_OPTIONS: &[&str] = &[];

/// Checks that `bucket.backend_options` are complete and known for `bucket.backend_type`.
///
/// | backend  | required                          | optional |
/// |----------|-----------------------------------|----------|
/// | `s3`     | `bucket_name`                     | `endpoint` (http/https URL; AWS from `region` when absent), `region` (default `us-east-1`), `access_key_id` + `secret_access_key` (both or neither), `session_token` (only with keys), `skip_signature` (not with keys), `virtual_hosted_style_request` |
/// | `azure`  | `account_name`, `container_name`  | `access_key`, `use_emulator`, `endpoint` |
/// | `gcs`    | `bucket_name`                     | `service_account_key` (JSON text) or `service_account_path`, `endpoint` |
/// | `local`  | `root` (a directory path)         | |
/// | `memory` |                                   | |
///
/// Flags take `true` or `false`; no option may be empty. Whether a `root` directory exists
/// is left to the runtime that opens it.
///
/// ```
/// use multistore::config::{BackendOptions, BackendType, BucketConfig, validate_backend};
///
/// let bucket = BucketConfig {
///     name: "data".into(),
///     backend_type: BackendType::S3,
///     backend_prefix: None,
///     anonymous_access: false,
///     allowed_roles: vec![],
///     backend_options: [("bucket_name", "data"), ("regoin", "eu-west-1")].into_iter().collect(),
/// };
/// let error = validate_backend(&bucket).unwrap_err();
/// assert!(error.to_string().starts_with("unknown option `regoin` for the s3 backend"));
/// ```
pub fn validate_backend(bucket: &BucketConfig) -> Result<(), BackendOptionsError> {
    let options = &bucket.backend_options;
    let backend = bucket.backend_type;
    match backend {
        BackendType::S3 => {
            check_names(options, backend, S3_OPTIONS, &["bucket_name"])?;
            check_s3(options)
        }
        BackendType::Azure => {
            check_names(
                options,
                backend,
                AZURE_OPTIONS,
                &["account_name", "container_name"],
            )?;
            check_flag(options, "use_emulator")?;
            check_url(options, "endpoint")
        }
        BackendType::Gcs => {
            check_names(options, backend, GCS_OPTIONS, &["bucket_name"])?;
            check_gcs(options)
        }
        BackendType::Local => check_names(options, backend, LOCAL_OPTIONS, &["root"]),
        BackendType::Memory => check_names(options, backend, MEMORY_OPTIONS, &[]),
    }
}

/// The checks every backend shares: no unknown names, no empty values, nothing missing.
fn check_names(
    options: &BackendOptions,
    backend: BackendType,
    accepted: &'static [&'static str],
    required: &[&'static str],
) -> Result<(), BackendOptionsError> {
    let unknown: Vec<String> = options
        .names()
        .filter(|name| !accepted.contains(name))
        .map(str::to_owned)
        .collect();
    if !unknown.is_empty() {
        return Err(BackendOptionsError::Unknown {
            backend,
            options: unknown,
            accepted,
        });
    }
    if let Some(name) = options.names().find(|name| options.is_empty_value(name)) {
        return Err(BackendOptionsError::Empty {
            option: name.to_owned(),
        });
    }
    match required.iter().find(|name| !options.contains(name)) {
        Some(option) => Err(BackendOptionsError::Missing { backend, option }),
        None => Ok(()),
    }
}

fn check_s3(options: &BackendOptions) -> Result<(), BackendOptionsError> {
    check_url(options, "endpoint")?;
    check_flag(options, "virtual_hosted_style_request")?;
    let skip_signature = check_flag(options, "skip_signature")?;
    let has_key_id = options.contains("access_key_id");
    let has_secret = options.contains("secret_access_key");
    if has_key_id && !has_secret {
        return Err(BackendOptionsError::Requires {
            option: "access_key_id",
            requires: "secret_access_key",
        });
    }
    if has_secret && !has_key_id {
        return Err(BackendOptionsError::Requires {
            option: "secret_access_key",
            requires: "access_key_id",
        });
    }
    if options.contains("session_token") && !has_key_id {
        return Err(BackendOptionsError::Requires {
            option: "session_token",
            requires: "access_key_id",
        });
    }
    if skip_signature && has_key_id {
        return Err(BackendOptionsError::Conflict {
            option: "skip_signature",
            other: "access_key_id",
        });
    }
    Ok(())
}

fn check_gcs(options: &BackendOptions) -> Result<(), BackendOptionsError> {
    check_url(options, "endpoint")?;
    if let Some(key) = options.secret("service_account_key") {
        if options.contains("service_account_path") {
            return Err(BackendOptionsError::Conflict {
                option: "service_account_key",
                other: "service_account_path",
            });
        }
        // The parse error is dropped: it could quote parts of the key.
        let parsed: Result<serde_json::Map<String, serde_json::Value>, _> =
            serde_json::from_str(key.expose());
        if parsed.is_err() {
            return Err(BackendOptionsError::InvalidValue {
                option: "service_account_key",
                expected: "the JSON text of a service account key (an object)",
            });
        }
    }
    Ok(())
}

/// Parses flag `name`; absent means `false`.
fn check_flag(options: &BackendOptions, name: &'static str) -> Result<bool, BackendOptionsError> {
    options
        .flag(name)
        .map_err(|_| BackendOptionsError::InvalidValue {
            option: name,
            expected: "`true` or `false`",
        })
}

/// An absent option passes; a present one must be an absolute http or https URL.
fn check_url(options: &BackendOptions, name: &'static str) -> Result<(), BackendOptionsError> {
    let Some(value) = options.get(name) else {
        return Ok(());
    };
    let is_http_url = value.parse::<http::Uri>().is_ok_and(|uri| {
        matches!(uri.scheme_str(), Some("http" | "https")) && uri.host().is_some()
    });
    if is_http_url {
        Ok(())
    } else {
        Err(BackendOptionsError::InvalidValue {
            option: name,
            expected: "an http:// or https:// URL",
        })
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn quoted_list(names: &[impl AsRef<str>]) -> String {
    names
        .iter()
        .map(|name| format!("`{}`", name.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn accepted_options(accepted: &[&str]) -> String {
    if accepted.is_empty() {
        "it accepts no options".to_owned()
    } else {
        format!("accepted options: {}", quoted_list(accepted))
    }
}

#[cfg(test)]
mod tests;
