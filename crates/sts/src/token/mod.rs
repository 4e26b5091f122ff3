//! [`TokenKey`]: temporary credentials sealed into the session token itself.

mod format;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use multistore::config::TemporaryCredentials;
use multistore::registry::TemporaryCredentialResolver;
use multistore::{ProxyError, SecretString};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use format::{KEY_ID_LEN, NONCE_LEN};
pub use format::{MAX_SEALED_PAYLOAD_LEN, MAX_SESSION_TOKEN_LEN};

use crate::StsError;

/// The AES-256-GCM keys that seal and open session tokens: one current key, which seals,
/// and any number of previous keys, which still open the tokens they sealed.
///
/// No database is involved: the session token carries the temporary credentials (access
/// key id, secret, expiry, scopes, role, subject) encrypted and authenticated, so every
/// gateway instance holding the key accepts it. Each key has a 4-byte id derived from the
/// key, written in clear into the token, so rotation is: put the new key first, keep the
/// old one after it until the longest session sealed with it has expired, then drop it.
/// Tokens sealed with a dropped key are rejected. See [`MAX_SESSION_TOKEN_LEN`] for the
/// size bound and the module source for the byte layout.
///
/// ```
/// use chrono::{Duration, Utc};
/// use multistore::SecretString;
/// use multistore::config::TemporaryCredentials;
/// use multistore_sts::TokenKey;
///
/// let key = TokenKey::from_base64_list("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
/// let credentials = TemporaryCredentials {
///     access_key_id: "ASIAEXAMPLEEXAMPLE00".into(),
///     secret_access_key: SecretString::new("temporary-secret"),
///     session_token: SecretString::default(),
///     expiration: Utc::now() + Duration::hours(1),
///     allowed_scopes: vec![],
///     assumed_role_id: "analysts".into(),
///     source_identity: "repo:example/data:ref:refs/heads/main".into(),
/// };
/// let token = key.seal(&credentials).unwrap();
/// let opened = key.unseal(token.expose(), "ASIAEXAMPLEEXAMPLE00", Utc::now()).unwrap();
/// assert_eq!(opened.secret_access_key.expose(), "temporary-secret");
/// // Bound to its access key id:
/// assert!(key.unseal(token.expose(), "ASIAOTHER", Utc::now()).is_err());
/// ```
#[derive(Clone)]
pub struct TokenKey {
    /// The current key first, then previous keys.
    keys: Arc<[SealingKey]>,
}

/// One key and its id.
#[derive(Clone)]
struct SealingKey {
    id: [u8; KEY_ID_LEN],
    cipher: Aes256Gcm,
}

impl SealingKey {
    fn new(key: &[u8; TokenKey::KEY_LEN]) -> Self {
        let digest = Sha256::new()
            .chain_update(b"multistore-sts token key id\0")
            .chain_update(key)
            .finalize();
        let mut id = [0; KEY_ID_LEN];
        id.copy_from_slice(&digest[..KEY_ID_LEN]);
        let cipher = Aes256Gcm::new_from_slice(key).expect("AES-256 takes 32-byte keys");
        Self { id, cipher }
    }
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKey")
            .field("key_ids", &self.key_ids())
            .finish()
    }
}

impl TokenKey {
    /// Bytes of one key.
    pub const KEY_LEN: usize = 32;

    /// A key set with `current` as its only key.
    pub fn new(current: &[u8; Self::KEY_LEN]) -> Self {
        Self {
            keys: Arc::new([SealingKey::new(current)]),
        }
    }

    /// Adds `previous`, which opens tokens but seals none. Errors if the key is already in
    /// the set.
    pub fn with_previous(self, previous: &[u8; Self::KEY_LEN]) -> Result<Self, StsError> {
        let key = SealingKey::new(previous);
        if self.keys.iter().any(|held| held.id == key.id) {
            return Err(StsError::InvalidTokenKey(
                "the same key is listed twice".into(),
            ));
        }
        let mut keys = self.keys.to_vec();
        keys.push(key);
        Ok(Self { keys: keys.into() })
    }

