//! The gateway: configuration, builders, and the request pipeline's front half.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use http::HeaderValue;

use super::body::collect_capped;
use super::completion::{Completion, Handled, RequestRecord};
use super::dispatch::{Dispatcher, Terminal};
use super::response::{GatewayResponse, error_response, stamp_request_id};
use crate::ProxyError;
use crate::api::{RequestInfo, S3Operation, parse_request};
use crate::auth::IdentityResolver;
use crate::auth::sigv4::SigningKeyCache;
use crate::backend::connect::BackendConnector;
use crate::backend::{BackendCredentialSource, ProxyBackend};
use crate::ids::request_id;
use crate::middleware::{Append, DispatchContext, Middleware, MiddlewareStack};
use crate::registry::{
    BucketRegistry, CredentialRegistry, NoTemporaryCredentials, TemporaryCredentialResolver,
};
use crate::route_handler::{RouteHandler, Router};

/// The `User-Agent` of outbound requests unless [`ProxyGateway::with_user_agent`] says
/// otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("multistore/", env!("CARGO_PKG_VERSION"));

/// The S3 gateway: parses, authenticates, authorizes and dispatches requests.
///
/// Built once per process (or per Worker isolate) and shared by every request:
///
/// ```ignore
/// let gateway = ProxyGateway::new(backend, provider.clone(), provider, None)
///     .with_credential_resolver(token_key)
///     .with_route_handler(sts_routes)
///     .with_middleware(metering);
/// let handled = gateway.handle_request(request_info, body).await;
/// match handled.response {
///     GatewayResponse::Forward(backend_response) => { /* stream it */ }
///     GatewayResponse::Response(response) => { /* send it */ }
/// }
/// ```
pub struct ProxyGateway<B, R, C, T = NoTemporaryCredentials, H = (), M = ()> {
    backend: B,
    buckets: R,
    credentials: C,
    temporary: T,
    router: H,
    middleware: Arc<M>,
    settings: Settings,
}

/// Settings every request reads.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) virtual_host_domain: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) max_request_body_size: Option<u64>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) server_timing: bool,
    pub(crate) signing_keys: Arc<SigningKeyCache>,
    pub(crate) backends: Arc<BackendConnector>,
}

impl<B, R, C, T, H, M> std::fmt::Debug for ProxyGateway<B, R, C, T, H, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyGateway")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<B, R, C> ProxyGateway<B, R, C> {
    /// A gateway over `backend` with buckets from `bucket_registry` and keys from
    /// `credential_registry`. With `virtual_host_domain` set, requests to
    /// `<bucket>.<domain>` address `<bucket>` (virtual-hosted style); path style always
    /// works.
    pub fn new(
        backend: B,
        bucket_registry: R,
        credential_registry: C,
        virtual_host_domain: Option<String>,
    ) -> Self {
        Self {
            backend,
            buckets: bucket_registry,
            credentials: credential_registry,
            temporary: NoTemporaryCredentials,
            router: (),
            middleware: Arc::new(()),
            settings: Settings {
                virtual_host_domain,
                region: None,
                max_request_body_size: None,
                user_agent: HeaderValue::from_static(DEFAULT_USER_AGENT),
                server_timing: false,
                signing_keys: Arc::new(SigningKeyCache::default()),
                backends: Arc::default(),
            },
        }
    }
}

impl<B, R, C, T, H, M> ProxyGateway<B, R, C, T, H, M> {
    /// Accepts session tokens (`x-amz-security-token`) resolved by `resolver`.
    pub fn with_credential_resolver<T2>(self, resolver: T2) -> ProxyGateway<B, R, C, T2, H, M> {
        ProxyGateway {
            backend: self.backend,
            buckets: self.buckets,
            credentials: self.credentials,
            temporary: resolver,
            router: self.router,
            middleware: self.middleware,
            settings: self.settings,
        }
    }

