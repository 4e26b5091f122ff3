//! Key sets by issuer, with the times they were fetched.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

use crate::jwt::VerificationKey;

/// The most issuers whose keys are kept; only trusted issuers are ever fetched, so this
/// only bounds memory against a registry with very many of them.
const MAX_ISSUERS: usize = 256;

/// A shared, immutable key set.
pub(crate) type KeySet = Arc<[VerificationKey]>;

/// What the cache holds for an issuer.
#[derive(Debug)]
pub(crate) enum Cached {
    /// Nothing.
    Missing,
    /// A key set fetched at the given time.
    Fetched(KeySet, DateTime<Utc>),
}

#[derive(Debug)]
struct Entry {
    keys: KeySet,
    fetched_at: DateTime<Utc>,
    /// When an unknown `kid` last caused a refetch.
    refetched_at: Option<DateTime<Utc>>,
}

/// Key sets by issuer. The lock is never held across a fetch.
#[derive(Debug, Default)]
pub(crate) struct KeySetCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl KeySetCache {
    /// What is held for `issuer`.
    pub(crate) fn get(&self, issuer: &str) -> Cached {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        match entries.get(issuer) {
            Some(entry) => Cached::Fetched(entry.keys.clone(), entry.fetched_at),
            None => Cached::Missing,
        }
    }

    /// Stores a key set fetched for `issuer` at `now`.
    pub(crate) fn store(&self, issuer: &str, keys: KeySet, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if !entries.contains_key(issuer)
            && entries.len() >= MAX_ISSUERS
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, entry)| entry.fetched_at)
                .map(|(issuer, _)| issuer.clone())
        {
            entries.remove(&oldest);
        }
        let refetched_at = entries.get(issuer).and_then(|entry| entry.refetched_at);
        entries.insert(
            issuer.to_owned(),
            Entry {
                keys,
                fetched_at: now,
                refetched_at,
            },
        );
    }

    /// Whether an unknown `kid` may refetch `issuer`'s keys at `now`: at most once per
    /// `interval`. A `true` answer is recorded at once, so concurrent requests with unknown
    /// key ids cause one refetch, not many.
    pub(crate) fn claim_refetch(
        &self,
        issuer: &str,
        now: DateTime<Utc>,
        interval: chrono::Duration,
    ) -> bool {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = entries.get_mut(issuer) else {
            return true;
        };
        if entry.refetched_at.is_some_and(|last| now - last < interval) {
            return false;
        }
        entry.refetched_at = Some(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn stores_and_returns_key_sets() {
        let cache = KeySetCache::default();
        assert!(matches!(cache.get("i"), Cached::Missing));
        cache.store("i", Arc::new([]), at(0));
        assert!(matches!(cache.get("i"), Cached::Fetched(_, t) if t == at(0)));
    }

    #[test]
    fn refetches_are_rate_limited_per_issuer() {
        let cache = KeySetCache::default();
        let interval = Duration::seconds(60);
        cache.store("a", Arc::new([]), at(0));
        cache.store("b", Arc::new([]), at(0));
        assert!(cache.claim_refetch("a", at(1), interval));
        cache.store("a", Arc::new([]), at(1));
        assert!(
            !cache.claim_refetch("a", at(30), interval),
            "kept across store"
        );
        assert!(cache.claim_refetch("b", at(30), interval), "per issuer");
        assert!(cache.claim_refetch("a", at(61), interval));
    }

    #[test]
    fn holds_a_bounded_number_of_issuers() {
        let cache = KeySetCache::default();
        for i in 0..=MAX_ISSUERS as i64 {
            cache.store(&format!("issuer-{i}"), Arc::new([]), at(i));
        }
        assert!(matches!(cache.get("issuer-0"), Cached::Missing));
        assert!(matches!(cache.get("issuer-1"), Cached::Fetched(..)));
    }
}
