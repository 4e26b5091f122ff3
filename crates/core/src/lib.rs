//! # multistore
//!
//! The runtime-agnostic core of the multistore S3 gateway.
//!
//! This crate makes every decision about a request (what it asks, who asks, whether they may,
//! and where it goes) without doing any I/O of its own, so the same code runs in the Tokio
//! server and in a Cloudflare Worker compiled to `wasm32-unknown-unknown`.
//!
//! * [`api`] — the S3 wire protocol: parsing requests into [`api::S3Operation`]s.
//! * [`config`] — buckets, credentials, roles and scopes.
//! * [`auth`] — SigV4 verification, identities and the authorization rule.
//! * [`backend`] — what a runtime provides: transport, object stores, body streams.
//! * [`registry`] — the traits that providers of buckets and credentials implement.
//! * [`store`] — S3 object semantics over any `object_store` store (local directory,
//!   memory, Azure, GCS): metadata sidecars, conditional and ranged reads, multipart.
//! * [`error`] — [`ProxyError`] and its mapping onto S3 error codes.
//! * `conformance` (feature `conformance`, off by default) — the suite every runtime's
//!   [`backend::ProxyBackend`] runs against a real S3 server.

pub mod api;
pub mod auth;
pub mod backend;
mod bucket;
pub mod config;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod error;
mod event;
mod ids;
mod limits;
mod maybe_send;
pub mod middleware;
pub mod proxy;
pub mod registry;
mod response;
pub mod route_handler;
mod secret;
pub mod store;

pub use error::ProxyError;
pub use ids::request_id;
pub(crate) use maybe_send::BoxFuture;
pub use maybe_send::{MaybeSend, MaybeSync};
pub use secret::SecretString;
