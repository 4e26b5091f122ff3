//! # multistore-static-config
//!
//! Buckets, roles and long-lived credentials for the multistore gateway, read once from a
//! TOML or JSON file (or built in code), checked, and served from memory.
//!
//! [`StaticProvider`] implements both registries of the core:
//! [`BucketRegistry`](multistore::registry::BucketRegistry), which finds buckets by name
//! (the gateway then authorizes the caller with [`multistore::auth::authorize`]), and
//! [`CredentialRegistry`](multistore::registry::CredentialRegistry), which looks up access
//! keys and roles. Wrap it in
//! [`CachedProvider`](multistore::registry::CachedProvider) only if you must: it is already
//! in memory.
//!
//! ```no_run
//! use multistore_static_config::StaticProvider;
//!
//! let provider = StaticProvider::from_file("multistore.toml")?;
//! for bucket in provider.buckets() {
//!     println!("{} on {}", bucket.name, bucket.backend_type.as_str());
//! }
//! # Ok::<(), multistore_static_config::ConfigError>(())
//! ```
//!
//! ## The file
//!
//! Three optional lists: `buckets` (the core's
//! [`BucketConfig`](multistore::config::BucketConfig)), `roles`
//! ([`RoleConfig`](multistore::config::RoleConfig)) and `credentials`
//! ([`StoredCredential`](multistore::config::StoredCredential)). Unknown fields are errors,
//! at every level. An annotated example:
//!
//! ```toml
#![doc = include_str!("../config.example.toml")]
//! ```
//!
//! JSON files have the same shape: `{"buckets": [{"name": "…", …}], "roles": […],
//! "credentials": […]}`, with dates as RFC 3339 strings.
//!
//! ## Variables
//!
//! A `${NAME}` anywhere in a string value is replaced by the environment variable `NAME`
//! when the file is loaded, so that secrets need not live in the file; an unset variable is
//! a load error. `$${` stands for a literal `${`. Values are inserted as they are, never
//! expanded again, and never shown in error messages.
//! [`StaticProvider::from_str_with_variables`] takes the values from elsewhere.
//!
//! ## Checks
//!
//! Besides the schema, loading (and [`StaticProvider::new`]) refuses:
//! * bucket names that are not 1–255 letters, digits, `.`, `-` and `_`, or that repeat;
//! * backend options that are unknown, missing, empty or inconsistent for the backend type
//!   ([`multistore::config::validate_backend`]);
//! * `allowed_roles` entries that name no role;
//! * repeated or empty `role_id`s, roles that trust no OIDC issuer, and
//!   `max_session_duration_secs` outside 900–43200;
//! * repeated or empty `access_key_id`s and empty secrets;
//! * scopes naming a bucket that does not exist (other than `*`, and other than `{claim}`
//!   templates in role scopes, which are only known when a token is presented).
//!
//! Every error from a file starts with `file:line:column` and points at the offending value
//! (for a duplicate name, the second one); see [`ConfigError`].

mod document;
mod error;
mod load;
mod provider;
mod registry;
mod schema;
mod validation;

pub use error::{ConfigError, Location};
pub use load::ConfigFormat;
pub use provider::StaticProvider;
