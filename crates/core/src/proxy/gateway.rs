//! The gateway: configuration, builders, and the request pipeline's front half.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use http::HeaderValue;

use super::authorization::{AuthorizedBuckets, authorize_buckets};
use super::completion::{Completion, Handled, since};
use super::dispatch::{Dispatcher, Terminal};
use super::response::{error_response, stamp_request_id};
use super::settings::Settings;
use crate::api::{RequestInfo, parse_request};
use crate::auth::IdentityResolver;
use crate::auth::sigv4::SigningKeyCache;
use crate::backend::connect::BackendConnector;
use crate::backend::{BackendCredentialSource, ProxyBackend};
use crate::bucket::collect_capped;
use crate::event::CompletionEvent;
use crate::ids::request_id;
use crate::middleware::{DispatchContext, Endpoint, Middleware, MiddlewareChain, Next};
use crate::registry::{
    BucketRegistry, CredentialRegistry, NoTemporaryCredentials, SharedBuckets, SharedCredentials,
    SharedTemporary, TemporaryCredentialResolver,
};
use crate::response::GatewayResponse;
use crate::route_handler::{RouteHandler, Routes};
use crate::{BoxFuture, ProxyError};

/// The `User-Agent` of outbound requests unless [`ProxyGateway::with_user_agent`] says
/// otherwise.
pub const DEFAULT_USER_AGENT: &str = concat!("multistore/", env!("CARGO_PKG_VERSION"));

/// The S3 gateway: parses, authenticates, authorizes and dispatches requests.
///
/// Its only type parameter is the runtime backend: registries, route handlers and
/// middleware are held type-erased, so a gateway with STS and one without, or with any set
/// of middleware, are the same type and are served by the same code. Built once per
/// process (or per Worker isolate) and shared by every request:
///
/// ```ignore
/// let gateway = ProxyGateway::new(backend, provider.clone(), provider)
///     .with_virtual_host_domain("s3.example.com")
///     .with_credential_resolver(token_key)
///     .with_route_handler(sts_routes)
///     .with_middleware(metering);
/// let handled = gateway.handle_request(request_info, body).await;
/// match handled.response {
///     GatewayResponse::Forward(backend_response) => { /* stream it */ }
///     GatewayResponse::Response(response) => { /* send it */ }
/// }
/// ```
pub struct ProxyGateway<B: ProxyBackend> {
    backend: Arc<B>,
    buckets: SharedBuckets,
    credentials: SharedCredentials,
    temporary: SharedTemporary,
    routes: Routes,
    middleware: Arc<MiddlewareChain<B::Body>>,
    settings: Settings,
}

