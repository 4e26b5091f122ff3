//! What the gateway is configured with: buckets, principals, and what they may do.
//!
//! These are plain data types. Providers (see `multistore-static-config`) fill them from a
//! file or a database; the registries hand them to the gateway per request.

mod access;
mod bucket;
mod principal;
mod validate;

pub use access::{AccessScope, Action};
pub use bucket::{BackendOptions, BackendType, BucketConfig};
pub use principal::{RoleConfig, StoredCredential, TemporaryCredentials};
pub use validate::{BackendOptionsError, validate_backend};

/// The region assumed where none is configured, as the AWS SDKs assume.
pub const DEFAULT_REGION: &str = "us-east-1";
