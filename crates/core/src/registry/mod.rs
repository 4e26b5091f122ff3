//! Where buckets, credentials and roles come from.
//!
//! Providers implement these traits (see `multistore-static-config` for a file-based one);
//! [`CachedProvider`] adds in-memory caching to any of them. Registries only look things
//! up: authorization is the gateway's, after resolution.

mod bucket;
mod cached;
mod credential;
mod temporary;

pub use bucket::{
    BucketOwner, BucketRegistry, BucketSummary, DEFAULT_BUCKET_OWNER, ListedBucket, ResolvedBucket,
};
pub use cached::{CacheSettings, CachedProvider};
pub use credential::CredentialRegistry;
pub use temporary::{NoTemporaryCredentials, TemporaryCredentialResolver};
