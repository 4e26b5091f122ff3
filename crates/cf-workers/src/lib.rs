//! # multistore-cf-workers
//!
//! The multistore gateway as a Cloudflare Worker: the runtime side of the core (its
//! `ProxyBackend`) on the Workers `fetch`, for `wasm32-unknown-unknown`. On any other
//! target the crate is empty, so that native workspace builds never compile JavaScript
//! bindings (and item links below are plain text: build the docs for wasm32).
//!
//! A Worker builds one `ProxyGateway` over `WorkerBackend` per isolate, so that its caches
//! survive between requests, and hands each request to `serve`:
//!
//! ```ignore
//! #[worker::event(fetch)]
//! async fn fetch(request: web_sys::Request, env: worker::Env, _ctx: worker::Context)
//!     -> worker::Result<web_sys::Response>
//! {
//!     let gateway = gateway(&env)?; // built once per isolate, kept in a thread_local
//!     Ok(multistore_cf_workers::serve(&gateway, &request).await?)
//! }
//! ```
//!
//! `examples/cf-workers` in the repository is a complete, deployable Worker.
//!
//! ## The pieces
//!
//! * `request_parts` — the incoming request as the core's `RequestInfo`: the path and
//!   query exactly as the client encoded them (signatures are computed over them; the
//!   core decodes).
//! * `WorkerBody` — bodies as JavaScript `ReadableStream`s for as long as the core only
//!   passes them along (uploads to the backend, downloads to the client: the bytes never
//!   enter wasm memory), and as Rust byte streams only when the core reads or produces
//!   the bytes. Uploads of a known length go out through a `FixedLengthStream`, so the
//!   backend gets a `Content-Length`.
//! * `WorkerBackend` — the core's transport on `fetch`: GET and HEAD subrequests bypass
//!   the platform cache (`cache: "no-store"`), so it can never turn a HEAD or a ranged GET
//!   into a cached full body; redirects are not followed (`redirect: "manual"`), so a
//!   backend's 3xx reaches the client as the backend sent it.
//! * `serve` — one request through the gateway, and the response back as a JavaScript
//!   `Response`; the request is reported to the core (access log, middleware) once its
//!   body has been handed over or, for bodies the gateway produced, read to the end.
//! * `FetchIssuer` — `multistore-sts`'s `HttpsFetcher` on `fetch`, for STS
//!   `AssumeRoleWithWebIdentity`.
//! * `FetchConnector` (feature `fetch-connector`, implied by `azure`) and
//!   `RustCryptoProvider` (feature `azure`) — `object_store`'s HTTP transport on `fetch`
//!   and its hashing on pure-Rust crates, which serve `azure` buckets (shared keys). What `object_store` itself cannot
//!   do on wasm32 limits them (see `FetchConnector`): `gcs` buckets cannot be served.
//! * `log_to_console` — the gateway's `tracing` events (access log, backend failures) on
//!   the Worker's console (`wrangler tail`).
//!
//! ## What a Worker cannot do
//!
//! `local` buckets need a file system and `gcs` buckets `object_store`'s token cache
//! (see `FetchConnector`): both are refused with `NotImplemented`. `memory` buckets live
//! as long as the isolate (each isolate has its own). Nothing here reads
//! `std::time::Instant`, which panics on `wasm32-unknown-unknown`: the clock is
//! JavaScript's `Date` (through chrono's `wasmbind`), timers are `setTimeout`.

#[cfg(target_arch = "wasm32")]
mod backend;
#[cfg(target_arch = "wasm32")]
mod body;
#[cfg(all(target_arch = "wasm32", feature = "fetch-connector"))]
mod connector;
#[cfg(target_arch = "wasm32")]
mod console_log;
#[cfg(all(target_arch = "wasm32", feature = "azure"))]
mod crypto;
#[cfg(target_arch = "wasm32")]
mod fetch;
#[cfg(target_arch = "wasm32")]
mod headers;
#[cfg(target_arch = "wasm32")]
mod issuer_fetcher;
#[cfg(target_arch = "wasm32")]
mod js_error;
#[cfg(target_arch = "wasm32")]
mod metered;
#[cfg(target_arch = "wasm32")]
mod request;
#[cfg(target_arch = "wasm32")]
mod serve;
#[cfg(target_arch = "wasm32")]
mod timeout;
#[cfg(any(target_arch = "wasm32", test))]
mod url_parts;

#[cfg(target_arch = "wasm32")]
pub use backend::WorkerBackend;
#[cfg(target_arch = "wasm32")]
pub use body::WorkerBody;
#[cfg(all(target_arch = "wasm32", feature = "fetch-connector"))]
pub use connector::FetchConnector;
#[cfg(target_arch = "wasm32")]
pub use console_log::log_to_console;
#[cfg(all(target_arch = "wasm32", feature = "azure"))]
pub use crypto::RustCryptoProvider;
#[cfg(target_arch = "wasm32")]
pub use issuer_fetcher::FetchIssuer;
#[cfg(target_arch = "wasm32")]
pub use request::{InvalidRequest, request_parts};
#[cfg(target_arch = "wasm32")]
pub use serve::serve;
