//! Child processes: building the release binaries, starting them pinned to CPUs with
//! their output in log files, waiting until they are ready, and stopping them.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{BenchError, BenchResult};
use crate::options::Options;
use crate::proc_stats::ProcessProbe;

/// The release binaries the benchmark starts.
pub(crate) const GATEWAY_BINARY: &str = "multistore-server";
/// The testkit's S3 server.
pub(crate) const BACKEND_BINARY: &str = "multistore-test-s3";

/// How long a child may take to become ready.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The workspace root (two levels above this crate).
pub(crate) fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// Pins this process (all its threads, and so every thread started later) to the client
/// CPUs, unless pinning is off.
pub(crate) fn pin_current_process(options: &Options) -> BenchResult<()> {
    if options.no_pin {
        return Ok(());
    }
    let status = Command::new("taskset")
        .args(["-a", "-p", "-c", &options.client_cpus])
        .arg(std::process::id().to_string())
        .stdout(Stdio::null())
        .status()
        .map_err(|error| BenchError::io("running taskset (or pass --no-pin)", error))?;
    if !status.success() {
        return Err(BenchError::Setup(format!(
            "taskset could not pin to CPUs {}",
            options.client_cpus
        )));
    }
    Ok(())
}

/// The directory holding the release binaries, built first unless `--no-build`.
pub(crate) fn release_binaries(options: &Options) -> BenchResult<PathBuf> {
    let directory = match &options.bin_dir {
        Some(directory) => directory.clone(),
        None => std::env::current_exe()
            .map_err(|error| BenchError::io("locating this executable", error))?
            .parent()
            .map(Path::to_path_buf)
            .ok_or_else(|| BenchError::Setup("this executable has no directory".into()))?,
    };
    if !options.no_build {
        tracing::info!("building {GATEWAY_BINARY} and {BACKEND_BINARY} (release)");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(workspace_root())
            .args(["build", "--release", "-p", "multistore-server"])
            .args(["-p", "multistore-testkit", "--bins"])
            .status()
            .map_err(|error| BenchError::io("running cargo build", error))?;
        if !status.success() {
            return Err(BenchError::Setup("cargo build --release failed".into()));
        }
    }
    for binary in [GATEWAY_BINARY, BACKEND_BINARY] {
        if !directory.join(binary).is_file() {
            return Err(BenchError::Setup(format!(
                "{} is missing (build it, or drop --no-build)",
                directory.join(binary).display()
            )));
        }
    }
    Ok(directory)
}

/// A free port on loopback (bound, then released for a child to take).
pub(crate) fn free_address() -> BenchResult<SocketAddr> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|error| BenchError::io("finding a free port", error))
}

/// A child process, killed (through its own handle) when dropped.
#[derive(Debug)]
pub(crate) struct ChildProcess {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl ChildProcess {
    /// Starts `command` named `name`, pinned to `cpus` (`None`: not pinned), with stdout
    /// and stderr in `log`.
    pub(crate) fn start(
        name: &'static str,
        command: &Command,
        cpus: Option<&str>,
        log: &Path,
    ) -> BenchResult<Self> {
        let file = std::fs::File::create(log).map_err(|error| BenchError::file(log, error))?;
        let stderr = file
            .try_clone()
            .map_err(|error| BenchError::file(log, error))?;
        // taskset execs the program, so the child's pid is the program's.
        let mut pinned = match cpus {
            Some(cpus) => {
                let mut pinned = Command::new("taskset");
                pinned.arg("-c").arg(cpus).arg(command.get_program());
                pinned
            }
            None => Command::new(command.get_program()),
        };
        pinned.args(command.get_args());
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => pinned.env(key, value),
                None => pinned.env_remove(key),
            };
        }
        let child = pinned
            .stdin(Stdio::null())
            .stdout(file)
            .stderr(stderr)
            .spawn()
            .map_err(|error| BenchError::io(format!("starting {name}"), error))?;
        Ok(Self {
            name,
            child,
            log: log.to_path_buf(),
        })
    }

    /// The process, for CPU and memory figures.
    pub(crate) fn probe(&self) -> ProcessProbe {
        ProcessProbe::new(self.child.id())
    }

    /// Fails if the process has exited.
    fn check_running(&mut self) -> BenchResult<()> {
        match self.child.try_wait() {
            Ok(None) => Ok(()),
            Ok(Some(status)) => Err(BenchError::Setup(format!(
                "{} exited ({status}); its output is in {}",
                self.name,
                self.log.display()
            ))),
            Err(error) => Err(BenchError::io(format!("watching {}", self.name), error)),
        }
    }

    /// Waits until the log holds a line starting with `prefix`; returns the rest of it.
    pub(crate) async fn wait_for_line(&mut self, prefix: &str) -> BenchResult<String> {
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&self.log).unwrap_or_default();
            if let Some(rest) = text.lines().find_map(|line| line.strip_prefix(prefix)) {
                return Ok(rest.trim().to_owned());
            }
            self.check_running()?;
            if started.elapsed() > START_TIMEOUT {
                return Err(BenchError::Setup(format!(
                    "{} printed no `{prefix}` line; see {}",
                    self.name,
                    self.log.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until `ready` says yes.
    pub(crate) async fn wait_until(&mut self, ready: impl AsyncFn() -> bool) -> BenchResult<()> {
        let started = Instant::now();
        loop {
            if ready().await {
                return Ok(());
            }
            self.check_running()?;
            if started.elapsed() > START_TIMEOUT {
                return Err(BenchError::Setup(format!(
                    "{} did not become ready; see {}",
                    self.name,
                    self.log.display()
                )));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
