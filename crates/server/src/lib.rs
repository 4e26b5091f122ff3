//! # multistore-server
//!
//! The multistore S3 gateway as a native server: Tokio and Hyper for HTTP in both
//! directions, `object_store` for local-directory and in-memory buckets.
//!
//! * [`ServerBackend`] implements the core's `ProxyBackend`: pooled outbound HTTP with
//!   timeouts, streaming bodies both ways, and per-bucket object stores.
//! * [`serve_with`] accepts connections (HTTP/1.1 and HTTP/2), holds clients to
//!   [`ServerLimits`] (connections, head and keep-alive timeouts, stalled uploads, head
//!   size) and shuts down gracefully; [`serve`] does so with the default limits.
//! * [`app::run`] is the `multistore-server` binary: configuration, start-up, signals.
//! * [`IssuerFetcher`] lets `multistore-sts` fetch OIDC discovery documents and keys, so
//!   that the server can serve STS `AssumeRoleWithWebIdentity` when `SESSION_TOKEN_KEY` is
//!   set.

pub mod app;
pub mod backend;
pub mod body;
pub mod cli;
mod connection;
pub mod default_config;
pub mod health;
mod in_flight;
pub mod issuer_fetcher;
pub mod limits;
mod refusal;
pub mod request;
pub mod service;

pub use backend::{ServerBackend, Timeouts};
pub use issuer_fetcher::IssuerFetcher;
pub use limits::ServerLimits;
pub use request::Gateway;
pub use service::{serve, serve_with};
