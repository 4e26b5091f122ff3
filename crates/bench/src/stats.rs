//! From observations to figures: percentiles of one run, medians across rounds.

use crate::client::Outcome;
use crate::scenarios::Scenario;

/// What the processes spent during one run.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Usage {
    /// The gateway's CPU seconds.
    pub(crate) gateway_cpu_seconds: f64,
    /// The part of them spent in the kernel.
    pub(crate) gateway_system_seconds: f64,
    /// The gateway's peak RSS in bytes (reset before the run).
    pub(crate) gateway_peak_rss: u64,
    /// The backend's CPU seconds, when the run started the backend.
    pub(crate) backend_cpu_seconds: Option<f64>,
    /// The load generator's CPU seconds.
    pub(crate) client_cpu_seconds: f64,
}

/// The figures of one run on one side.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RunFigures {
    /// Requests completed.
    pub(crate) requests: u64,
    /// Requests that failed.
    pub(crate) failures: u64,
    /// Wall time.
    pub(crate) seconds: f64,
    /// Requests per second.
    pub(crate) requests_per_second: f64,
    /// Body megabytes (10^6 bytes) per second, both directions.
    pub(crate) megabytes_per_second: f64,
    /// Median request latency, ms.
    pub(crate) p50_ms: f64,
    /// 99th percentile request latency, ms.
    pub(crate) p99_ms: f64,
    /// Median time to first byte, ms.
    pub(crate) first_byte_p50_ms: f64,
    /// 99th percentile time to first byte, ms.
    pub(crate) first_byte_p99_ms: f64,
    /// What the processes spent.
    pub(crate) usage: Usage,
}

impl RunFigures {
    /// The figures of `outcome`.
    pub(crate) fn new(outcome: &mut Outcome, usage: Usage) -> Self {
        let recorder = &mut outcome.recorder;
        let seconds = outcome.elapsed.as_secs_f64().max(1e-9);
        recorder.latencies_us.sort_unstable();
        recorder.first_byte_us.sort_unstable();
        Self {
            requests: recorder.requests(),
            failures: recorder.failures,
            seconds,
            requests_per_second: recorder.requests() as f64 / seconds,
            megabytes_per_second: recorder.bytes as f64 / 1e6 / seconds,
            p50_ms: percentile_ms(&recorder.latencies_us, 0.50),
            p99_ms: percentile_ms(&recorder.latencies_us, 0.99),
            first_byte_p50_ms: percentile_ms(&recorder.first_byte_us, 0.50),
            first_byte_p99_ms: percentile_ms(&recorder.first_byte_us, 0.99),
            usage,
        }
    }
}

/// The `quantile` (0–1) of sorted microsecond values, in milliseconds (nearest rank).
fn percentile_ms(sorted_us: &[u32], quantile: f64) -> f64 {
    if sorted_us.is_empty() {
        return f64::NAN;
    }
    let rank = (quantile * sorted_us.len() as f64).ceil() as usize;
    f64::from(sorted_us[rank.clamp(1, sorted_us.len()) - 1]) / 1000.0
}

/// The median of `values` (the mean of the middle two for an even count).
pub(crate) fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.into_iter().filter(|v| !v.is_nan()).collect();
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len() % 2 == 1 {
        values[middle]
    } else {
        (values[middle - 1] + values[middle]) / 2.0
    }
}

/// Every round of one scenario, on both sides.
#[derive(Debug, Clone)]
pub(crate) struct ScenarioResult {
    /// The scenario.
    pub(crate) scenario: Scenario,
    /// Direct runs, one per round.
    pub(crate) direct: Vec<RunFigures>,
    /// Gateway runs, one per round.
    pub(crate) gateway: Vec<RunFigures>,
}

impl ScenarioResult {
    /// The median across rounds of `figure` of the direct runs.
    pub(crate) fn direct(&self, figure: impl Fn(&RunFigures) -> f64) -> f64 {
        median(self.direct.iter().map(figure))
    }

    /// The median across rounds of `figure` of the gateway runs.
    pub(crate) fn gateway(&self, figure: impl Fn(&RunFigures) -> f64) -> f64 {
        median(self.gateway.iter().map(figure))
    }

    /// The highest peak RSS of the gateway across its runs, bytes.
    pub(crate) fn gateway_peak_rss(&self) -> u64 {
        self.gateway
            .iter()
            .map(|run| run.usage.gateway_peak_rss)
            .max()
            .unwrap_or(0)
    }

    /// Failed requests across all runs.
    pub(crate) fn failures(&self) -> u64 {
        self.direct
            .iter()
            .chain(&self.gateway)
            .map(|run| run.failures)
            .sum()
    }

    /// The gateway's CPU microseconds per request (median over rounds).
    pub(crate) fn gateway_cpu_us_per_request(&self) -> f64 {
        self.gateway(|run| run.usage.gateway_cpu_seconds * 1e6 / run.requests.max(1) as f64)
    }
}
