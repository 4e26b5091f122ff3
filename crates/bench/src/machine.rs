//! Where and when the figures were taken: CPU, cores, kernel, memory, commit, date.

use std::process::Command;

use chrono::{DateTime, Utc};

use crate::processes::workspace_root;

/// The machine and the code a run measured.
#[derive(Debug, Clone)]
pub(crate) struct Machine {
    /// `model name` of `/proc/cpuinfo`.
    pub(crate) cpu_model: String,
    /// Logical CPUs.
    pub(crate) cores: usize,
    /// `/proc/sys/kernel/osrelease`.
    pub(crate) kernel: String,
    /// `MemTotal` of `/proc/meminfo`, GiB.
    pub(crate) memory_gib: f64,
    /// The commit checked out, with `(modified)` when the work tree differs from it.
    pub(crate) commit: String,
    /// When the run started.
    pub(crate) started: DateTime<Utc>,
    /// `/proc/loadavg` when the run started.
    pub(crate) load_average: String,
}

impl Machine {
    /// Reads the facts now.
    pub(crate) fn observe() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|line| line.strip_prefix("model name"))
            .and_then(|rest| rest.split_once(':'))
            .map_or_else(
                || "unknown".to_owned(),
                |(_, model)| model.trim().to_owned(),
            );
        let cores = cpuinfo
            .lines()
            .filter(|line| line.starts_with("processor"))
            .count()
            .max(1);
        let memory_gib = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|line| line.strip_prefix("MemTotal:"))
                    .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .map_or(0.0, |kib: f64| kib / 1024.0 / 1024.0);
        Self {
            cpu_model,
            cores,
            kernel: read_trimmed("/proc/sys/kernel/osrelease"),
            memory_gib,
            commit: commit(),
            started: Utc::now(),
            load_average: read_trimmed("/proc/loadavg")
                .split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path)
        .map_or_else(|_| "unknown".to_owned(), |text| text.trim().to_owned())
}

fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .current_dir(workspace_root())
        .args(args)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

fn commit() -> String {
    let Some(head) = git(&["rev-parse", "HEAD"]) else {
        return "unknown".to_owned();
    };
    let modified = git(&["status", "--porcelain", "--untracked-files=no"])
        .is_some_and(|status| !status.is_empty());
    if modified {
        format!("{head} (with uncommitted changes)")
    } else {
        head
    }
}
