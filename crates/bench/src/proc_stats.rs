//! CPU time and peak memory of a process, and the machine's busy time, from `/proc`.

use std::process::Command;
use std::sync::OnceLock;

use crate::error::{BenchError, BenchResult};

/// CPU seconds in user space and in the kernel.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CpuTimes {
    /// User-space seconds.
    pub(crate) user: f64,
    /// Kernel seconds (system calls, and the network stack work they do).
    pub(crate) system: f64,
}

impl CpuTimes {
    /// Both together.
    pub(crate) fn total(self) -> f64 {
        self.user + self.system
    }
}

/// A process observed through `/proc/<pid>`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProcessProbe {
    pid: u32,
}

impl ProcessProbe {
    /// The process `pid`.
    pub(crate) fn new(pid: u32) -> Self {
        Self { pid }
    }

    /// This process.
    pub(crate) fn current() -> Self {
        Self::new(std::process::id())
    }

    /// User plus system CPU seconds of all the process's threads so far (`utime` +
    /// `stime` of `/proc/<pid>/stat`).
    pub(crate) fn cpu_seconds(self) -> BenchResult<f64> {
        self.cpu_times().map(|times| times.total())
    }

    /// User and system CPU seconds of all the process's threads so far (`utime` and
    /// `stime` of `/proc/<pid>/stat`).
    pub(crate) fn cpu_times(self) -> BenchResult<CpuTimes> {
        let path = format!("/proc/{}/stat", self.pid);
        let stat =
            std::fs::read_to_string(&path).map_err(|error| BenchError::file(&path, error))?;
        // The command name (field 2) may hold spaces; the fields after it are plain.
        let after_name = stat
            .rfind(')')
            .map(|end| &stat[end + 1..])
            .ok_or_else(|| BenchError::Setup(format!("{path}: unexpected format")))?;
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // Fields 14 and 15 of the file; index 0 here is field 3 (state).
        let ticks = |index: usize| -> BenchResult<u64> {
            fields
                .get(index)
                .and_then(|value| value.parse().ok())
                .ok_or_else(|| BenchError::Setup(format!("{path}: no field {}", index + 3)))
        };
        let per_second = clock_ticks_per_second();
        Ok(CpuTimes {
            user: ticks(11)? as f64 / per_second,
            system: ticks(12)? as f64 / per_second,
        })
    }

    /// Resets the peak resident set size (`VmHWM`) to the current one, by writing `5` to
    /// `/proc/<pid>/clear_refs`.
    pub(crate) fn reset_peak_rss(self) -> BenchResult<()> {
        let path = format!("/proc/{}/clear_refs", self.pid);
        std::fs::write(&path, "5").map_err(|error| BenchError::file(&path, error))
    }

    /// The peak resident set size since start or the last reset, in bytes (`VmHWM` of
    /// `/proc/<pid>/status`).
    pub(crate) fn peak_rss_bytes(self) -> BenchResult<u64> {
        let path = format!("/proc/{}/status", self.pid);
        let status =
            std::fs::read_to_string(&path).map_err(|error| BenchError::file(&path, error))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.trim().strip_suffix("kB"))
            .and_then(|kib| kib.trim().parse::<u64>().ok())
            .map(|kib| kib * 1024)
            .ok_or_else(|| BenchError::Setup(format!("{path}: no VmHWM")))
    }
}

/// CPU seconds the whole machine spent busy so far (every state of the `cpu` line of
/// `/proc/stat` but idle and iowait).
pub(crate) fn machine_busy_seconds() -> BenchResult<f64> {
    let stat = std::fs::read_to_string("/proc/stat")
        .map_err(|error| BenchError::file("/proc/stat", error))?;
    let line = stat
        .lines()
        .find(|line| line.starts_with("cpu "))
        .ok_or_else(|| BenchError::Setup("/proc/stat: no cpu line".into()))?;
    let values: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|value| value.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    let busy: u64 = values
        .iter()
        .take(8)
        .enumerate()
        .filter(|(index, _)| *index != 3 && *index != 4)
        .map(|(_, value)| value)
        .sum();
    Ok(busy as f64 / clock_ticks_per_second())
}

/// `getconf CLK_TCK` (100 on Linux unless configured otherwise).
fn clock_ticks_per_second() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|output| String::from_utf8(output.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(100.0)
    })
}
