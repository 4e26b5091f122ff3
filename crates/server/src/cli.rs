//! Command-line options.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use clap::builder::{NonEmptyStringValueParser, TypedValueParser};
use multistore::SecretString;
use multistore_sts::DEFAULT_STS_PATH;

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

    /// INSECURE, for test issuers on loopback only: fetch OIDC discovery documents and
    /// keys over plain http://, where anyone on the network path could forge tokens.
    #[arg(long, env = "MULTISTORE_INSECURE_ALLOW_HTTP_OIDC_ISSUERS")]
    pub insecure_allow_http_oidc_issuers: bool,
}
