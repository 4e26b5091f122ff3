//! In-memory TTL caching for any registry.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{BucketRegistry, CredentialRegistry, ListedBucket, ResolvedBucket};
use crate::config::{RoleConfig, StoredCredential};
use crate::{MaybeSend, ProxyError};

/// How long and how much [`CachedProvider`] remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheSettings {
    /// How long a found credential, role or bucket is reused. A key disabled or a bucket
    /// reconfigured at the source keeps its old answer for at most this long.
    pub ttl: Duration,
    /// How long a lookup that found nothing is remembered, so that a flood of requests with
    /// an unknown key or bucket does not reach the source every time (and a new bucket
    /// appears after at most this long).
    pub miss_ttl: Duration,
    /// The most entries each cache (credentials, roles, buckets) holds.
    pub max_entries: usize,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(300),
            miss_ttl: Duration::from_secs(10),
            max_entries: 10_000,
        }
    }
}

/// Wraps a provider with bounded in-memory TTL caches of credential, role and bucket
/// lookups.
///
/// Bucket resolution carries no authorization (the gateway authorizes after it), so one
/// caller's lookup serves every caller. ListBuckets is delegated, uncached. Errors from the
/// inner provider are not cached.
#[derive(Debug)]
pub struct CachedProvider<P> {
    inner: P,
    settings: CacheSettings,
    credentials: TtlCache<StoredCredential>,
    roles: TtlCache<RoleConfig>,
    buckets: TtlCache<ResolvedBucket>,
}

impl<P> CachedProvider<P> {
    /// Caches `inner` with the default settings.
    pub fn new(inner: P) -> Self {
        Self::with_settings(inner, CacheSettings::default())
    }

    /// Caches `inner` with `settings`.
    pub fn with_settings(inner: P, settings: CacheSettings) -> Self {
        Self {
            inner,
            settings,
            credentials: TtlCache::default(),
            roles: TtlCache::default(),
            buckets: TtlCache::default(),
        }
    }

    /// The wrapped provider.
    pub fn inner(&self) -> &P {
        &self.inner
    }

    async fn cached<T: Clone>(
        &self,
        cache: &TtlCache<T>,
        key: &str,
        lookup: impl Future<Output = Result<Option<T>, ProxyError>>,
    ) -> Result<Option<T>, ProxyError> {
        let now = Utc::now();
        if let Some(hit) = cache.get(key, now) {
            return Ok(hit);
        }
        let found = lookup.await?;
        let ttl = if found.is_some() {
            self.settings.ttl
        } else {
            self.settings.miss_ttl
        };
        cache.insert(key, found.clone(), now + ttl, self.settings.max_entries);
        Ok(found)
    }
}

impl<P: CredentialRegistry> CredentialRegistry for CachedProvider<P> {
    fn get_credential(
        &self,
        access_key_id: &str,
    ) -> impl Future<Output = Result<Option<StoredCredential>, ProxyError>> + MaybeSend {
        self.cached(
            &self.credentials,
            access_key_id,
            self.inner.get_credential(access_key_id),
        )
    }

    fn get_role(
        &self,
        role_id: &str,
    ) -> impl Future<Output = Result<Option<RoleConfig>, ProxyError>> + MaybeSend {
        self.cached(&self.roles, role_id, self.inner.get_role(role_id))
    }
}

impl<P: BucketRegistry> BucketRegistry for CachedProvider<P> {
    fn get_bucket(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<ResolvedBucket>, ProxyError>> + MaybeSend {
        self.cached(&self.buckets, name, self.inner.get_bucket(name))
    }

    fn list_buckets(
        &self,
    ) -> impl Future<Output = Result<Vec<ListedBucket>, ProxyError>> + MaybeSend {
        self.inner.list_buckets()
    }
}

/// A cached answer (`None` records a miss) and when it expires.
type Entry<T> = (Option<T>, DateTime<Utc>);

/// A map whose entries expire.
#[derive(Debug)]
struct TtlCache<T> {
    entries: Mutex<HashMap<String, Entry<T>>>,
}

impl<T> Default for TtlCache<T> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T: Clone> TtlCache<T> {
    /// The cached answer for `key`: `Some(None)` is a remembered miss.
    fn get(&self, key: &str, now: DateTime<Utc>) -> Option<Option<T>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match entries.get(key) {
            Some((value, expires)) if *expires > now => Some(value.clone()),
            _ => None,
        }
    }

