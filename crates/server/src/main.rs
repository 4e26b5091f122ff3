//! The `multistore-server` binary.

use std::io::IsTerminal;

use clap::Parser;
use multistore_server::app;
use multistore_server::cli::Cli;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        // Colour codes only for a terminal, never in log files or collectors.
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    match app::run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            std::process::ExitCode::FAILURE
        }
    }
}
