//! A deployable Cloudflare Worker serving the multistore S3 gateway.
//!
//! The gateway is built once per isolate, on its first request, from the Worker's
//! bindings (see `README.md` beside this crate): `PROXY_CONFIG` (the buckets, roles and
//! credentials), `SESSION_TOKEN_KEY` (turns STS on) and `MAX_UPLOAD_BYTES`. Built with
//! the test-only feature `conformance`, it also answers `GET /__conformance` by running
//! the runtime conformance suite. Everything is wasm32-only; natively this crate is empty.

#[cfg(all(target_arch = "wasm32", feature = "conformance"))]
mod conformance;
#[cfg(target_arch = "wasm32")]
mod gateway;
#[cfg(target_arch = "wasm32")]
mod health;
#[cfg(target_arch = "wasm32")]
mod settings;

/// The Worker's `fetch` handler.
#[cfg(target_arch = "wasm32")]
#[worker::event(fetch)]
async fn fetch(
    request: web_sys::Request,
    env: worker::Env,
    _ctx: worker::Context,
) -> worker::Result<web_sys::Response> {
    #[cfg(feature = "conformance")]
    if let Some(report) = conformance::answer(&request).await? {
        return Ok(report);
    }
    Ok(gateway::Gateway::for_isolate(&env).serve(&request).await?)
}
