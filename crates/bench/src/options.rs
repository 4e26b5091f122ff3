//! The command line.

use std::path::PathBuf;

use clap::Parser;

/// Side-by-side benchmark: each scenario directly against an S3 backend and through
/// multistore-server in front of it, in alternation, for several rounds.
///
/// Without `--endpoint` the backend is the testkit's S3 server (s3s-fs) on loopback,
/// started and seeded by the run. The release binaries `multistore-server` and
/// `multistore-test-s3` are built first (`cargo build --release`) unless `--no-build`.
#[derive(Debug, Parser)]
#[command(name = "multistore-bench")]
pub(crate) struct Options {
    /// A short smoke run: fewer requests per scenario and one round.
    #[arg(long)]
    pub(crate) quick: bool,

    /// Rounds; each runs every scenario directly and through the gateway [default: 3, or
    /// 1 with --quick].
    #[arg(long)]
    pub(crate) rounds: Option<usize>,

    /// Run only these scenarios (comma-separated names, see --list-scenarios).
    #[arg(long, value_delimiter = ',')]
    pub(crate) only: Vec<String>,

    /// Print the scenarios and exit.
    #[arg(long)]
    pub(crate) list_scenarios: bool,

    /// An external S3 endpoint (`http://host:port`, path-style) to use as the backend
    /// instead of starting the testkit's S3 server. The bucket must exist.
    #[arg(long)]
    pub(crate) endpoint: Option<String>,

    /// The backend bucket the scenarios read and write.
    #[arg(long, default_value = "bench")]
    pub(crate) bucket: String,

    /// The backend's access key id (required with --endpoint).
    #[arg(long, env = "MULTISTORE_BENCH_ACCESS_KEY")]
    pub(crate) access_key: Option<String>,

    /// The backend's secret access key (required with --endpoint). Prefer the environment
    /// variable: the flag is visible in the process list.
    #[arg(long, env = "MULTISTORE_BENCH_SECRET_KEY", hide_env_values = true)]
    pub(crate) secret_key: Option<String>,

    /// The backend's region.
    #[arg(long, default_value = "us-east-1")]
    pub(crate) region: String,

    /// Do not upload the objects the scenarios read (they exist from an earlier run).
    #[arg(long)]
    pub(crate) skip_seed: bool,

    /// Where to write the report [default: bench/RESULTS.md of the workspace for a full
    /// run; nowhere with --quick or --only].
    #[arg(long)]
    pub(crate) results: Option<PathBuf>,

    /// Write no report file, only print the tables.
    #[arg(long, conflicts_with = "results")]
    pub(crate) no_results: bool,

    /// Use the binaries as they are instead of running `cargo build --release` first.
    #[arg(long)]
    pub(crate) no_build: bool,

    /// Directory of the release binaries [default: the directory of this executable].
    #[arg(long)]
    pub(crate) bin_dir: Option<PathBuf>,

    /// CPUs (taskset list) of the load generator and the testkit's S3 server.
    #[arg(long, default_value = "0")]
    pub(crate) client_cpus: String,

    /// CPUs (taskset list) of the gateway.
    #[arg(long, default_value = "1")]
    pub(crate) gateway_cpus: String,

    /// Do not pin processes to CPUs.
    #[arg(long)]
    pub(crate) no_pin: bool,

    /// The gateway's `RUST_LOG`; `info` (its default) writes one access-log line per
    /// request, to a file.
    #[arg(long, default_value = "info")]
    pub(crate) gateway_log: String,

    /// A line added to the report's notes (repeatable), e.g. about the machine's load.
    #[arg(long)]
    pub(crate) note: Vec<String>,
}

impl Options {
    /// How many rounds to run.
    pub(crate) fn rounds(&self) -> usize {
        self.rounds.unwrap_or(if self.quick { 1 } else { 3 }).max(1)
    }

    /// The command that reproduces this run, with any secret given on the command line
    /// left out.
    pub(crate) fn reproduce_command() -> String {
        let mut words = vec!["cargo run --release -p multistore-bench --".to_owned()];
        let mut hide_next = false;
        for argument in std::env::args().skip(1) {
            if hide_next {
                words.push("\"$MULTISTORE_BENCH_SECRET_KEY\"".to_owned());
                hide_next = false;
            } else if argument == "--secret-key" {
                hide_next = true;
                words.push(argument);
            } else if argument.starts_with("--secret-key=") {
                words.push("--secret-key=\"$MULTISTORE_BENCH_SECRET_KEY\"".to_owned());
            } else {
                words.push(shell_word(&argument));
            }
        }
        let command = words.join(" ");
        command.trim_end_matches(" --").to_owned()
    }
}

/// `word`, quoted for a POSIX shell when it needs to be.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=.,/:@+".contains(&b));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
