//! [`SharedCredentials`] and [`SharedTemporary`]: any [`CredentialRegistry`] and any
//! [`TemporaryCredentialResolver`] behind one type each, so that the gateway's type does
//! not depend on which ones it was given.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{CredentialRegistry, TemporaryCredentialResolver};
use crate::config::{RoleConfig, StoredCredential, TemporaryCredentials};
use crate::{BoxFuture, MaybeSend, MaybeSync, ProxyError};

/// [`CredentialRegistry`] with boxed futures, so that it can be a trait object.
trait DynCredentialRegistry: MaybeSend + MaybeSync {
    fn get_credential<'a>(
        &'a self,
        access_key_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StoredCredential>, ProxyError>>;

    fn get_role<'a>(
        &'a self,
        role_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RoleConfig>, ProxyError>>;
}

impl<C: CredentialRegistry> DynCredentialRegistry for C {
    fn get_credential<'a>(
        &'a self,
        access_key_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<StoredCredential>, ProxyError>> {
        Box::pin(CredentialRegistry::get_credential(self, access_key_id))
    }

    fn get_role<'a>(
        &'a self,
        role_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<RoleConfig>, ProxyError>> {
        Box::pin(CredentialRegistry::get_role(self, role_id))
    }
}

/// A type-erased [`CredentialRegistry`], cheap to clone.
#[derive(Clone)]
pub(crate) struct SharedCredentials(Arc<dyn DynCredentialRegistry>);

impl SharedCredentials {
    /// Erases `registry`.
    pub(crate) fn new(registry: impl CredentialRegistry) -> Self {
        Self(Arc::new(registry))
    }
}

impl CredentialRegistry for SharedCredentials {
    async fn get_credential(
        &self,
        access_key_id: &str,
    ) -> Result<Option<StoredCredential>, ProxyError> {
        // The async block borrows each argument for its own lifetime.
        self.0.get_credential(access_key_id).await
    }

    async fn get_role(&self, role_id: &str) -> Result<Option<RoleConfig>, ProxyError> {
        self.0.get_role(role_id).await
    }
}

/// [`TemporaryCredentialResolver`] with a boxed future, so that it can be a trait object.
trait DynTemporaryResolver: MaybeSend + MaybeSync {
    fn resolve<'a>(
        &'a self,
        session_token: &'a str,
        access_key_id: &'a str,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProxyError>>;
}

impl<T: TemporaryCredentialResolver> DynTemporaryResolver for T {
    fn resolve<'a>(
        &'a self,
        session_token: &'a str,
        access_key_id: &'a str,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<TemporaryCredentials, ProxyError>> {
        Box::pin(TemporaryCredentialResolver::resolve(
            self,
            session_token,
            access_key_id,
            now,
        ))
    }
}

/// A type-erased [`TemporaryCredentialResolver`], cheap to clone.
#[derive(Clone)]
pub(crate) struct SharedTemporary(Arc<dyn DynTemporaryResolver>);

impl SharedTemporary {
    /// Erases `resolver`.
    pub(crate) fn new(resolver: impl TemporaryCredentialResolver) -> Self {
        Self(Arc::new(resolver))
    }
}

impl TemporaryCredentialResolver for SharedTemporary {
    async fn resolve(
        &self,
        session_token: &str,
        access_key_id: &str,
        now: DateTime<Utc>,
    ) -> Result<TemporaryCredentials, ProxyError> {
        self.0.resolve(session_token, access_key_id, now).await
    }
}
