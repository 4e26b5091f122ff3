//! `multistore-test-s3`: the test S3 server as a process, for suites in other languages
//! and for benchmarks. Prints `listening on http://127.0.0.1:<port>` once ready and runs
//! until killed.

use std::path::PathBuf;

use clap::Parser;
use multistore_testkit::S3Server;

/// An S3 server (s3s-fs) over a directory, on loopback, verifying SigV4.
#[derive(Debug, Parser)]
struct Options {
    /// Directory served; each sub-directory is a bucket.
    #[arg(long)]
    root: PathBuf,
    /// Port on 127.0.0.1 (0 for any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Access key id clients must sign with.
    #[arg(long)]
    access_key: String,
    /// Secret key clients must sign with.
    #[arg(long)]
    secret_key: String,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let options = Options::parse();
    std::fs::create_dir_all(&options.root)?;
    let server = S3Server::start(
        &options.root,
        options.port,
        &options.access_key,
        &options.secret_key,
    )
    .await?;
    // The one line a parent process waits for.
    #[allow(clippy::print_stdout)]
    {
        println!("listening on {}", server.endpoint());
    }
    std::future::pending::<()>().await;
    Ok(())
}
