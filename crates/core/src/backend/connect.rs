//! From a bucket and its credentials to what reaches its backend: a signer (S3) or an
//! object store (memory, local, Azure, GCS), cached by (bucket, credential generation).
//!
//! [`BackendConnector`] asks the gateway's [`BackendCredentialSource`] for the bucket's
//! credentials on every request, then looks in a [`ConnectionCache`]: the signer or store
//! built from the same settings and credentials (the same [`Generation`]) is reused; new
//! credentials (rotated, renewed after expiry) or changed options build a new one, which
//! replaces the bucket's old one. The cache is bounded. A `memory` bucket's store is kept
//! apart, for the life of the gateway, since its data lives in it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use object_store::ObjectStore;
use object_store::memory::InMemory;

use super::ProxyBackend;
use super::credential_source::{
    BackendCredentialSource, ConfiguredCredentials, DynCredentialSource,
};
use super::credentials::{BackendCredentials, Generation};
use super::runtime_parts::RuntimeParts;
use super::signer::{FilteredSigner, Signer, build_signer};
use super::store_builder::build_store;
use crate::ProxyError;
use crate::config::{BackendType, BucketConfig};

/// How many buckets' signers and stores a gateway keeps unless told otherwise.
pub(crate) const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// What reaches a bucket's backend.
#[derive(Debug, Clone)]
pub(crate) enum Connection {
    /// An S3 bucket's signer.
    Signer(Arc<dyn Signer>),
    /// The object store of any other bucket.
    Store(Arc<dyn ObjectStore>),
}

/// The gateway's credential source and the signers and stores built from what it supplies.
pub(crate) struct BackendConnector {
    source: Box<dyn DynCredentialSource>,
    cache: ConnectionCache,
}

impl std::fmt::Debug for BackendConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackendConnector")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Default for BackendConnector {
    /// The configuration's fixed credentials ([`ConfiguredCredentials`]).
    fn default() -> Self {
        Self::new(ConfiguredCredentials)
    }
}

impl BackendConnector {
    /// Credentials from `source`, signers and stores kept for up to
    /// [`DEFAULT_MAX_CONNECTIONS`] buckets.
    pub(crate) fn new(source: impl BackendCredentialSource) -> Self {
        Self {
            source: Box::new(source),
            cache: ConnectionCache::new(DEFAULT_MAX_CONNECTIONS),
        }
    }

    /// The signer or store for `bucket` at `now`, built with `runtime`'s parts when the
    /// cache has none for its current credentials.
    pub(crate) async fn connect<B: ProxyBackend>(
        &self,
        runtime: &B,
        bucket: &BucketConfig,
        now: DateTime<Utc>,
    ) -> Result<Connection, ProxyError> {
        if bucket.backend_type == BackendType::Memory {
            return Ok(Connection::Store(self.cache.memory_store(bucket)));
        }
        let credentials = self.source.credentials_boxed(bucket, now).await?;
        self.cache
            .connect(bucket, &credentials, now, || runtime.runtime_parts())
    }
}

/// Signers and stores by bucket, each with the generation it was built for; bounded.
#[derive(Debug)]
pub(crate) struct ConnectionCache {
    max_entries: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// `memory` buckets' stores: never evicted, never rebuilt.
    memory: HashMap<String, Arc<dyn ObjectStore>>,
    /// Counts lookups, to find the least recently used entry.
    clock: u64,
}

#[derive(Debug)]
struct Entry {
    generation: Generation,
    connection: Connection,
    expires_at: Option<DateTime<Utc>>,
    last_used: u64,
}

impl ConnectionCache {
    /// A cache of at most `max_entries` buckets' signers and stores (at least one).
    pub(crate) fn new(max_entries: usize) -> Self {
        Self {
            max_entries: max_entries.max(1),
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The store of `memory` bucket `bucket`, the same for the cache's whole life.
    pub(crate) fn memory_store(&self, bucket: &BucketConfig) -> Arc<dyn ObjectStore> {
        self.state()
            .memory
            .entry(bucket.name.clone())
            .or_insert_with(|| Arc::new(InMemory::new()))
            .clone()
    }

    /// The signer or store of `bucket` with `credentials`: the cached one when it was
    /// built from the same settings and credentials, otherwise a new one built with the
    /// runtime's `parts`. Expired credentials are refused.
    pub(crate) fn connect(
        &self,
        bucket: &BucketConfig,
        credentials: &BackendCredentials,
        now: DateTime<Utc>,
        parts: impl FnOnce() -> RuntimeParts,
    ) -> Result<Connection, ProxyError> {
        if credentials.is_expired(now) {
            return Err(ProxyError::Internal(format!(
                "bucket `{}`: the credential source supplied expired credentials",
                bucket.name
            )));
        }
        let generation = Generation::of(bucket, credentials);
        {
            let mut state = self.state();
            state.clock += 1;
            let clock = state.clock;
            if let Some(entry) = state.entries.get_mut(&bucket.name)
                && entry.generation == generation
            {
                entry.last_used = clock;
                return Ok(entry.connection.clone());
            }
        }
        // Built without the lock: building a store may touch the file system.
        let connection = build(bucket, credentials, &parts())?;
        let mut state = self.state();
        let last_used = state.clock;
        if !state.entries.contains_key(&bucket.name) {
            make_room(&mut state.entries, self.max_entries - 1, now);
        }
        state.entries.insert(
            bucket.name.clone(),
            Entry {
                generation,
                connection: connection.clone(),
                expires_at: credentials.expires_at(),
                last_used,
            },
        );
        Ok(connection)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.state().entries.len()
    }
}

/// Drops entries until at most `room` remain: those whose credentials expired first, then
/// the least recently used.
fn make_room(entries: &mut HashMap<String, Entry>, room: usize, now: DateTime<Utc>) {
    if entries.len() <= room {
        return;
    }
    entries.retain(|_, entry| entry.expires_at.is_none_or(|at| at > now));
    while entries.len() > room {
        let Some(oldest) = entries
            .iter()
            .min_by_key(|(_, entry)| entry.last_used)
            .map(|(name, _)| name.clone())
        else {
            return;
        };
        entries.remove(&oldest);
    }
}

/// A new signer or store for `bucket`.
// The signer is shared in an `Arc` like every signer; on wasm32 nothing is `Send`, and
// there is one thread.
#[allow(clippy::arc_with_non_send_sync)]
fn build(
    bucket: &BucketConfig,
    credentials: &BackendCredentials,
    parts: &RuntimeParts,
) -> Result<Connection, ProxyError> {
    if bucket.backend_type != BackendType::S3 {
        return build_store(bucket, credentials, parts).map(Connection::Store);
    }
    let signer = build_signer(bucket, credentials)?;
    Ok(Connection::Signer(match parts.header_filter {
        Some(filter) => Arc::new(FilteredSigner {
            filter,
            inner: signer,
        }),
        None => signer,
    }))
}

#[cfg(test)]
mod tests;
