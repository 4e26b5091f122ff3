//! The gateway, built once per isolate and shared by its requests, so that caches (signing
//! keys, JWKS, `memory` buckets) survive from one request to the next.

use std::cell::OnceCell;
use std::rc::Rc;
use std::sync::Arc;

use multistore::ProxyError;
use multistore::api::response::render_error;
use multistore::proxy::ProxyGateway;
use multistore_cf_workers::{FetchIssuer, WorkerBackend, log_to_console, serve};
use multistore_sts::StsRouteHandler;
use wasm_bindgen::JsValue;
use worker::Env;

use crate::health::HealthCheck;
use crate::settings::{self, Settings};

/// The isolate's gateway: with STS when `SESSION_TOKEN_KEY` is set (one gateway type
/// either way), or nothing but an error for every request when the settings are unusable
/// (logged once, at start-up).
pub(crate) enum Gateway {
    /// The settings were usable.
    Ready(ProxyGateway<WorkerBackend>),
    /// The settings are unusable.
    Misconfigured,
}

thread_local! {
    /// A Worker isolate is single-threaded: one gateway per isolate.
    static GATEWAY: OnceCell<Rc<Gateway>> = const { OnceCell::new() };
}

impl Gateway {
    /// The isolate's gateway, built from `env` on first use.
    pub(crate) fn for_isolate(env: &Env) -> Rc<Self> {
        GATEWAY.with(|cell| cell.get_or_init(|| Rc::new(Self::build(env))).clone())
    }

    fn build(env: &Env) -> Self {
        log_to_console(settings::log_level(env));
        match Settings::from_env(env) {
            Ok(settings) => Self::from_settings(settings),
            Err(error) => {
                tracing::error!("unusable settings: {error}");
                Self::Misconfigured
            }
        }
    }

    fn from_settings(settings: Settings) -> Self {
        let provider = Arc::new(settings.provider);
        tracing::info!(
            "{} bucket(s), {} role(s), {} credential(s); uploads up to {} bytes",
            provider.buckets().len(),
            provider.roles().len(),
            provider.credentials().len(),
            settings.max_upload_bytes
        );
        let mut gateway =
            ProxyGateway::new(WorkerBackend::new(), provider.clone(), provider.clone())
                .with_max_request_body_size(settings.max_upload_bytes)
                .with_route_handler(HealthCheck);
        if let Some(domain) = settings.virtual_host_domain {
            gateway = gateway.with_virtual_host_domain(domain);
        }
        if let Some(region) = settings.region {
            gateway = gateway.with_region(region);
        }
        if let Some(token_key) = settings.session_token_key {
            let mut sts = StsRouteHandler::new(
                provider,
                token_key.clone(),
                FetchIssuer::new(settings.issuer_transport),
            )
            .with_issuer_transport(settings.issuer_transport);
            if let Some(path) = settings.sts_path {
                sts = sts.with_path(path);
            }
            tracing::info!("STS AssumeRoleWithWebIdentity at {}", sts.path());
            gateway = gateway
                .with_credential_resolver(token_key)
                .with_route_handler(sts);
        }
        Self::Ready(gateway)
    }

    /// Serves one request.
    pub(crate) async fn serve(
        &self,
        request: &web_sys::Request,
    ) -> Result<web_sys::Response, JsValue> {
        match self {
            Self::Ready(gateway) => serve(gateway, request).await,
            Self::Misconfigured => misconfigured(),
        }
    }
}

/// S3's `InternalError`, without the details (they are in the Worker's log).
fn misconfigured() -> Result<web_sys::Response, JsValue> {
    let error = ProxyError::Internal("unusable settings".into());
    let init = web_sys::ResponseInit::new();
    init.set_status(error.status().as_u16());
    let headers = web_sys::Headers::new()?;
    headers.set("content-type", "application/xml")?;
    init.set_headers(&headers);
    web_sys::Response::new_with_opt_str_and_init(Some(&render_error(&error, "/", "")), &init)
}