impl<B: ProxyBackend> std::fmt::Debug for ProxyGateway<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyGateway")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl<B: ProxyBackend> ProxyGateway<B> {
    /// A gateway over `backend` with buckets from `bucket_registry` and keys from
    /// `credential_registry`, path-style addressing only, and no session tokens.
    pub fn new(
        backend: B,
        bucket_registry: impl BucketRegistry,
        credential_registry: impl CredentialRegistry,
    ) -> Self {
        Self {
            backend: Arc::new(backend),
            buckets: SharedBuckets::new(bucket_registry),
            credentials: SharedCredentials::new(credential_registry),
            temporary: SharedTemporary::new(NoTemporaryCredentials),
            routes: Routes::default(),
            middleware: Arc::new(MiddlewareChain::default()),
            settings: Settings {
                virtual_host_domain: None,
                region: None,
                max_request_body_size: None,
                user_agent: HeaderValue::from_static(DEFAULT_USER_AGENT),
                server_timing: false,
                signing_keys: Arc::new(SigningKeyCache::default()),
                backends: Arc::default(),
            },
        }
    }

    /// Serves virtual-hosted-style requests: `<bucket>.<domain>` addresses `<bucket>`.
    /// Path style always works.
    pub fn with_virtual_host_domain(mut self, domain: impl Into<String>) -> Self {
        self.settings.virtual_host_domain = Some(domain.into());
        self
    }

    /// Accepts session tokens (`x-amz-security-token`) resolved by `resolver`, instead of
    /// refusing them all.
    pub fn with_credential_resolver(mut self, resolver: impl TemporaryCredentialResolver) -> Self {
        self.temporary = SharedTemporary::new(resolver);
        self
    }

    /// Adds a route handler, tried before S3 parsing and after those added before it.
    pub fn with_route_handler(mut self, handler: impl RouteHandler) -> Self {
        self.routes.push(handler);
        self
    }

    /// Adds middleware after the middleware added before it: the first added runs first.
    pub fn with_middleware(mut self, middleware: impl Middleware<B::Body>) -> Self {
        self.middleware = Arc::new(self.middleware.append(middleware));
        self
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

    /// Adds a `Server-Timing` header (see [`CompletionEvent::server_timing`]) with the
    /// gateway's and the backend's share of each request's time.
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

/// What is known about a request while it is processed, for its [`CompletionEvent`].
struct RequestRecord {
    request_id: String,
    operation: &'static str,
    bucket: Option<String>,
    key: Option<String>,
    principal: String,
    /// When authentication and bucket resolution were done.
    authorized_at: Option<DateTime<Utc>>,
    /// From the end of the middleware chain until the dispatch returned.
    backend_time: Option<Duration>,
}

impl<B: ProxyBackend> ProxyGateway<B> {
    /// Serves one request. Every outcome, failures included, is a response: S3 errors are
    /// XML documents with a request id. Call `completion.finish` after sending it.
    pub async fn handle_request(&self, info: RequestInfo, body: B::Body) -> Handled<B::Body> {
        let started = Utc::now();
        let mut record = RequestRecord {
            request_id: request_id(),
            operation: "-",
            bucket: None,
            key: None,
            principal: "anonymous".to_owned(),
            authorized_at: None,
            backend_time: None,
        };
        let (mut response, error_code) = match self.process(&info, body, &mut record, started).await
        {
            Ok(response) => (response, None),
            Err(error) => {
                if error.status().is_server_error() {
                    tracing::warn!(request_id = %record.request_id, error = %error, "request failed");
                }
                let response = error_response(&error, &info.raw_path, &record.request_id);
                let code = (response.status.as_u16() >= 400).then(|| error.s3_code());
                (GatewayResponse::Response(response), code)
            }
        };
        stamp_request_id(response.headers_mut(), &record.request_id);
        let headers_time = since(started, Utc::now());
        let event = CompletionEvent {
            request_id: record.request_id,
            operation: record.operation,
            method: info.method,
            bucket: record.bucket,
            key: record.key,
            principal: record.principal,
            status: response.status(),
            error_code,
            bytes_in: 0,
            bytes_out: 0,
            auth_time: record.authorized_at.map(|at| since(started, at)),
            backend_time: record.backend_time,
            headers_time,
            total_time: headers_time,
            aborted: false,
        };
        if self.settings.server_timing
            && let Some(timing) = event.server_timing()
        {
            response.headers_mut().insert("server-timing", timing);
        }
        Handled {
            response,
            completion: Completion::new(event, started, self.middleware.clone()),
        }
    }

    async fn process(
        &self,
        info: &RequestInfo,
        body: B::Body,
        record: &mut RequestRecord,
        started: DateTime<Utc>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        if let Some(handler) = self.routes.matching(info) {
            record.operation = "Route";
            let body = collect_capped(B::body_into_stream(body), MAX_ROUTE_BODY_SIZE).await?;
            return Ok(GatewayResponse::Response(handler.handle(info, body).await));
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

        let AuthorizedBuckets {
            bucket,
            source_bucket,
        } = authorize_buckets(&self.buckets, &authenticated.identity, &operation).await?;
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
        let span = BackendSpan::default();
        let endpoint = Box::new(Timed {
            terminal,
            span: &span,
        });
        let response = Next::new(&self.middleware, endpoint).run(ctx).await;
        record.backend_time = span.take();
        response
    }
}

/// The time a dispatch took, written by [`Timed`] inside the middleware chain.
#[derive(Default)]
struct BackendSpan(Mutex<Option<Duration>>);

impl BackendSpan {
    fn record(&self, began: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(since(began, Utc::now()));
    }

    fn take(&self) -> Option<Duration> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

/// The end of the middleware chain: the dispatch, timed.
struct Timed<'a, B: ProxyBackend> {
    terminal: Terminal<'a, B, SharedBuckets>,
    span: &'a BackendSpan,
}

impl<'a, B: ProxyBackend> Endpoint<'a, B::Body> for Timed<'a, B> {
    fn call(
        self: Box<Self>,
        ctx: DispatchContext,
    ) -> BoxFuture<'a, Result<GatewayResponse<B::Body>, ProxyError>> {
        let Self { terminal, span } = *self;
        Box::pin(async move {
            let began = Utc::now();
            let response = terminal.run(ctx).await;
            span.record(began);
            response
        })
    }
}