    /// Adds a route handler, tried before S3 parsing and after those added before it.
    pub fn with_route_handler<X: RouteHandler>(
        self,
        handler: X,
    ) -> ProxyGateway<B, R, C, T, (H, X), M> {
        ProxyGateway {
            backend: self.backend,
            buckets: self.buckets,
            credentials: self.credentials,
            temporary: self.temporary,
            router: (self.router, handler),
            middleware: self.middleware,
            settings: self.settings,
        }
    }

    /// Adds middleware after the middleware added before it.
    pub fn with_middleware<X>(self, middleware: X) -> ProxyGateway<B, R, C, T, H, M::Output>
    where
        X: Middleware,
        M: Append<X>,
    {
        let chain = Arc::try_unwrap(self.middleware)
            .unwrap_or_else(|_| unreachable!("the chain is shared only once requests run"));
        ProxyGateway {
            backend: self.backend,
            buckets: self.buckets,
            credentials: self.credentials,
            temporary: self.temporary,
            router: self.router,
            middleware: Arc::new(chain.append(middleware)),
            settings: self.settings,
        }
    }

    /// Refuses uploads (PutObject, UploadPart) larger than `bytes` with `EntityTooLarge`.
    pub fn with_max_request_body_size(mut self, bytes: u64) -> Self {
        self.settings.max_request_body_size = Some(bytes);
        self
    }

    /// Sends `user_agent` on every outbound request instead of `multistore/<version>`.
    pub fn with_user_agent(mut self, user_agent: HeaderValue) -> Self {
        self.settings.user_agent = user_agent;
        self
    }

    /// Adds a `Server-Timing` header with the gateway's and the backend's share of each
    /// request's time.
    pub fn with_server_timing(mut self, enabled: bool) -> Self {
        self.settings.server_timing = enabled;
        self
    }

    /// The region clients must sign for and GetBucketLocation reports. Without it, any
    /// region a client signed for is accepted and `us-east-1` is reported.
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.settings.region = Some(region.into());
        self
    }

    /// Supplies backend credentials from `source`, asked on every request that reaches a
    /// backend, instead of the buckets' configured keys ([`ConfiguredCredentials`]).
    /// Signers and stores are rebuilt when it supplies new credentials.
    ///
    /// [`ConfiguredCredentials`]: crate::backend::ConfiguredCredentials
    // Shared by clones of the settings; on wasm32 nothing is `Send`, and there is one thread.
    #[allow(clippy::arc_with_non_send_sync)]
    pub fn with_backend_credentials(mut self, source: impl BackendCredentialSource) -> Self {
        self.settings.backends = Arc::new(BackendConnector::new(source));
        self
    }

    /// The runtime backend.
    pub fn backend(&self) -> &B {
        &self.backend
    }
}

/// The most bytes read from the body of a request to a route handler (STS forms).
const MAX_ROUTE_BODY_SIZE: usize = 64 * 1024;

