//! Turning a session token into the temporary credentials it stands for.

use std::future::Future;

use chrono::{DateTime, Utc};

use crate::config::TemporaryCredentials;
use crate::{MaybeSend, MaybeSync, ProxyError};

/// Resolves `x-amz-security-token` values into [`TemporaryCredentials`].
///
/// The core calls this during identity resolution without knowing the token format;
/// `multistore-sts`'s `TokenKey` implements it with sealed AES-256-GCM tokens.
pub trait TemporaryCredentialResolver: MaybeSend + MaybeSync + 'static {
    /// Resolves `session_token`, presented together with `access_key_id`, at time `now`.
    ///
    /// Errors with `InvalidToken` for a token that is malformed, tampered with, or bound to
    /// another access key id, and `ExpiredToken` for one past its expiry.
    fn resolve(
        &self,
        session_token: &str,
        access_key_id: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<TemporaryCredentials, ProxyError>> + MaybeSend;
}

/// The resolver of a gateway without STS: every session token is refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTemporaryCredentials;

impl TemporaryCredentialResolver for NoTemporaryCredentials {
    async fn resolve(
        &self,
        _session_token: &str,
        _access_key_id: &str,
        _now: DateTime<Utc>,
    ) -> Result<TemporaryCredentials, ProxyError> {
        Err(ProxyError::InvalidToken)
    }
}
