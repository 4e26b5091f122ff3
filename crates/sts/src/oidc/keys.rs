//! The verification keys of trusted issuers: cached, refreshed, refetched on rotation.

use chrono::{DateTime, Duration, Utc};

use super::JwksSettings;
use super::cache::{Cached, KeySet, KeySetCache};
use super::discovery::fetch_issuer_keys;
use crate::StsError;
use crate::fetch::{HttpsFetcher, IssuerTransport};

/// Fetches and caches issuers' keys. Callers must have checked that the issuer is trusted:
/// this type fetches whatever it is asked for.
#[derive(Debug)]
pub(crate) struct IssuerKeys<F> {
    fetcher: F,
    cache: KeySetCache,
    pub(crate) settings: JwksSettings,
    pub(crate) transport: IssuerTransport,
}

impl<F: HttpsFetcher> IssuerKeys<F> {
    /// Keys fetched with `fetcher`.
    pub(crate) fn new(fetcher: F) -> Self {
        Self {
            fetcher,
            cache: KeySetCache::default(),
            settings: JwksSettings::default(),
            transport: IssuerTransport::default(),
        }
    }

    /// The key set of `issuer`: cached while younger than the TTL, fetched otherwise. A
    /// failed refresh falls back to the cached set within `stale_if_error`.
    pub(crate) async fn current(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
    ) -> Result<KeySet, StsError> {
        let ttl = duration(self.settings.ttl);
        match self.cache.get(issuer) {
            Cached::Fetched(keys, fetched_at) if now - fetched_at < ttl => Ok(keys),
            Cached::Fetched(stale, fetched_at) => match self.fetch(issuer, now).await {
                Ok(keys) => Ok(keys),
                Err(error) if now - fetched_at < self.stale_limit() => {
                    tracing::warn!(%issuer, %error, "using the previous keys of the identity provider");
                    Ok(stale)
                }
                Err(error) => Err(error),
            },
            Cached::Missing => self.fetch(issuer, now).await,
        }
    }

    /// Refetches `issuer`'s keys because a token named a key the cached set lacks; `None`
    /// when a refetch happened too recently.
    pub(crate) async fn refetch(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<KeySet>, StsError> {
        let interval = duration(self.settings.refetch_interval);
        if !self.cache.claim_refetch(issuer, now, interval) {
            return Ok(None);
        }
        tracing::info!(%issuer, "unknown key id: refetching the identity provider's keys");
        self.fetch(issuer, now).await.map(Some)
    }

    /// How old a key set may be when a refresh fails and it is used anyway.
    fn stale_limit(&self) -> Duration {
        duration(self.settings.ttl)
            .checked_add(&duration(self.settings.stale_if_error))
            .unwrap_or(Duration::MAX)
    }

    async fn fetch(&self, issuer: &str, now: DateTime<Utc>) -> Result<KeySet, StsError> {
        let keys: KeySet = fetch_issuer_keys(&self.fetcher, issuer, self.transport, &self.settings)
            .await?
            .into();
        self.cache.store(issuer, keys.clone(), now);
        Ok(keys)
    }
}

fn duration(std: std::time::Duration) -> Duration {
    Duration::from_std(std).unwrap_or(Duration::MAX)
}