    /// Reads a comma-separated list of base64-encoded 32-byte keys (as in
    /// `SESSION_TOKEN_KEY`), the current key first. `openssl rand -base64 32` makes one.
    /// Errors never repeat key material.
    pub fn from_base64_list(list: &str) -> Result<Self, StsError> {
        let entries: Vec<&str> = list.split(',').map(str::trim).collect();
        let count = entries.len();
        let mut keys: Option<Self> = None;
        for (index, entry) in entries.into_iter().enumerate() {
            let position = || {
                if count == 1 {
                    "the key".to_owned()
                } else {
                    format!("key {} of {count}", index + 1)
                }
            };
            if entry.is_empty() {
                return Err(StsError::InvalidTokenKey(format!(
                    "{} is empty",
                    position()
                )));
            }
            let decoded = Zeroizing::new(STANDARD.decode(entry).map_err(|_| {
                StsError::InvalidTokenKey(format!("{} is not valid base64", position()))
            })?);
            let bytes: Zeroizing<[u8; Self::KEY_LEN]> =
                Zeroizing::new(decoded.as_slice().try_into().map_err(|_| {
                    StsError::InvalidTokenKey(format!(
                        "{} decodes to {} bytes; a key is {} bytes",
                        position(),
                        decoded.len(),
                        Self::KEY_LEN
                    ))
                })?);
            keys = Some(match keys {
                None => Self::new(&bytes),
                Some(set) => set.with_previous(&bytes)?,
            });
        }
        keys.ok_or_else(|| StsError::InvalidTokenKey("no key given".into()))
    }

    /// The ids of the keys held (hex), the current key's first. Safe to log.
    pub fn key_ids(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|key| key.id.iter().map(|b| format!("{b:02x}")).collect())
            .collect()
    }

    /// Seals `credentials` with the current key into a session token bound to their access
    /// key id. Errors with [`StsError::PackedPolicyTooLarge`] when the token would exceed
    /// [`MAX_SESSION_TOKEN_LEN`].
    pub fn seal(&self, credentials: &TemporaryCredentials) -> Result<SecretString, StsError> {
        let plaintext = Zeroizing::new(
            serde_json::to_vec(credentials).map_err(|e| StsError::Internal(e.to_string()))?,
        );
        if plaintext.len() > MAX_SEALED_PAYLOAD_LEN {
            return Err(StsError::PackedPolicyTooLarge(format!(
                "The role's scopes need {} bytes in the session token; at most {MAX_SEALED_PAYLOAD_LEN} fit.",
                plaintext.len()
            )));
        }
        let key = &self.keys[0];
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| StsError::Internal(e.to_string()))?;
        let aad = format::associated_data(&key.id, &credentials.access_key_id);
        let ciphertext = key
            .cipher
            .encrypt(
                &nonce.into(),
                Payload {
                    msg: &plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| StsError::Internal("sealing failed".into()))?;
        Ok(SecretString::new(format::encode(
            &key.id,
            &nonce,
            &ciphertext,
        )))
    }

    /// Opens `session_token` presented with `access_key_id` at time `now`.
    ///
    /// Errors with [`StsError::InvalidSessionToken`] for a token that is malformed,
    /// tampered with, sealed with a key not held, or bound to another access key id, and
    /// [`StsError::ExpiredSessionToken`] for one past its expiry.
    pub fn unseal(
        &self,
        session_token: &str,
        access_key_id: &str,
        now: DateTime<Utc>,
    ) -> Result<TemporaryCredentials, StsError> {
        let parts = format::decode(session_token)?;
        let key = self
            .keys
            .iter()
            .find(|key| key.id == parts.key_id)
            .ok_or(StsError::InvalidSessionToken)?;
        let aad = format::associated_data(&key.id, access_key_id);
        let plaintext = Zeroizing::new(
            key.cipher
                .decrypt(
                    &parts.nonce.into(),
                    Payload {
                        msg: &parts.ciphertext,
                        aad: &aad,
                    },
                )
                .map_err(|_| StsError::InvalidSessionToken)?,
        );
        let mut credentials: TemporaryCredentials =
            serde_json::from_slice(&plaintext).map_err(|_| StsError::InvalidSessionToken)?;
        if credentials.access_key_id != access_key_id {
            return Err(StsError::InvalidSessionToken);
        }
        if credentials.expiration <= now {
            return Err(StsError::ExpiredSessionToken);
        }
        credentials.session_token = SecretString::new(session_token);
        Ok(credentials)
    }
}

impl TemporaryCredentialResolver for TokenKey {
    async fn resolve(
        &self,
        session_token: &str,
        access_key_id: &str,
        now: DateTime<Utc>,
    ) -> Result<TemporaryCredentials, ProxyError> {
        self.unseal(session_token, access_key_id, now)
            .map_err(ProxyError::from)
    }
}
