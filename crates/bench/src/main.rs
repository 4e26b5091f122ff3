//! # multistore-bench
//!
//! What the gateway costs, measured side by side: every scenario runs directly against an
//! S3 backend and through `multistore-server` in front of that same backend, in
//! alternation, for several rounds, and the report gives the medians, the
//! gateway/direct ratios, and the gateway process's CPU seconds and peak RSS.
//!
//! ```text
//! cargo run --release -p multistore-bench -- [--quick] [--only get-1k-key,list-10k] …
//! ```
//!
//! ## What runs
//!
//! * The backend: the testkit's `multistore-test-s3` (`s3s-fs`, verifying SigV4) on
//!   loopback, or any S3 endpoint given with `--endpoint` (plain HTTP).
//! * The gateway: the release `multistore-server` binary as a child process, with a
//!   generated configuration (a signed bucket, an anonymous-read bucket, a long-lived key,
//!   and a role for STS trusting the testkit's OIDC issuer, which runs in this process).
//! * The load: this process, a Rust HTTP/1.1 client with a fixed number of kept-alive
//!   connections, signing with the core's SigV4 signer in both runs (the backend's keys
//!   directly, the gateway's keys through it), so the signing cost on the client side is
//!   the same on both sides.
//!
//! On the 2-core development machine the client and the backend share CPU 0 and the
//! gateway gets CPU 1 (`taskset`; `--no-pin` to turn it off).
//!
//! ## Layout
//!
//! `options` (the command line), `run` (the sequence), `processes` / `backend` /
//! `gateway` / `sts` (what is started), `seed`, `scenarios` (what is measured) and
//! `workloads` / `multipart` (how), `client` (the load generator), `proc_stats` (CPU and
//! RSS from `/proc`), `stats` (medians and percentiles), `machine` and `report` (the
//! tables and `bench/RESULTS.md`).

mod backend;
mod client;
mod error;
mod gateway;
mod machine;
mod multipart;
mod options;
mod proc_stats;
mod processes;
mod report;
mod run;
mod scenarios;
mod seed;
mod stats;
mod sts;
mod workloads;

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use crate::options::Options;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let options = Options::parse();
    // Pinned before the runtime exists, so every thread it starts inherits the mask.
    if let Err(error) = processes::pin_current_process(&options) {
        tracing::error!("{error}");
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!("cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run::run(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            ExitCode::FAILURE
        }
    }
}
