//! Who is calling.

use crate::config::{AccessScope, StoredCredential, TemporaryCredentials};

/// The caller of a request, once its signature has been verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedIdentity {
    /// No credentials were presented.
    Anonymous,
    /// A long-lived access key.
    LongLived(Box<StoredCredential>),
    /// Temporary credentials from a session token.
    Temporary(Box<TemporaryCredentials>),
}

impl ResolvedIdentity {
    /// A name for logs: the key's principal, the session's role and subject, or
    /// `anonymous`. Never a secret.
    pub fn principal(&self) -> String {
        match self {
            Self::Anonymous => "anonymous".to_owned(),
            Self::LongLived(credential) => credential.principal_name.clone(),
            Self::Temporary(credentials) => format!(
                "{}/{}",
                credentials.assumed_role_id, credentials.source_identity
            ),
        }
    }

    /// The scopes granted to the caller (none for anonymous callers, whose access comes
    /// from buckets marked `anonymous_access`).
    pub fn scopes(&self) -> &[AccessScope] {
        match self {
            Self::Anonymous => &[],
            Self::LongLived(credential) => &credential.allowed_scopes,
            Self::Temporary(credentials) => &credentials.allowed_scopes,
        }
    }

    /// The role behind temporary credentials.
    pub fn role(&self) -> Option<&str> {
        match self {
            Self::Temporary(credentials) => Some(&credentials.assumed_role_id),
            _ => None,
        }
    }

    /// The access key id the request was signed with, if any.
    pub fn access_key_id(&self) -> Option<&str> {
        match self {
            Self::Anonymous => None,
            Self::LongLived(credential) => Some(&credential.access_key_id),
            Self::Temporary(credentials) => Some(&credentials.access_key_id),
        }
    }
}