    fn insert(&self, key: &str, value: Option<T>, expires: DateTime<Utc>, max_entries: usize) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= max_entries && !entries.contains_key(key) {
            let now = Utc::now();
            entries.retain(|_, (_, expires)| *expires > now);
            if entries.len() >= max_entries {
                // Still full of live entries: drop the one closest to expiry.
                let soonest = entries
                    .iter()
                    .min_by_key(|(_, (_, expires))| *expires)
                    .map(|(k, _)| k.clone());
                if let Some(k) = soonest {
                    entries.remove(&k);
                }
            }
        }
        if max_entries > 0 {
            entries.insert(key.to_owned(), (value, expires));
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use chrono::TimeZone;
    use futures_executor::block_on;

    use super::*;
    use crate::SecretString;
    use crate::config::{BackendOptions, BackendType, BucketConfig};

    #[derive(Default)]
    struct CountingRegistry {
        lookups: AtomicUsize,
    }

    impl CredentialRegistry for CountingRegistry {
        async fn get_credential(
            &self,
            access_key_id: &str,
        ) -> Result<Option<StoredCredential>, ProxyError> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            Ok((access_key_id == "known").then(|| StoredCredential {
                access_key_id: access_key_id.into(),
                secret_access_key: SecretString::new("s"),
                principal_name: "p".into(),
                created_at: Utc.timestamp_opt(0, 0).unwrap(),
                expires_at: None,
                enabled: true,
                allowed_scopes: vec![],
            }))
        }

        async fn get_role(&self, _role_id: &str) -> Result<Option<RoleConfig>, ProxyError> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            Ok(None)
        }
    }

    /// Knows bucket `known`; lookups of bucket `broken` fail.
    impl BucketRegistry for CountingRegistry {
        async fn get_bucket(&self, name: &str) -> Result<Option<ResolvedBucket>, ProxyError> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            match name {
                "broken" => Err(ProxyError::Internal("registry down".into())),
                "known" => Ok(Some(ResolvedBucket::new(BucketConfig {
                    name: name.into(),
                    backend_type: BackendType::Memory,
                    backend_prefix: None,
                    anonymous_access: false,
                    allowed_roles: vec![],
                    backend_options: BackendOptions::default(),
                }))),
                _ => Ok(None),
            }
        }

        async fn list_buckets(&self) -> Result<Vec<ListedBucket>, ProxyError> {
            self.lookups.fetch_add(1, Ordering::SeqCst);
            Ok(vec![])
        }
    }

    fn lookups(provider: &CachedProvider<CountingRegistry>) -> usize {
        provider.inner().lookups.load(Ordering::SeqCst)
    }

    #[test]
    fn hits_and_misses_are_both_cached() {
        let provider = CachedProvider::new(CountingRegistry::default());
        for _ in 0..3 {
            assert!(
                block_on(provider.get_credential("known"))
                    .unwrap()
                    .is_some()
            );
            assert!(
                block_on(provider.get_credential("unknown"))
                    .unwrap()
                    .is_none()
            );
            assert!(block_on(provider.get_role("r")).unwrap().is_none());
        }
        assert_eq!(lookups(&provider), 3);
    }

    #[test]
    fn expired_entries_are_looked_up_again() {
        let settings = CacheSettings {
            ttl: Duration::ZERO,
            miss_ttl: Duration::ZERO,
            ..CacheSettings::default()
        };
        let provider = CachedProvider::with_settings(CountingRegistry::default(), settings);
        block_on(provider.get_credential("known")).unwrap();
        block_on(provider.get_credential("known")).unwrap();
        assert_eq!(lookups(&provider), 2);
    }

    #[test]
    fn size_is_bounded() {
        let settings = CacheSettings {
            max_entries: 4,
            ..CacheSettings::default()
        };
        let provider = CachedProvider::with_settings(CountingRegistry::default(), settings);
        for i in 0..50 {
            block_on(provider.get_credential(&format!("key-{i}"))).unwrap();
        }
        assert_eq!(provider.credentials.len(), 4);
    }

    #[test]
    fn bucket_hits_and_misses_are_both_cached() {
        let provider = CachedProvider::new(CountingRegistry::default());
        for _ in 0..3 {
            let known = block_on(provider.get_bucket("known")).unwrap();
            assert_eq!(known.unwrap().config.name, "known");
            assert_eq!(block_on(provider.get_bucket("unknown")).unwrap(), None);
        }
        assert_eq!(lookups(&provider), 2);
    }

    #[test]
    fn bucket_misses_expire_on_their_own_ttl() {
        let settings = CacheSettings {
            miss_ttl: Duration::ZERO,
            ..CacheSettings::default()
        };
        let provider = CachedProvider::with_settings(CountingRegistry::default(), settings);
        for _ in 0..3 {
            block_on(provider.get_bucket("known")).unwrap();
            block_on(provider.get_bucket("unknown")).unwrap();
        }
        // One lookup of the hit, three of the miss that expired at once.
        assert_eq!(lookups(&provider), 4);
    }

    #[test]
    fn expired_buckets_are_looked_up_again() {
        let settings = CacheSettings {
            ttl: Duration::ZERO,
            ..CacheSettings::default()
        };
        let provider = CachedProvider::with_settings(CountingRegistry::default(), settings);
        block_on(provider.get_bucket("known")).unwrap();
        block_on(provider.get_bucket("known")).unwrap();
        assert_eq!(lookups(&provider), 2);
    }

    #[test]
    fn bucket_cache_is_bounded() {
        let settings = CacheSettings {
            max_entries: 4,
            ..CacheSettings::default()
        };
        let provider = CachedProvider::with_settings(CountingRegistry::default(), settings);
        for i in 0..50 {
            block_on(provider.get_bucket(&format!("bucket-{i}"))).unwrap();
        }
        assert_eq!(provider.buckets.len(), 4);
    }

    #[test]
    fn failed_bucket_lookups_and_listings_are_not_cached() {
        let provider = CachedProvider::new(CountingRegistry::default());
        for _ in 0..2 {
            assert!(block_on(provider.get_bucket("broken")).is_err());
            block_on(provider.list_buckets()).unwrap();
        }
        assert_eq!(lookups(&provider), 4);
    }
}