impl<B, R, C, T, H, M> ProxyGateway<B, R, C, T, H, M>
where
    B: ProxyBackend,
    R: BucketRegistry,
    C: CredentialRegistry,
    T: TemporaryCredentialResolver,
    H: Router,
    M: MiddlewareStack,
{
    /// Serves one request. Every outcome, failures included, is a response: S3 errors are
    /// XML documents with a request id. Call `completion.finish` after sending it.
    pub async fn handle_request(&self, info: RequestInfo, body: B::Body) -> Handled<B::Body> {
        let started = Utc::now();
        let mut record = RequestRecord {
            request_id: request_id(),
            method: info.method.clone(),
            operation: "-",
            bucket: None,
            key: None,
            principal: "anonymous".to_owned(),
            authorized_at: None,
        };
        let mut response = match self.process(&info, body, &mut record, started).await {
            Ok(response) => response,
            Err(error) => {
                if error.status().is_server_error() {
                    tracing::warn!(request_id = %record.request_id, error = %error, "request failed");
                }
                GatewayResponse::Response(error_response(
                    &error,
                    &info.raw_path,
                    &record.request_id,
                ))
            }
        };
        stamp_request_id(response.headers_mut(), &record.request_id);
        if self.settings.server_timing {
            add_server_timing(response.headers_mut(), started, record.authorized_at);
        }
        let status = response.status();
        let observer = self.middleware.clone();
        Handled {
            response,
            completion: Completion::new(record, status, started, observer),
        }
    }

    async fn process(
        &self,
        info: &RequestInfo,
        body: B::Body,
        record: &mut RequestRecord,
        started: DateTime<Utc>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        if self.router.matches(info) {
            record.operation = "Route";
            let body = collect_capped(B::body_into_stream(body), MAX_ROUTE_BODY_SIZE).await?;
            let response = self.router.route(info, body).await;
            return response
                .map(GatewayResponse::Response)
                .ok_or(ProxyError::MethodNotAllowed);
        }
        let operation = parse_request(info, self.settings.virtual_host_domain.as_deref())?;
        record.operation = operation.name();
        record.bucket = operation.bucket().map(str::to_owned);
        record.key = operation.key().map(str::to_owned);

        let authenticated = IdentityResolver {
            credentials: &self.credentials,
            temporary: &self.temporary,
            region: self.settings.region.as_deref(),
            signing_keys: &self.settings.signing_keys,
        }
        .resolve(info, started)
        .await?;
        record.principal = authenticated.identity.principal();

        let identity = &authenticated.identity;
        let bucket = match operation.bucket() {
            Some(name) => Some(self.buckets.get_bucket(name, identity, &operation).await?),
            None => None,
        };
        let source_bucket = match copy_source_bucket(&operation) {
            Some(name) => Some(self.buckets.get_bucket(name, identity, &operation).await?),
            None => None,
        };
        record.authorized_at = Some(Utc::now());
        let ctx = DispatchContext {
            request_id: record.request_id.clone(),
            identity: authenticated.identity,
            operation,
            bucket,
            source_bucket,
            headers: info.headers.clone(),
            extensions: http::Extensions::new(),
        };
        let terminal = Terminal {
            dispatcher: Dispatcher::new(
                &self.backend,
                &self.buckets,
                &self.settings,
                info,
                started,
            ),
            body,
            signature: authenticated.signature,
        };
        self.middleware.run(ctx, terminal).await
    }
}

/// `Server-Timing: auth;dur=…, total;dur=…`: the time spent authenticating and
/// authorizing, and the time until the response's headers were ready (backend included).
fn add_server_timing(
    headers: &mut http::HeaderMap,
    started: DateTime<Utc>,
    authorized_at: Option<DateTime<Utc>>,
) {
    let millis = |to: DateTime<Utc>| (to - started).num_microseconds().unwrap_or(0) as f64 / 1000.0;
    let mut timing = String::new();
    if let Some(authorized_at) = authorized_at {
        timing.push_str(&format!("auth;dur={:.3}, ", millis(authorized_at)));
    }
    timing.push_str(&format!("total;dur={:.3}", millis(Utc::now())));
    if let Ok(value) = HeaderValue::from_str(&timing) {
        headers.insert("server-timing", value);
    }
}

/// The bucket a copy reads from.
fn copy_source_bucket(operation: &S3Operation) -> Option<&str> {
    match operation {
        S3Operation::CopyObject { source, .. } | S3Operation::UploadPartCopy { source, .. } => {
            Some(&source.bucket)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn server_timing_reports_auth_and_total() {
        let mut headers = http::HeaderMap::new();
        let started = Utc::now() - TimeDelta::milliseconds(5);
        add_server_timing(
            &mut headers,
            started,
            Some(started + TimeDelta::microseconds(1500)),
        );
        let timing = headers["server-timing"].to_str().unwrap();
        assert!(timing.starts_with("auth;dur=1.500, total;dur="), "{timing}");
    }
}
