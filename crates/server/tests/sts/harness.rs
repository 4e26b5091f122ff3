//! A test OIDC issuer (HTTPS, its own CA), roles that trust it, and gateways with STS on
//! random loopback ports, stopped when dropped.

use std::net::SocketAddr;
use std::sync::Arc;

use multistore::config::{
    AccessScope, Action, BackendOptions, BackendType, BucketConfig, RoleConfig,
};
use multistore::proxy::ProxyGateway;
use multistore_server::health::HealthCheck;
use multistore_server::{IssuerFetcher, ServerBackend, Timeouts, serve};
use multistore_static_config::StaticProvider;
use multistore_sts::{IssuerTransport, StsRouteHandler, TokenKey};
use multistore_testkit::{IssuerOptions, OidcIssuer, TokenSpec};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The audience roles require.
pub(crate) const AUDIENCE: &str = "sts.amazonaws.com";
/// A subject [`ANALYSTS`] admits.
pub(crate) const SUBJECT: &str = "repo:example/data:ref:refs/heads/main";

/// Requires [`AUDIENCE`] and a subject under `repo:example/`; may use [`DATA`] fully,
/// read [`RESTRICTED`], and its own folder `users/{user}/` of [`HOME`]. Sessions up to 2 h.
pub(crate) const ANALYSTS: &str = "analysts";
/// The only role [`RESTRICTED`] admits.
pub(crate) const ADMINS: &str = "admins";

/// A bucket every role's scopes cover.
pub(crate) const DATA: &str = "data";
/// A bucket with `allowed_roles = [admins]`.
pub(crate) const RESTRICTED: &str = "restricted";
/// A bucket where [`ANALYSTS`] get `users/{user}/` only.
pub(crate) const HOME: &str = "home";

/// The current session token key of [`Harness::start`]'s gateway.
pub(crate) const KEY_1: [u8; 32] = [1; 32];
/// Another key.
pub(crate) const KEY_2: [u8; 32] = [2; 32];

/// How the harness is set up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    /// How the issuer is started.
    pub(crate) issuer: IssuerOptions,
    /// Whether gateways may fetch over plain HTTP.
    pub(crate) transport: IssuerTransport,
    /// Issuers trusted besides the harness's own.
    pub(crate) also_trusted: Vec<String>,
}

/// The issuer and the configuration gateways serve.
pub(crate) struct Harness {
    pub(crate) issuer: OidcIssuer,
    provider: Arc<StaticProvider>,
    transport: IssuerTransport,
}

/// A running gateway.
pub(crate) struct Gateway {
    pub(crate) address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Harness {
    /// The default harness and a gateway sealing with [`KEY_1`].
    pub(crate) async fn start() -> (Self, Gateway) {
        let harness = Self::with(Options::default()).await;
        let gateway = harness.gateway(TokenKey::new(&KEY_1)).await;
        (harness, gateway)
    }

    /// A harness set up as `options` say (no gateway yet).
    pub(crate) async fn with(options: Options) -> Self {
        let issuer = OidcIssuer::start_with(options.issuer)
            .await
            .expect("OIDC issuer");
        let mut trusted = vec![issuer.issuer().to_owned()];
        trusted.extend(options.also_trusted);
        let buckets = vec![
            memory_bucket(DATA, &[]),
            memory_bucket(RESTRICTED, &[ADMINS]),
            memory_bucket(HOME, &[]),
        ];
        let roles = vec![
            RoleConfig {
                role_id: ANALYSTS.into(),
                name: "Analysts from CI".into(),
                trusted_oidc_issuers: trusted.clone(),
                required_audiences: vec![AUDIENCE.into()],
                subject_conditions: vec!["repo:example/*".into()],
                max_session_duration_secs: 7200,
                allowed_scopes: vec![
                    scope(DATA, &[], ALL_ACTIONS),
                    scope(RESTRICTED, &[], &[Action::GetObject, Action::ListBucket]),
                    scope(
                        HOME,
                        &["users/{user}/"],
                        &[Action::GetObject, Action::PutObject, Action::ListBucket],
                    ),
                ],
            },
            RoleConfig {
                role_id: ADMINS.into(),
                name: "Administrators".into(),
                trusted_oidc_issuers: trusted,
                required_audiences: vec![],
                subject_conditions: vec![],
                max_session_duration_secs: 3600,
                allowed_scopes: vec![scope("*", &[], ALL_ACTIONS)],
            },
        ];
        let provider =
            Arc::new(StaticProvider::new(buckets, roles, vec![]).expect("valid configuration"));
        Self {
            issuer,
            provider,
            transport: options.transport,
        }
    }

    /// A gateway over this configuration whose STS seals (and opens) with `token_key`.
    pub(crate) async fn gateway(&self, token_key: TokenKey) -> Gateway {
        let fetcher =
            IssuerFetcher::with_extra_roots(self.transport, self.issuer.ca_pem().as_bytes())
                .expect("HTTPS client");
        let sts = StsRouteHandler::new(self.provider.clone(), token_key.clone(), fetcher)
            .with_issuer_transport(self.transport);
        let backend = ServerBackend::new(Timeouts::default()).expect("HTTP client");
        let gateway = ProxyGateway::new(backend, self.provider.clone(), self.provider.clone())
            .with_credential_resolver(token_key)
            .with_route_handler(HealthCheck)
            .with_route_handler(sts);
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve(listener, Arc::new(gateway), async {
            let _ = stopped.await;
        }));
        Gateway {
            address,
            stop: Some(stop),
        }
    }

    /// A token for [`SUBJECT`] and [`AUDIENCE`], as `adjust` changes it.
    pub(crate) fn token(&self, adjust: impl FnOnce(TokenSpec) -> TokenSpec) -> String {
        self.issuer.mint(&adjust(TokenSpec::new(SUBJECT, AUDIENCE)))
    }
}

const ALL_ACTIONS: &[Action] = &[
    Action::GetObject,
    Action::PutObject,
    Action::DeleteObject,
    Action::ListBucket,
];

fn memory_bucket(name: &str, allowed_roles: &[&str]) -> BucketConfig {
    BucketConfig {
        name: name.to_owned(),
        backend_type: BackendType::Memory,
        backend_prefix: None,
        anonymous_access: false,
        allowed_roles: allowed_roles.iter().map(|r| (*r).to_owned()).collect(),
        backend_options: BackendOptions::default(),
    }
}

fn scope(bucket: &str, prefixes: &[&str], actions: &[Action]) -> AccessScope {
    AccessScope {
        bucket: bucket.to_owned(),
        prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        actions: actions.to_vec(),
    }
}
