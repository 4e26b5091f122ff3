//! [`StsRouteHandler`]: `AssumeRoleWithWebIdentity` on the gateway's router.

mod params;
mod response;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::Method;
use multistore::api::RequestInfo;
use multistore::registry::CredentialRegistry;
use multistore::route_handler::{ProxyResponse, RouteHandler};

use crate::clock::{Clock, SystemClock};
use crate::fetch::{HttpsFetcher, IssuerTransport};
use crate::ids::{request_id, role_unique_id};
use crate::mint::{mint_credentials, session_duration};
use crate::oidc::{IssuerKeys, JwksSettings};
use crate::verifier::verify_web_identity;
use crate::{StsError, TokenKey};
use params::{AssumeRoleParams, is_form, query_names_action, read_params};
use response::AssumedRole;

/// Where the route is served unless [`StsRouteHandler::with_path`] says otherwise.
pub const DEFAULT_STS_PATH: &str = "/.sts";

/// The account shown in assumed-role ARNs when `RoleArn` named none.
const DEFAULT_ACCOUNT: &str = "000000000000";

/// Serves STS `AssumeRoleWithWebIdentity`: trades an OIDC token for temporary S3
/// credentials of a role, sealed into the session token by a [`TokenKey`].
///
/// Requests are taken at the configured path (default [`DEFAULT_STS_PATH`], `GET` or
/// `POST`) and at `/` for a form `POST` or a request whose query names
/// `Action=AssumeRoleWithWebIdentity`, which is where the AWS SDKs and aws-cli send them
/// with an endpoint override. Parameters come from the query string or the form body.
/// Roles come from the gateway's [`CredentialRegistry`]; issuers' keys are fetched
/// through the runtime's [`HttpsFetcher`] and cached (see [`JwksSettings`]).
///
/// ```ignore
/// let token_key = TokenKey::from_base64_list(&std::env::var("SESSION_TOKEN_KEY")?)?;
/// let sts = StsRouteHandler::new(provider.clone(), token_key.clone(), fetcher);
/// let gateway = ProxyGateway::new(backend, provider.clone(), provider)
///     .with_credential_resolver(token_key)
///     .with_route_handler(sts);
/// ```
pub struct StsRouteHandler<C, F, K = SystemClock> {
    registry: C,
    token_key: TokenKey,
    keys: IssuerKeys<F>,
    path: String,
    clock: K,
}

impl<C, F, K> std::fmt::Debug for StsRouteHandler<C, F, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StsRouteHandler")
            .field("path", &self.path)
            .field("token_key", &self.token_key)
            .field("jwks", &self.keys.settings)
            .field("transport", &self.keys.transport)
            .finish_non_exhaustive()
    }
}

impl<C: CredentialRegistry, F: HttpsFetcher> StsRouteHandler<C, F> {
    /// A handler minting credentials for the roles of `registry`, sealed with `token_key`,
    /// fetching identity-provider keys with `fetcher` over HTTPS only.
    pub fn new(registry: C, token_key: TokenKey, fetcher: F) -> Self {
        Self {
            registry,
            token_key,
            keys: IssuerKeys::new(fetcher),
            path: DEFAULT_STS_PATH.to_owned(),
            clock: SystemClock,
        }
    }
}

impl<C, F, K> StsRouteHandler<C, F, K> {
    /// Serves the route at `path` (a leading `/` is added if missing) instead of
    /// [`DEFAULT_STS_PATH`]. With `/`, only form `POST`s and `?Action=` requests at `/` are
    /// taken, so that S3's ListBuckets keeps working.
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        self
    }

    /// Whether issuers may be fetched over plain HTTP ([`IssuerTransport::HttpsOnly`] by
    /// default).
    pub fn with_issuer_transport(mut self, transport: IssuerTransport) -> Self {
        self.keys.transport = transport;
        self
    }

    /// How issuers' keys are fetched and cached.
    pub fn with_jwks_settings(mut self, settings: JwksSettings) -> Self {
        self.keys.settings = settings;
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn with_clock<K2: Clock>(self, clock: K2) -> StsRouteHandler<C, F, K2> {
        StsRouteHandler {
            registry: self.registry,
            token_key: self.token_key,
            keys: self.keys,
            path: self.path,
            clock,
        }
    }

    /// The path the route is served at.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl<C: CredentialRegistry, F: HttpsFetcher, K: Clock> StsRouteHandler<C, F, K> {
    async fn assume_role(
        &self,
        request: &RequestInfo,
        body: &Bytes,
        now: DateTime<Utc>,
        request_id: &str,
    ) -> Result<ProxyResponse, StsError> {
        let params = read_params(request, body)?;
        let role = self
            .registry
            .get_role(&params.role_id)
            .await
            .map_err(StsError::RoleLookup)?
            .ok_or_else(|| StsError::AccessDenied("No such role.".into()))?;
        let identity =
            verify_web_identity(&self.keys, &params.web_identity_token, &role, now).await?;
        let duration = session_duration(params.duration_secs, &role);
        let mut credentials = mint_credentials(&role, &identity, duration, now)?;
        credentials.session_token = self.token_key.seal(&credentials)?;
        tracing::info!(
            role = %role.role_id,
            subject = %identity.claims.subject,
            access_key_id = %credentials.access_key_id,
            expiration = %credentials.expiration,
            scopes = credentials.allowed_scopes.len(),
            "minted temporary credentials"
        );
        let AssumeRoleParams {
            account,
            session_name,
            ..
        } = params;
        let account = account.as_deref().unwrap_or(DEFAULT_ACCOUNT);
        Ok(response::success(
            &AssumedRole {
                credentials: &credentials,
                subject: &identity.claims.subject,
                audience: &identity.audience,
                provider: &identity.claims.issuer,
                arn: &format!(
                    "arn:aws:sts::{account}:assumed-role/{}/{session_name}",
                    role.role_id
                ),
                assumed_role_id: &format!("{}:{session_name}", role_unique_id(&role.role_id)),
            },
            request_id,
        ))
    }
}

impl<C: CredentialRegistry, F: HttpsFetcher, K: Clock> RouteHandler for StsRouteHandler<C, F, K> {
    fn matches(&self, request: &RequestInfo) -> bool {
        if !matches!(request.method, Method::GET | Method::POST) {
            return false;
        }
        if self.path != "/" && request.raw_path == self.path {
            return true;
        }
        request.raw_path == "/"
            && ((request.method == Method::POST && is_form(request)) || query_names_action(request))
    }

    async fn handle(&self, request: &RequestInfo, body: Bytes) -> ProxyResponse {
        let request_id = request_id();
        let now = self.clock.now();
        match self.assume_role(request, &body, now, &request_id).await {
            Ok(response) => response,
            Err(error) => {
                if error.status().is_server_error() {
                    tracing::warn!(%request_id, %error, "AssumeRoleWithWebIdentity failed");
                } else {
                    tracing::info!(%request_id, code = error.sts_code(), %error, "AssumeRoleWithWebIdentity refused");
                }
                response::error(&error, &request_id)
            }
        }
    }
}
