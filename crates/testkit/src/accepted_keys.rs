//! [`AcceptedKeys`]: the key pairs an [`S3Server`](crate::S3Server) accepts, changeable
//! while it runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use s3s::S3Result;
use s3s::auth::{S3Auth, SecretKey};

/// A shared, changeable set of key pairs: add the new key and remove the old one to
/// rotate a running server's credentials. Clones share the set.
#[derive(Debug, Clone, Default)]
pub struct AcceptedKeys(Arc<Mutex<HashMap<String, String>>>);

impl AcceptedKeys {
    /// A set holding one key pair.
    pub fn single(access_key: &str, secret_key: &str) -> Self {
        let keys = Self::default();
        keys.add(access_key, secret_key);
        keys
    }

    /// Accepts `access_key` with `secret_key` from now on.
    pub fn add(&self, access_key: &str, secret_key: &str) {
        self.keys()
            .insert(access_key.to_owned(), secret_key.to_owned());
    }

    /// Refuses `access_key` from now on.
    pub fn remove(&self, access_key: &str) {
        self.keys().remove(access_key);
    }

    fn keys(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait::async_trait]
impl S3Auth for AcceptedKeys {
    async fn get_secret_key(&self, access_key: &str) -> S3Result<SecretKey> {
        match self.keys().get(access_key) {
            Some(secret) => Ok(SecretKey::from(secret.clone())),
            None => Err(s3s::s3_error!(InvalidAccessKeyId)),
        }
    }
}
