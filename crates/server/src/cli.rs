//! Command-line options.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;

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
}
