//! [`BackendCredentials`]: what the gateway presents to a bucket's backend, and until when.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::SecretString;
use crate::config::BucketConfig;

/// The credentials the gateway uses towards one bucket's backend, with an optional expiry.
///
/// Supplied per request by a [`BackendCredentialSource`](super::BackendCredentialSource):
/// fixed keys from the configuration, or temporary keys fetched again once they expire.
/// Every secret is a [`SecretString`]: `Debug` shows the kind, the access key id and the
/// names of secret options, never a secret.
///
/// ```
/// use multistore::backend::BackendCredentials;
/// let keys = BackendCredentials::s3("AKIDEXAMPLE", "wJalrXUtnFEMI".into(), None);
/// assert!(!format!("{keys:?}").contains("wJalrXUtnFEMI"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendCredentials {
    secret: BackendSecret,
    expires_at: Option<DateTime<Utc>>,
}

/// What a backend kind needs to authenticate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BackendSecret {
    /// No credentials: anonymous S3 backends (`skip_signature`), memory and local stores.
    Anonymous,
    /// An S3 key pair, with a session token for temporary keys.
    S3(S3Keys),
    /// Secret options for an `object_store` builder, by its option name: an Azure
    /// `access_key`, SAS or bearer token, a GCS `service_account_key` …
    StoreOptions(BTreeMap<String, SecretString>),
}

/// An S3 key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Keys {
    /// The access key id (an identifier, not a secret).
    pub access_key_id: String,
    /// The signing secret.
    pub secret_access_key: SecretString,
    /// The session token of temporary keys.
    pub session_token: Option<SecretString>,
}

impl BackendCredentials {
    /// No credentials.
    pub fn anonymous() -> Self {
        Self::from_secret(BackendSecret::Anonymous)
    }

    /// An S3 key pair, with `session_token` for temporary keys.
    pub fn s3(
        access_key_id: impl Into<String>,
        secret_access_key: SecretString,
        session_token: Option<SecretString>,
    ) -> Self {
        Self::from_secret(BackendSecret::S3(S3Keys {
            access_key_id: access_key_id.into(),
            secret_access_key,
            session_token,
        }))
    }

    /// Secret options for an `object_store` builder (`access_key`, `sas_key`,
    /// `bearer_token`, `service_account_key` …).
    pub fn store_options<K: Into<String>>(
        options: impl IntoIterator<Item = (K, SecretString)>,
    ) -> Self {
        Self::from_secret(BackendSecret::StoreOptions(
            options
                .into_iter()
                .map(|(name, value)| (name.into(), value))
                .collect(),
        ))
    }

    /// Credentials of any kind, without expiry.
    pub fn from_secret(secret: BackendSecret) -> Self {
        Self {
            secret,
            expires_at: None,
        }
    }

    /// The same credentials, valid until `expires_at`.
    pub fn expiring_at(mut self, expires_at: DateTime<Utc>) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// What the backend is shown.
    pub fn secret(&self) -> &BackendSecret {
        &self.secret
    }

    /// When the credentials stop working; `None` for credentials that do not expire.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// Whether the credentials have stopped working at `now`.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// Identifies what a signer or store was built from: a bucket's kind and settings and the
/// credentials it was given. Any change of those changes the generation.
///
/// A SHA-256 digest over length-prefixed fields: it does not reveal the secrets it covers,
/// and `Debug` shows only its first bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Generation([u8; 32]);

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Generation({})", hex::encode(&self.0[..4]))
    }
}

impl Generation {
    /// The generation of what `bucket` and `credentials` build.
    pub(crate) fn of(bucket: &BucketConfig, credentials: &BackendCredentials) -> Self {
        let mut digest = Fields(Sha256::new());
        digest.text(bucket.backend_type.as_str());
        for (name, value) in bucket.backend_options.iter() {
            digest.text(name);
            digest.text(value);
        }
        digest.text("|credentials");
        match &credentials.secret {
            BackendSecret::Anonymous => digest.text("anonymous"),
            BackendSecret::S3(keys) => {
                digest.text("s3");
                digest.text(&keys.access_key_id);
                digest.text(keys.secret_access_key.expose());
                if let Some(token) = &keys.session_token {
                    digest.text(token.expose());
                }
            }
            BackendSecret::StoreOptions(options) => {
                digest.text("options");
                for (name, value) in options {
                    digest.text(name);
                    digest.text(value.expose());
                }
            }
        }
        if let Some(at) = credentials.expires_at {
            digest.text(&at.timestamp_micros().to_string());
        }
        Self(digest.0.finalize().into())
    }
}

/// A digest fed with length-prefixed fields, so that no two field lists collide.
struct Fields(Sha256);

impl Fields {
    fn text(&mut self, value: &str) {
        self.0.update((value.len() as u64).to_be_bytes());
        self.0.update(value.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::config::{BackendOptions, BackendType};

    fn bucket(options: &[(&str, &str)]) -> BucketConfig {
        BucketConfig {
            name: "b".into(),
            backend_type: BackendType::S3,
            backend_prefix: None,
            anonymous_access: false,
            allowed_roles: vec![],
            backend_options: options.iter().copied().collect::<BackendOptions>(),
        }
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let shown = [
            BackendCredentials::s3("AKID", "s3-secret".into(), Some("s3-token".into()))
                .expiring_at(at),
            BackendCredentials::store_options([("access_key", SecretString::new("azure-key"))]),
        ]
        .map(|credentials| {
            format!(
                "{credentials:?} {:?}",
                Generation::of(&bucket(&[]), &credentials)
            )
        })
        .join(" ");
        for secret in ["s3-secret", "s3-token", "azure-key"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(
            shown.contains("AKID") && shown.contains("access_key"),
            "{shown}"
        );
    }

    #[test]
    fn generation_changes_with_credentials_settings_and_expiry() {
        let keys = |secret: &str| BackendCredentials::s3("AKID", secret.into(), None);
        let plain = bucket(&[("region", "eu-west-1")]);
        let first = Generation::of(&plain, &keys("one"));
        assert_eq!(first, Generation::of(&plain, &keys("one")));
        assert_ne!(first, Generation::of(&plain, &keys("two")));
        assert_ne!(
            first,
            Generation::of(&bucket(&[("region", "eu-west-2")]), &keys("one"))
        );
        let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        assert_ne!(first, Generation::of(&plain, &keys("one").expiring_at(at)));
        // Field boundaries count: ("ab", "c") is not ("a", "bc").
        assert_ne!(
            Generation::of(&plain, &BackendCredentials::s3("ab", "c".into(), None)),
            Generation::of(&plain, &BackendCredentials::s3("a", "bc".into(), None))
        );
    }

    #[test]
    fn expiry_is_inclusive() {
        let at = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
        let credentials = BackendCredentials::anonymous().expiring_at(at);
        assert!(!credentials.is_expired(at - chrono::TimeDelta::seconds(1)));
        assert!(credentials.is_expired(at));
        assert!(!BackendCredentials::anonymous().is_expired(at));
    }
}
