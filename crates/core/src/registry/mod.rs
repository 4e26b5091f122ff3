//! Where buckets, credentials and roles come from.
//!
//! Providers implement these traits (see `multistore-static-config` for a file-based one);
//! [`CachedProvider`] adds in-memory caching to any of them. Registries only look things
//! up: authorization is the gateway's, after resolution.

mod bucket;
mod cached;
mod credential;
mod shared_bucket;
mod shared_credentials;
mod temporary;

pub use crate::api::response::{BucketOwner, BucketSummary, DEFAULT_BUCKET_OWNER};
pub use bucket::{BucketRegistry, ListedBucket, ResolvedBucket};
pub use cached::{CacheSettings, CachedProvider};
pub use credential::CredentialRegistry;
pub(crate) use shared_bucket::SharedBuckets;
pub(crate) use shared_credentials::{SharedCredentials, SharedTemporary};
pub use temporary::{NoTemporaryCredentials, TemporaryCredentialResolver};
