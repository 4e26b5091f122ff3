//! Looking up long-lived keys and assumable roles.

use std::future::Future;

use crate::config::{RoleConfig, StoredCredential};
use crate::{MaybeSend, MaybeSync, ProxyError};

/// Credential and role lookup for authentication.
///
/// `Ok(None)` means "no such key/role"; `Err` means the lookup itself failed (a database
/// down, say) and is reported as a server error rather than as a bad key.
pub trait CredentialRegistry: MaybeSend + MaybeSync + 'static {
    /// The long-lived credential with this access key id.
    fn get_credential(
        &self,
        access_key_id: &str,
    ) -> impl Future<Output = Result<Option<StoredCredential>, ProxyError>> + MaybeSend;

    /// The role with this id, for STS `AssumeRoleWithWebIdentity`.
    fn get_role(
        &self,
        role_id: &str,
    ) -> impl Future<Output = Result<Option<RoleConfig>, ProxyError>> + MaybeSend;
}

impl<T: CredentialRegistry> CredentialRegistry for std::sync::Arc<T> {
    fn get_credential(
        &self,
        access_key_id: &str,
    ) -> impl Future<Output = Result<Option<StoredCredential>, ProxyError>> + MaybeSend {
        (**self).get_credential(access_key_id)
    }

    fn get_role(
        &self,
        role_id: &str,
    ) -> impl Future<Output = Result<Option<RoleConfig>, ProxyError>> + MaybeSend {
        (**self).get_role(role_id)
    }
}
