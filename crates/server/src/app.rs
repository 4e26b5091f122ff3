//! Start-up: configuration, the gateway, the listener, and shutdown signals.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use multistore::proxy::ProxyGateway;
use multistore_static_config::{ConfigError, StaticProvider};
use tokio::net::TcpListener;

use crate::backend::{ServerBackend, Timeouts};
use crate::cli::Cli;
use crate::default_config::{
    CONFIG_FILE_NAMES, DEFAULT_BUCKET, DEV_ACCESS_KEY_ID, DEV_SECRET_ACCESS_KEY, default_provider,
};
use crate::health::HealthCheck;
use crate::service::serve;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
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
    if cli.check_config {
        return Ok(());
    }

    let backend = ServerBackend::new(Timeouts::default()).map_err(|source| StartError::Io {
        context: "cannot set up the HTTP client".into(),
        source,
    })?;
    let mut gateway = ProxyGateway::new(backend, provider.clone(), provider, cli.domain.clone());
    if let Some(region) = &cli.region {
        gateway = gateway.with_region(region.clone());
    }
    let gateway = gateway.with_route_handler(HealthCheck);

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
    serve(listener, Arc::new(gateway), shutdown_signal()).await;
    Ok(())
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
