//! Issue 5's targets, checked against the figures.

use std::fmt::Write as _;

use super::format::{added_ms, mib, number, ratio};
use super::tables::rate_of;
use crate::scenarios::Kind;
use crate::stats::ScenarioResult;

/// Small GET throughput through the gateway, at least this share of direct.
const SMALL_GET_RATIO: f64 = 0.5;
/// Signed small GETs, at least this share of anonymous ones.
const SIGNED_VS_ANONYMOUS: f64 = 0.9;
/// Added median latency of a small GET, at most (ms).
const ADDED_P50_MS: f64 = 0.5;
/// Large GET and PUT throughput, at least this share of direct.
const LARGE_RATIO: f64 = 0.9;
/// Gateway peak RSS moving 1 GiB, at most (bytes).
const PEAK_RSS: u64 = 64 << 20;
/// Gateway CPU per small signed GET, at most (µs).
const CPU_PER_SIGNED_GET_US: f64 = 60.0;

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

/// Writes the targets table for the scenarios that ran.
pub(super) fn write(text: &mut String, results: &[ScenarioResult]) {
    let mut rows: Vec<(String, String, bool)> = Vec::new();
    let named = |name: &str| results.iter().find(|r| r.scenario.name == name);
    let throughput = |result: &ScenarioResult| {
        let (rate, _) = rate_of(result);
        (result.direct(rate), result.gateway(rate))
    };

    for result in results.iter().filter(|r| r.scenario.kind == Kind::SmallGet) {
        // Throughput under load; one connection measures latency only.
        if result.scenario.connections > 1 {
            let (direct, gateway) = throughput(result);
            rows.push((
                format!(
                    "{}: gateway ≥ {SMALL_GET_RATIO}× direct",
                    result.scenario.name
                ),
                ratio(gateway, direct),
                gateway >= SMALL_GET_RATIO * direct,
            ));
        }
        let added = result.gateway(|r| r.p50_ms) - result.direct(|r| r.p50_ms);
        let queueing = if result.scenario.connections > 1 {
            " (includes queueing at this concurrency)"
        } else {
            ""
        };
        rows.push((
            format!(
                "{}: added p50 latency ≤ {ADDED_P50_MS} ms{queueing}",
                result.scenario.name
            ),
            format!("{} ms", added_ms(added)),
            added <= ADDED_P50_MS,
        ));
    }
    if let Some(anonymous) = named("get-1k-anonymous") {
        let (_, anonymous_rate) = throughput(anonymous);
        for signed in ["get-1k-key", "get-1k-sts"].into_iter().filter_map(named) {
            let (_, signed_rate) = throughput(signed);
            rows.push((
                format!(
                    "{}: within 10% of anonymous through the gateway",
                    signed.scenario.name
                ),
                ratio(signed_rate, anonymous_rate),
                signed_rate >= SIGNED_VS_ANONYMOUS * anonymous_rate,
            ));
        }
    }
    for result in ["get-256m", "put-256m", "multipart-1g"]
        .into_iter()
        .filter_map(named)
    {
        let (direct, gateway) = throughput(result);
        rows.push((
            format!("{}: gateway ≥ {LARGE_RATIO}× direct", result.scenario.name),
            ratio(gateway, direct),
            gateway >= LARGE_RATIO * direct,
        ));
    }
    for result in ["get-1g", "multipart-1g"].into_iter().filter_map(named) {
        let peak = result.gateway_peak_rss();
        rows.push((
            format!(
                "{}: gateway peak RSS ≤ {} MiB",
                result.scenario.name,
                PEAK_RSS >> 20
            ),
            format!("{} MiB", mib(peak)),
            peak <= PEAK_RSS,
        ));
    }
    for result in ["get-1k-key", "get-1k-sts"].into_iter().filter_map(named) {
        let cpu = result.gateway_cpu_us_per_request();
        rows.push((
            format!(
                "{}: gateway CPU ≤ {CPU_PER_SIGNED_GET_US} µs per request",
                result.scenario.name
            ),
            format!("{} µs", number(cpu, 1)),
            cpu <= CPU_PER_SIGNED_GET_US,
        ));
    }
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(text, "## Targets (issue 5)\n");
    let _ = writeln!(text, "| target | figure | verdict |");
    let _ = writeln!(text, "|---|---:|---|");
    for (target, figure, met) in rows {
        let _ = writeln!(text, "| {target} | {figure} | {} |", verdict(met));
    }
    text.push('\n');
}
