//! Minting temporary credentials for a verified identity.

use chrono::{DateTime, Duration, DurationRound, Utc};
use multistore::SecretString;
use multistore::config::{RoleConfig, TemporaryCredentials};

use crate::StsError;
use crate::ids::{access_key_id, secret_access_key};
use crate::scope_template::resolve_scopes;
use crate::verifier::VerifiedWebIdentity;

/// The shortest session, in seconds (AWS's minimum for `DurationSeconds`).
pub const MIN_SESSION_SECS: u64 = 900;
/// The session length when `DurationSeconds` is absent, in seconds.
pub const DEFAULT_SESSION_SECS: u64 = 3600;

/// `requested` (or the default) clamped to [[`MIN_SESSION_SECS`], the role's maximum].
pub(crate) fn session_duration(requested: Option<u64>, role: &RoleConfig) -> u64 {
    let longest = role.max_session_duration_secs.max(MIN_SESSION_SECS);
    requested
        .unwrap_or(DEFAULT_SESSION_SECS)
        .clamp(MIN_SESSION_SECS, longest)
}

/// Fresh credentials for `identity` in `role`, valid for `duration_secs` from `now`, with
/// the role's scopes filled from the token's claims. The session token is not set yet.
pub(crate) fn mint_credentials(
    role: &RoleConfig,
    identity: &VerifiedWebIdentity,
    duration_secs: u64,
    now: DateTime<Utc>,
) -> Result<TemporaryCredentials, StsError> {
    let start = now
        .duration_trunc(Duration::seconds(1))
        .map_err(|e| StsError::Internal(e.to_string()))?;
    let seconds = i64::try_from(duration_secs).unwrap_or(i64::MAX);
    Ok(TemporaryCredentials {
        access_key_id: access_key_id()?,
        secret_access_key: secret_access_key()?,
        session_token: SecretString::default(),
        expiration: start + Duration::seconds(seconds),
        allowed_scopes: resolve_scopes(&role.allowed_scopes, &identity.claims.all),
        assumed_role_id: role.role_id.clone(),
        source_identity: identity.claims.subject.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(max: u64) -> RoleConfig {
        RoleConfig {
            role_id: "r".into(),
            name: "r".into(),
            trusted_oidc_issuers: vec![],
            required_audiences: vec![],
            subject_conditions: vec![],
            max_session_duration_secs: max,
            allowed_scopes: vec![],
        }
    }

    #[test]
    fn durations_are_clamped() {
        assert_eq!(session_duration(None, &role(7200)), 3600);
        assert_eq!(session_duration(None, &role(1800)), 1800);
        assert_eq!(session_duration(Some(60), &role(7200)), 900);
        assert_eq!(session_duration(Some(5000), &role(7200)), 5000);
        assert_eq!(session_duration(Some(99_999), &role(7200)), 7200);
        assert_eq!(session_duration(Some(3600), &role(100)), 900);
    }
}
