//! How identity-provider keys are fetched and cached.

use std::time::Duration;

/// Fetching and caching of each issuer's discovery document and JWKS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JwksSettings {
    /// How long a fetched key set is used before it is fetched again.
    pub ttl: Duration,
    /// A token naming a `kid` the cached set lacks triggers a refetch (the provider may have
    /// rotated its keys), at most once per issuer per this interval, so that made-up key
    /// ids cannot make the gateway hammer the provider.
    pub refetch_interval: Duration,
    /// When a refresh after [`JwksSettings::ttl`] fails, the previous key set stays in use
    /// for up to this much longer, so a provider outage does not stop sign-ins at once.
    pub stale_if_error: Duration,
    /// How long one fetch (discovery document or JWKS) may take.
    pub fetch_timeout: Duration,
    /// The largest discovery document or JWKS accepted, in bytes.
    pub max_document_bytes: usize,
}

impl Default for JwksSettings {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(15 * 60),
            refetch_interval: Duration::from_secs(60),
            stale_if_error: Duration::from_secs(60 * 60),
            fetch_timeout: Duration::from_secs(5),
            max_document_bytes: 128 * 1024,
        }
    }
}
