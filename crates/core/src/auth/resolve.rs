//! Identity resolution: from a request's signature to a verified caller.

use chrono::{DateTime, Utc};

use super::ResolvedIdentity;
use super::sigv4::{SignatureClaims, SigningKeyCache, VerifiedSignature, parse_claims};
use crate::ProxyError;
use crate::api::RequestInfo;
use crate::registry::{CredentialRegistry, TemporaryCredentialResolver};

/// A caller whose signature, if any, has verified.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// Who is calling.
    pub identity: ResolvedIdentity,
    /// The verified signature (absent for anonymous callers); streaming uploads continue
    /// its chain.
    pub signature: Option<VerifiedSignature>,
}

/// Everything identity resolution consults.
#[derive(Debug)]
pub struct IdentityResolver<'a, C, T> {
    /// Long-lived keys.
    pub credentials: &'a C,
    /// Session tokens.
    pub temporary: &'a T,
    /// The region signatures must name; `None` accepts the region the client signed for.
    pub region: Option<&'a str>,
    /// Derived signing keys.
    pub signing_keys: &'a SigningKeyCache,
}

impl<C: CredentialRegistry, T: TemporaryCredentialResolver> IdentityResolver<'_, C, T> {
    /// Resolves the caller of `info` at time `now`.
    ///
    /// In order: a request with a session token is verified with the temporary credentials
    /// the token seals; a signed request without one, with the long-lived credential of its
    /// access key id; an unsigned request is anonymous. Key state (disabled, expired) is
    /// revealed only after the signature has verified, so it cannot be probed.
    pub async fn resolve(
        &self,
        info: &RequestInfo,
        now: DateTime<Utc>,
    ) -> Result<Authenticated, ProxyError> {
        let Some(claims) = parse_claims(info)? else {
            return Ok(Authenticated {
                identity: ResolvedIdentity::Anonymous,
                signature: None,
            });
        };
        claims.check(info, now, self.region)?;
        match claims.session_token.clone() {
            Some(token) => self.resolve_temporary(info, claims, &token, now).await,
            None => self.resolve_long_lived(info, claims, now).await,
        }
    }

    async fn resolve_temporary(
        &self,
        info: &RequestInfo,
        claims: SignatureClaims,
        token: &str,
        now: DateTime<Utc>,
    ) -> Result<Authenticated, ProxyError> {
        let credentials = self
            .temporary
            .resolve(token, &claims.credential.access_key_id, now)
            .await?;
        if credentials.access_key_id != claims.credential.access_key_id {
            return Err(ProxyError::InvalidToken);
        }
        let signature = claims.verify(info, &credentials.secret_access_key, self.signing_keys)?;
        if credentials.expiration <= now {
            return Err(ProxyError::ExpiredToken);
        }
        Ok(Authenticated {
            identity: ResolvedIdentity::Temporary(Box::new(credentials)),
            signature: Some(signature),
        })
    }

    async fn resolve_long_lived(
        &self,
        info: &RequestInfo,
        claims: SignatureClaims,
        now: DateTime<Utc>,
    ) -> Result<Authenticated, ProxyError> {
        let credential = self
            .credentials
            .get_credential(&claims.credential.access_key_id)
            .await?
            .ok_or(ProxyError::InvalidAccessKeyId)?;
        let signature = claims.verify(info, &credential.secret_access_key, self.signing_keys)?;
        if !credential.enabled {
            return Err(ProxyError::AccessDenied(
                "The access key is disabled.".into(),
            ));
        }
        if credential.expires_at.is_some_and(|expiry| expiry <= now) {
            return Err(ProxyError::AccessDenied(
                "The access key has expired.".into(),
            ));
        }
        Ok(Authenticated {
            identity: ResolvedIdentity::LongLived(Box::new(credential)),
            signature: Some(signature),
        })
    }
}
