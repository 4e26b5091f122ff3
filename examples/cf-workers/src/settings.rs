//! The Worker's settings, read from its bindings (`[vars]` and secrets).

use multistore_static_config::{ConfigError, ConfigFormat, StaticProvider};
use multistore_sts::{IssuerTransport, StsError, TokenKey};
use tracing::Level;
use wasm_bindgen::JsValue;
use worker::Env;

/// The largest request body Cloudflare accepts on the Free and Pro plans (100 MB), used
/// when `MAX_UPLOAD_BYTES` is not set.
const DEFAULT_MAX_UPLOAD_BYTES: u64 = 100_000_000;

/// Everything the gateway is built from.
pub(crate) struct Settings {
    /// Buckets, roles and credentials (`PROXY_CONFIG`).
    pub(crate) provider: StaticProvider,
    /// The session token keys (secret `SESSION_TOKEN_KEY`); STS is on when set.
    pub(crate) session_token_key: Option<TokenKey>,
    /// Uploads larger than this get `EntityTooLarge` (`MAX_UPLOAD_BYTES`).
    pub(crate) max_upload_bytes: u64,
    /// Where STS is served (`STS_PATH`), when not at the default path.
    pub(crate) sts_path: Option<String>,
    /// Whether OIDC issuers may be plain HTTP (`INSECURE_ALLOW_HTTP_OIDC_ISSUERS`, tests).
    pub(crate) issuer_transport: IssuerTransport,
    /// The region clients must sign for (`REGION`).
    pub(crate) region: Option<String>,
    /// Virtual-hosted-style requests to `<bucket>.<domain>` (`VIRTUAL_HOST_DOMAIN`).
    pub(crate) virtual_host_domain: Option<String>,
}

/// Why the settings are unusable.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SettingsError {
    /// `PROXY_CONFIG` is not bound.
    #[error(
        "PROXY_CONFIG is not set: bind the configuration (JSON or TOML text, or a table in [vars])"
    )]
    MissingConfig,
    /// `PROXY_CONFIG` is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `SESSION_TOKEN_KEY` is malformed.
    #[error("SESSION_TOKEN_KEY is malformed: {0}")]
    SessionTokenKey(String),
    /// A numeric or boolean variable is not one.
    #[error("{name} must be {expected}, not `{value}`")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
}

impl Settings {
    /// Reads the settings from `env`. `${NAME}` references in `PROXY_CONFIG` are replaced by
    /// the text bindings (vars and secrets) of that name.
    pub(crate) fn from_env(env: &Env) -> Result<Self, SettingsError> {
        let (text, format) = config_text(env)?;
        let provider =
            StaticProvider::from_str_with_variables(&text, "PROXY_CONFIG", format, |name| {
                text_binding(env, name)
            })?;
        let session_token_key = text_binding(env, "SESSION_TOKEN_KEY")
            .filter(|keys| !keys.trim().is_empty())
            .map(|keys| TokenKey::from_base64_list(&keys))
            .transpose()
            .map_err(|error| match error {
                StsError::InvalidTokenKey(reason) => SettingsError::SessionTokenKey(reason),
                other => SettingsError::SessionTokenKey(other.to_string()),
            })?;
        let max_upload_bytes = match text_binding(env, "MAX_UPLOAD_BYTES") {
            None => DEFAULT_MAX_UPLOAD_BYTES,
            Some(value) => value.trim().parse().map_err(|_| SettingsError::Invalid {
                name: "MAX_UPLOAD_BYTES",
                expected: "a number of bytes",
                value,
            })?,
        };
        let issuer_transport =
            match text_binding(env, "INSECURE_ALLOW_HTTP_OIDC_ISSUERS").as_deref() {
                None | Some("false") => IssuerTransport::HttpsOnly,
                Some("true") => IssuerTransport::AllowPlainHttp,
                Some(other) => {
                    return Err(SettingsError::Invalid {
                        name: "INSECURE_ALLOW_HTTP_OIDC_ISSUERS",
                        expected: "`true` or `false`",
                        value: other.to_owned(),
                    });
                }
            };
        Ok(Self {
            provider,
            session_token_key,
            max_upload_bytes,
            sts_path: text_binding(env, "STS_PATH"),
            issuer_transport,
            region: text_binding(env, "REGION"),
            virtual_host_domain: text_binding(env, "VIRTUAL_HOST_DOMAIN"),
        })
    }
}

/// How much the gateway logs (`LOG_LEVEL`: `error`, `warn`, `info`, `debug` or `trace`;
/// `info`, with one access-log line per request, when unset or unreadable).
pub(crate) fn log_level(env: &Env) -> Level {
    text_binding(env, "LOG_LEVEL")
        .and_then(|level| level.trim().parse().ok())
        .unwrap_or(Level::INFO)
}

/// `PROXY_CONFIG` as text: a string binding is JSON when it starts with `{`, TOML
/// otherwise; a table in `[vars]` arrives as an object and is read as JSON.
fn config_text(env: &Env) -> Result<(String, ConfigFormat), SettingsError> {
    let value = binding(env, "PROXY_CONFIG").ok_or(SettingsError::MissingConfig)?;
    if let Some(text) = value.as_string() {
        let format = if text.trim_start().starts_with('{') {
            ConfigFormat::Json
        } else {
            ConfigFormat::Toml
        };
        return Ok((text, format));
    }
    let json = js_sys::JSON::stringify(&value).map_err(|_| SettingsError::MissingConfig)?;
    Ok((String::from(json), ConfigFormat::Json))
}

/// A binding that is set (not `undefined` or `null`).
fn binding(env: &Env, name: &str) -> Option<JsValue> {
    js_sys::Reflect::get(env.as_ref(), &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// A text binding (a var or a secret).
fn text_binding(env: &Env, name: &str) -> Option<String> {
    binding(env, name)?.as_string()
}
