//! Who may call the gateway: long-lived keys, roles, and the temporary keys minted for them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AccessScope;
use crate::SecretString;

/// A long-lived access key pair and what it may do.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredCredential {
    /// The public half, sent by clients in every signature.
    pub access_key_id: String,
    /// The signing secret.
    pub secret_access_key: SecretString,
    /// A human-readable name for logs (who this key belongs to).
    pub principal_name: String,
    /// When the key was issued.
    pub created_at: DateTime<Utc>,
    /// When the key stops working, if ever.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// A disabled key is refused with `AccessDenied`.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// What the key may do.
    #[serde(default)]
    pub allowed_scopes: Vec<AccessScope>,
}

fn enabled_by_default() -> bool {
    true
}

/// A role that OIDC identities may assume through STS `AssumeRoleWithWebIdentity`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleConfig {
    /// The identifier clients put in `RoleArn` (bare or as `…:role/<role_id>`).
    pub role_id: String,
    /// A human-readable name.
    pub name: String,
    /// Issuers (`iss`, compared exactly) whose tokens may assume the role.
    pub trusted_oidc_issuers: Vec<String>,
    /// When not empty, the token's `aud` must contain one of these.
    #[serde(default)]
    pub required_audiences: Vec<String>,
    /// When not empty, the token's `sub` must match one of these globs (`*` wildcards).
    #[serde(default)]
    pub subject_conditions: Vec<String>,
    /// The longest session that may be minted, in seconds (at least 900).
    #[serde(default = "default_max_session")]
    pub max_session_duration_secs: u64,
    /// Scopes granted to sessions; `{claim}` placeholders are filled from token claims.
    #[serde(default)]
    pub allowed_scopes: Vec<AccessScope>,
}

fn default_max_session() -> u64 {
    3600
}

/// Temporary credentials minted by STS and carried inside a session token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemporaryCredentials {
    /// The temporary access key id (starts with `ASIA`, as AWS's do).
    pub access_key_id: String,
    /// The temporary signing secret.
    #[serde(with = "secret_serde")]
    pub secret_access_key: SecretString,
    /// The session token clients send as `x-amz-security-token`.
    #[serde(skip)]
    pub session_token: SecretString,
    /// When the credentials stop working.
    pub expiration: DateTime<Utc>,
    /// What the session may do, with claim templates already resolved.
    pub allowed_scopes: Vec<AccessScope>,
    /// The role that was assumed.
    pub assumed_role_id: String,
    /// The subject (`sub`) of the web identity token.
    pub source_identity: String,
}

/// Serializes a [`SecretString`] as its value: used only to seal credentials into an
/// encrypted session token.
mod secret_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::SecretString;

    pub(super) fn serialize<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(secret.expose())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
        SecretString::deserialize(d)
    }
}
