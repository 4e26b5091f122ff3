//! Command-line options.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use clap::builder::{NonEmptyStringValueParser, TypedValueParser};
use multistore::SecretString;
use multistore_sts::DEFAULT_STS_PATH;

use crate::limits::ServerLimits;

/// multistore: one S3 endpoint in front of data that lives anywhere.
///
/// Without `--config` (and without a `multistore.toml` or `multistore.json` in the working
/// directory) the server starts with a built-in configuration: the directory `--data-dir`
/// served as bucket `data`, readable by anyone and writable with a development key that is
/// printed at start-up.
#[derive(Debug, Parser)]
#[command(name = "multistore-server", version)]
pub struct Cli {
    /// Configuration file (TOML or JSON) with buckets, roles and credentials.
    #[arg(long, env = "MULTISTORE_CONFIG")]
    pub config: Option<PathBuf>,

    /// Address to listen on.
    #[arg(long, env = "MULTISTORE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Domain for virtual-hosted-style requests (`<bucket>.<domain>`); path style always
    /// works.
    #[arg(long, env = "MULTISTORE_DOMAIN")]
    pub domain: Option<String>,

    /// Region clients must sign for and GetBucketLocation reports (default: accept any).
    #[arg(long, env = "MULTISTORE_REGION")]
    pub region: Option<String>,

    /// Directory served by the built-in configuration.
    #[arg(long, default_value = "data")]
    pub data_dir: PathBuf,

    /// Load and validate the configuration, print a summary, and exit.
    #[arg(long)]
    pub check_config: bool,

    /// Keys that seal STS session tokens: 32 random bytes in base64 (`openssl rand -base64
    /// 32`), comma-separated for rotation with the current key first. Setting it enables
    /// STS AssumeRoleWithWebIdentity for the configured roles. Prefer the environment
    /// variable to the flag, which other users can see in the process list.
    #[arg(
        long,
        env = "SESSION_TOKEN_KEY",
        hide_env_values = true,
        value_name = "BASE64[,BASE64...]",
        value_parser = NonEmptyStringValueParser::new().map(SecretString::from)
    )]
    pub session_token_key: Option<SecretString>,

    /// Path of the STS endpoint (it also answers form POSTs to `/`, as the AWS SDKs send
    /// them).
    #[arg(long, env = "MULTISTORE_STS_PATH", default_value = DEFAULT_STS_PATH)]
    pub sts_path: String,

    /// Connections open at once; a connection beyond it is answered `503 SlowDown` (S3
    /// clients back off and retry) and closed. Each may hold a backend connection too:
    /// allow about twice as many open files (`ulimit -n`).
    #[arg(long, env = "MULTISTORE_MAX_CONNECTIONS", value_name = "N",
          default_value_t = ServerLimits::DEFAULT_MAX_CONNECTIONS,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// Seconds a new connection may take to send its first complete request head; then
    /// it is closed without an answer.
    #[arg(long, env = "MULTISTORE_REQUEST_HEAD_TIMEOUT", value_name = "SECONDS",
          default_value_t = ServerLimits::DEFAULT_REQUEST_HEAD_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub request_head_timeout: u64,

    /// Seconds a connection may stay open with no request in progress after its first;
    /// the next request's head must be complete within them. Then it is closed.
    #[arg(long, env = "MULTISTORE_KEEP_ALIVE_TIMEOUT", value_name = "SECONDS",
          default_value_t = ServerLimits::DEFAULT_KEEP_ALIVE_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub keep_alive_timeout: u64,

    /// Seconds a request body (an upload) may send nothing; then the request fails and
    /// nothing is stored.
    #[arg(long, env = "MULTISTORE_REQUEST_BODY_TIMEOUT", value_name = "SECONDS",
          default_value_t = ServerLimits::DEFAULT_REQUEST_BODY_TIMEOUT.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..))]
    pub request_body_timeout: u64,

    /// Largest request head in bytes (HTTP/1.1: request line and headers; HTTP/2: the
    /// header list); a larger one is answered `431 Request Header Fields Too Large`.
    #[arg(long, env = "MULTISTORE_MAX_REQUEST_HEAD_SIZE", value_name = "BYTES",
          default_value_t = ServerLimits::DEFAULT_MAX_REQUEST_HEAD_SIZE,
          value_parser = clap::value_parser!(u32).range(1024..))]
    pub max_request_head_size: u32,

    /// INSECURE, for test issuers on loopback only: fetch OIDC discovery documents and
    /// keys over plain http://, where anyone on the network path could forge tokens.
    #[arg(long, env = "MULTISTORE_INSECURE_ALLOW_HTTP_OIDC_ISSUERS")]
    pub insecure_allow_http_oidc_issuers: bool,
}

impl Cli {
    /// The limits the options set.
    pub fn limits(&self) -> ServerLimits {
        ServerLimits {
            max_connections: self.max_connections,
            request_head_timeout: Duration::from_secs(self.request_head_timeout),
            keep_alive_timeout: Duration::from_secs(self.keep_alive_timeout),
            request_body_timeout: Duration::from_secs(self.request_body_timeout),
            max_request_head_size: self.max_request_head_size,
        }
    }
}
