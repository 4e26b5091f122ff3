//! Where backend credentials come from: [`BackendCredentialSource`], asked once per
//! request; [`ConfiguredCredentials`], the fixed keys of the configuration; and
//! [`RefreshingCredentials`], which keeps expiring credentials until they expire.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};

use super::credentials::BackendCredentials;
use crate::config::{BackendOptions, BackendType, BucketConfig};
use crate::{MaybeSend, MaybeSync, ProxyError};

/// Supplies the credentials of a bucket's backend, once per request that reaches it.
///
/// The gateway builds signers and stores from what this returns and keeps them while it
/// returns the same (see [`ProxyGateway::with_backend_credentials`]), so an
/// implementation that rotates or renews keys only has to return the new ones.
/// Implementations that fetch credentials (federation, a secrets manager) should keep
/// them until they expire: wrap them in [`RefreshingCredentials`].
///
/// [`ProxyGateway::with_backend_credentials`]: crate::proxy::ProxyGateway::with_backend_credentials
pub trait BackendCredentialSource: MaybeSend + MaybeSync + 'static {
    /// The credentials for `bucket` at `now` (the request's arrival).
    fn credentials(
        &self,
        bucket: &BucketConfig,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<BackendCredentials, ProxyError>> + MaybeSend;
}

/// The fixed credentials of the configuration: a bucket's secret options.
///
/// * `s3`: anonymous with `skip_signature = true`, otherwise the key pair
///   `access_key_id` + `secret_access_key` (and `session_token`), which are required.
/// * `azure`, `gcs`: the secret options (`access_key`, `service_account_key` …) for the
///   store builder; anonymous when there are none.
/// * `local`, `memory`: anonymous.
///
/// These never expire. The gateway's default source.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConfiguredCredentials;

impl ConfiguredCredentials {
    /// The credentials `bucket`'s options configure.
    pub fn of(bucket: &BucketConfig) -> Result<BackendCredentials, ProxyError> {
        let options = &bucket.backend_options;
        match bucket.backend_type {
            BackendType::S3 => s3_keys(bucket, options),
            BackendType::Azure | BackendType::Gcs => {
                let secrets: Vec<_> = options
                    .secrets()
                    .map(|(name, value)| (name, value.clone()))
                    .collect();
                Ok(if secrets.is_empty() {
                    BackendCredentials::anonymous()
                } else {
                    BackendCredentials::store_options(secrets)
                })
            }
            BackendType::Local | BackendType::Memory => Ok(BackendCredentials::anonymous()),
        }
    }
}

fn s3_keys(
    bucket: &BucketConfig,
    options: &BackendOptions,
) -> Result<BackendCredentials, ProxyError> {
    let misconfigured =
        |what: String| ProxyError::Internal(format!("bucket `{}`: {what}", bucket.name));
    if options.flag("skip_signature").map_err(misconfigured)? {
        return Ok(BackendCredentials::anonymous());
    }
    let (Some(access_key_id), Some(secret)) = (
        options.secret("access_key_id"),
        options.secret("secret_access_key"),
    ) else {
        return Err(misconfigured(
            "set `access_key_id` and `secret_access_key`, or `skip_signature = true`".into(),
        ));
    };
    Ok(BackendCredentials::s3(
        access_key_id.expose(),
        secret.clone(),
        options.secret("session_token").cloned(),
    ))
}

impl BackendCredentialSource for ConfiguredCredentials {
    async fn credentials(
        &self,
        bucket: &BucketConfig,
        _now: DateTime<Utc>,
    ) -> Result<BackendCredentials, ProxyError> {
        Self::of(bucket)
    }
}

/// Keeps what a fetching source returned for each bucket, and asks it again once the
/// credentials are within the refresh margin of their expiry (or the bucket's options
/// changed). Credentials without expiry are kept until evicted.
///
/// Bounded: past `max_entries` buckets, the entry closest to expiry is dropped. Two
/// requests that find the same credentials expiring may both fetch; the later answer
/// is kept.
#[derive(Debug)]
pub struct RefreshingCredentials<S> {
    inner: S,
    margin: TimeDelta,
    max_entries: usize,
    kept: Mutex<HashMap<String, Kept>>,
}

#[derive(Debug)]
struct Kept {
    /// The options the credentials were fetched for.
    options: BackendOptions,
    credentials: BackendCredentials,
}

impl<S> RefreshingCredentials<S> {
    /// Credentials from `inner`, renewed five minutes before they expire, for up to
    /// 1,024 buckets.
    pub fn new(inner: S) -> Self {
        Self {
            inner,
            margin: TimeDelta::minutes(5),
            max_entries: 1024,
            kept: Mutex::default(),
        }
    }

    /// Renews credentials `margin` before they expire.
    pub fn with_refresh_margin(mut self, margin: TimeDelta) -> Self {
        self.margin = margin;
        self
    }

    /// Keeps the credentials of at most `max_entries` buckets (at least one).
    pub fn with_max_entries(mut self, max_entries: usize) -> Self {
        self.max_entries = max_entries.max(1);
        self
    }

    fn kept(&self, bucket: &BucketConfig, now: DateTime<Utc>) -> Option<BackendCredentials> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        let entry = kept.get(&bucket.name)?;
        let fresh = !entry.credentials.is_expired(now + self.margin);
        (fresh && entry.options == bucket.backend_options).then(|| entry.credentials.clone())
    }

    fn keep(&self, bucket: &BucketConfig, credentials: &BackendCredentials) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= self.max_entries && !kept.contains_key(&bucket.name) {
            let soonest = kept
                .iter()
                .min_by_key(|(_, entry)| {
                    entry
                        .credentials
                        .expires_at()
                        .unwrap_or(DateTime::<Utc>::MAX_UTC)
                })
                .map(|(name, _)| name.clone());
            if let Some(name) = soonest {
                kept.remove(&name);
            }
        }
        kept.insert(
            bucket.name.clone(),
            Kept {
                options: bucket.backend_options.clone(),
                credentials: credentials.clone(),
            },
        );
    }
}

impl<S: BackendCredentialSource> BackendCredentialSource for RefreshingCredentials<S> {
    async fn credentials(
        &self,
        bucket: &BucketConfig,
        now: DateTime<Utc>,
    ) -> Result<BackendCredentials, ProxyError> {
        if let Some(credentials) = self.kept(bucket, now) {
            return Ok(credentials);
        }
        let credentials = self.inner.credentials(bucket, now).await?;
        self.keep(bucket, &credentials);
        Ok(credentials)
    }
}

/// A boxed future, `Send` where the core's futures must be.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A boxed future, `Send` where the core's futures must be.
#[cfg(target_arch = "wasm32")]
pub(crate) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// [`BackendCredentialSource`] behind a pointer, so that the gateway holds any source
/// without a type parameter.
pub(crate) trait DynCredentialSource: MaybeSend + MaybeSync {
    fn credentials_boxed<'a>(
        &'a self,
        bucket: &'a BucketConfig,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<BackendCredentials, ProxyError>>;
}

impl<S: BackendCredentialSource> DynCredentialSource for S {
    fn credentials_boxed<'a>(
        &'a self,
        bucket: &'a BucketConfig,
        now: DateTime<Utc>,
    ) -> BoxFuture<'a, Result<BackendCredentials, ProxyError>> {
        Box::pin(self.credentials(bucket, now))
    }
}

#[cfg(test)]
mod tests;
