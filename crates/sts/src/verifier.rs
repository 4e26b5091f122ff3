//! Verifying a web identity token against a role.

use chrono::{DateTime, Utc};
use multistore::config::RoleConfig;

use crate::StsError;
use crate::fetch::HttpsFetcher;
use crate::jwt::{Claims, CompactJws, KeyMatch, VerificationKey, select};
use crate::oidc::IssuerKeys;

/// A token that verified, with the claims the role's conditions admitted.
#[derive(Debug, Clone)]
pub(crate) struct VerifiedWebIdentity {
    /// The token's claims.
    pub(crate) claims: Claims,
    /// The audience reported back (the one that matched, or the token's first).
    pub(crate) audience: String,
}

/// Whether a key set settled a token's signature.
enum Signature {
    Valid,
    UnknownKey,
}

/// Verifies `token` for `role` at `now`.
///
/// In order: the compact form and the algorithm allow-list; the issuer, compared exactly
/// with the role's trusted issuers *before anything is fetched*; the signature, with the
/// issuer's key named by `kid` (refetching the keys once, rate-limited, when the `kid` is
/// unknown); then `exp`/`nbf`/`iat`, the audience and the subject.
pub(crate) async fn verify_web_identity<F: HttpsFetcher>(
    keys: &IssuerKeys<F>,
    token: &str,
    role: &RoleConfig,
    now: DateTime<Utc>,
) -> Result<VerifiedWebIdentity, StsError> {
    let jws = CompactJws::parse(token)?;
    let claims = Claims::parse(&jws.payload)?;
    if !role
        .trusted_oidc_issuers
        .iter()
        .any(|trusted| trusted == &claims.issuer)
    {
        return Err(StsError::InvalidIdentityToken(
            "No OpenIDConnect provider trusted by the role issued this token.".into(),
        ));
    }

    let current = keys.current(&claims.issuer, now).await?;
    if let Signature::UnknownKey = check_signature(&current, &jws)? {
        let Some(refetched) = keys.refetch(&claims.issuer, now).await? else {
            return Err(unknown_key());
        };
        if let Signature::UnknownKey = check_signature(&refetched, &jws)? {
            return Err(unknown_key());
        }
    }

    claims.check_times(now)?;
    let audience = claims.check_audience(&role.required_audiences)?;
    claims.check_subject(&role.subject_conditions)?;
    Ok(VerifiedWebIdentity { claims, audience })
}

fn check_signature(keys: &[VerificationKey], jws: &CompactJws<'_>) -> Result<Signature, StsError> {
    match select(keys, jws.kid.as_deref(), jws.algorithm) {
        KeyMatch::Found(candidates) if candidates.iter().any(|key| key.verifies(jws)) => {
            Ok(Signature::Valid)
        }
        KeyMatch::Found(_) => Err(StsError::InvalidIdentityToken(
            "The web identity token's signature is not valid.".into(),
        )),
        KeyMatch::WrongType => Err(StsError::InvalidIdentityToken(
            "The web identity token's algorithm does not match its key.".into(),
        )),
        KeyMatch::Unknown => Ok(Signature::UnknownKey),
    }
}

fn unknown_key() -> StsError {
    StsError::InvalidIdentityToken(
        "The identity provider publishes no key matching the web identity token's key id.".into(),
    )
}
