//! Start-up: configuration, the gateway, the listener, and shutdown signals.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use multistore::proxy::ProxyGateway;
use multistore_static_config::{ConfigError, StaticProvider};
use multistore_sts::{IssuerTransport, StsError, StsRouteHandler, TokenKey};
use tokio::net::TcpListener;

use crate::backend::leftovers::sweep_interrupted_writes;
use crate::backend::{ServerBackend, Timeouts};
use crate::cli::Cli;
use crate::default_config::{
    CONFIG_FILE_NAMES, DEFAULT_BUCKET, DEV_ACCESS_KEY_ID, DEV_SECRET_ACCESS_KEY, default_provider,
};
use crate::health::HealthCheck;
use crate::issuer_fetcher::IssuerFetcher;
use crate::service::serve_with;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// `SESSION_TOKEN_KEY` (or `--session-token-key`) is malformed.
    #[error(
        "SESSION_TOKEN_KEY is malformed: {0}. Each key is 32 random bytes in base64 (make \
         one with `openssl rand -base64 32`); separate several with commas, current first."
    )]
    SessionTokenKey(String),
    /// The listener or the HTTP client could not be set up.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying failure.
        source: std::io::Error,
    },
}

/// Where the configuration comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A TOML or JSON file.
    File(PathBuf),
    /// The built-in configuration over a local directory.
    BuiltIn {
        /// The directory served.
        root: PathBuf,
    },
}

impl ConfigSource {
    /// `--config`, else a config file in the working directory, else the built-in one.
    pub fn choose(cli: &Cli) -> Self {
        if let Some(path) = &cli.config {
            return Self::File(path.clone());
        }
        CONFIG_FILE_NAMES
            .iter()
            .map(PathBuf::from)
            .find(|path| path.is_file())
            .map_or_else(
                || Self::BuiltIn {
                    root: cli.data_dir.clone(),
                },
                Self::File,
            )
    }

    /// Loads and validates the configuration.
    pub fn load(&self) -> Result<StaticProvider, ConfigError> {
        match self {
            Self::File(path) => StaticProvider::from_file(path),
            Self::BuiltIn { root } => default_provider(root),
        }
    }
}

/// Runs the server as the command line says, until SIGTERM or Ctrl-C.
pub async fn run(cli: Cli) -> Result<(), StartError> {
    let source = ConfigSource::choose(&cli);
    let provider = Arc::new(source.load()?);
    describe(&source, &provider);
    let token_key = session_token_key(&cli)?;
    if cli.check_config {
        return Ok(());
    }
    sweep_interrupted_writes(provider.buckets()).await;

    let backend = ServerBackend::new(Timeouts::default()).map_err(|source| StartError::Io {
        context: "cannot set up the HTTP client".into(),
        source,
    })?;
    let mut gateway = ProxyGateway::new(backend, provider.clone(), provider.clone())
        .with_route_handler(HealthCheck);
    if let Some(domain) = &cli.domain {
        gateway = gateway.with_virtual_host_domain(domain.clone());
    }
    if let Some(region) = &cli.region {
        gateway = gateway.with_region(region.clone());
    }
    match token_key {
        Some(token_key) => {
            let route = sts_route(&cli, &provider, token_key.clone())?;
            gateway = gateway
                .with_credential_resolver(token_key)
                .with_route_handler(route);
        }
        None if !provider.roles().is_empty() => {
            tracing::info!("STS is off: set SESSION_TOKEN_KEY to let OIDC identities assume roles");
        }
        None => {}
    }

    let listener = TcpListener::bind(cli.listen)
        .await
        .map_err(|source| StartError::Io {
            context: format!("cannot listen on {}", cli.listen),
            source,
        })?;
    tracing::info!("listening on http://{}", cli.listen);
    if let ConfigSource::BuiltIn { root } = &source {
        announce_built_in(&cli, root);
    }
    let limits = cli.limits();
    tracing::info!(
        "limits: {} connections; request head {:?} and {} bytes; keep-alive {:?}; request body idle {:?}",
        limits.max_connections,
        limits.request_head_timeout,
        limits.max_request_head_size,
        limits.keep_alive_timeout,
        limits.request_body_timeout
    );
    serve_with(listener, Arc::new(gateway), limits, shutdown_signal()).await;
    Ok(())
}

/// The session token keys, if STS is on.
fn session_token_key(cli: &Cli) -> Result<Option<TokenKey>, StartError> {
    let Some(keys) = &cli.session_token_key else {
        return Ok(None);
    };
    TokenKey::from_base64_list(keys.expose())
        .map(Some)
        .map_err(|error| match error {
            StsError::InvalidTokenKey(reason) => StartError::SessionTokenKey(reason),
            other => StartError::SessionTokenKey(other.to_string()),
        })
}

/// The STS route over the configured roles.
fn sts_route(
    cli: &Cli,
    provider: &Arc<StaticProvider>,
    token_key: TokenKey,
) -> Result<StsRouteHandler<Arc<StaticProvider>, IssuerFetcher>, StartError> {
    let transport = if cli.insecure_allow_http_oidc_issuers {
        tracing::warn!(
            "OIDC issuers may be reached over plain HTTP (--insecure-allow-http-oidc-issuers): \
             anyone on the network path can forge tokens"
        );
        IssuerTransport::AllowPlainHttp
    } else {
        IssuerTransport::HttpsOnly
    };
    let fetcher = IssuerFetcher::new(transport).map_err(|source| StartError::Io {
        context: "cannot set up the HTTPS client for OIDC issuers".into(),
        source,
    })?;
    let key_ids = token_key.key_ids();
    let route = StsRouteHandler::new(provider.clone(), token_key, fetcher)
        .with_path(cli.sts_path.clone())
        .with_issuer_transport(transport);
    tracing::info!(
        "STS AssumeRoleWithWebIdentity at {} (and form POSTs to /); session token key ids {:?}",
        route.path(),
        key_ids
    );
    Ok(route)
}

/// Logs what the configuration holds (never a secret).
fn describe(source: &ConfigSource, provider: &StaticProvider) {
    match source {
        ConfigSource::File(path) => tracing::info!("configuration: {}", path.display()),
        ConfigSource::BuiltIn { .. } => tracing::info!("configuration: built-in (no --config)"),
    }
    for bucket in provider.buckets() {
        tracing::info!(
            "bucket `{}` on {}{}",
            bucket.name,
            bucket.backend_type.as_str(),
            if bucket.anonymous_access {
                " (anonymous read)"
            } else {
                ""
            }
        );
    }
    tracing::info!(
        "{} role(s), {} credential(s)",
        provider.roles().len(),
        provider.credentials().len()
    );
}

fn announce_built_in(cli: &Cli, root: &Path) {
    tracing::info!(
        "serving directory {} as bucket `{DEFAULT_BUCKET}`: anyone may read it; write with \
         the development key pair AWS_ACCESS_KEY_ID={DEV_ACCESS_KEY_ID} \
         AWS_SECRET_ACCESS_KEY={DEV_SECRET_ACCESS_KEY}",
        root.display()
    );
    tracing::info!(
        "try: curl http://{}/{DEFAULT_BUCKET}/   or   aws --endpoint-url http://{} s3 ls s3://{DEFAULT_BUCKET}/",
        cli.listen,
        cli.listen
    );
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
