//! The report's tables, one function each.

use std::fmt::Write as _;

use super::format::{added_ms, mib, ms, number, ratio};
use crate::scenarios::{Kind, Rate};
use crate::stats::{RunFigures, ScenarioResult};

/// The figure a scenario is judged by, and its unit.
pub(super) fn rate_of(result: &ScenarioResult) -> (fn(&RunFigures) -> f64, &'static str) {
    match result.scenario.rate {
        Rate::Requests => (|run| run.requests_per_second, "req/s"),
        Rate::Megabytes => (|run| run.megabytes_per_second, "MB/s"),
    }
}

/// Throughput: direct, gateway, ratio.
pub(super) fn throughput(text: &mut String, results: &[ScenarioResult]) {
    let _ = writeln!(text, "## Throughput\n");
    let _ = writeln!(
        text,
        "| scenario | load | unit | direct | gateway | gateway/direct | failed requests |"
    );
    let _ = writeln!(text, "|---|---|---|---:|---:|---:|---:|");
    for result in results {
        let (rate, unit) = rate_of(result);
        let (direct, gateway) = (result.direct(rate), result.gateway(rate));
        let scenario = &result.scenario;
        let _ = writeln!(
            text,
            "| {} | {} conn × {} {} | {unit} | {} | {} | {} | {} |",
            scenario.name,
            scenario.connections,
            number(result.direct(|run| run.requests as f64), 0),
            if scenario.kind == Kind::List {
                "pages"
            } else {
                "req"
            },
            number(direct, 1),
            number(gateway, 1),
            ratio(gateway, direct),
            result.failures(),
        );
    }
    text.push('\n');
}

/// Request latency: p50, p99, and what the gateway adds at the median.
pub(super) fn latency(text: &mut String, results: &[ScenarioResult]) {
    let _ = writeln!(text, "## Latency per request (ms)\n");
    let _ = writeln!(
        text,
        "| scenario | direct p50 | gateway p50 | added p50 | direct p99 | gateway p99 | added p99 |"
    );
    let _ = writeln!(text, "|---|---:|---:|---:|---:|---:|---:|");
    for result in results {
        let p50 = (result.direct(|r| r.p50_ms), result.gateway(|r| r.p50_ms));
        let p99 = (result.direct(|r| r.p99_ms), result.gateway(|r| r.p99_ms));
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} |",
            result.scenario.name,
            ms(p50.0),
            ms(p50.1),
            added_ms(p50.1 - p50.0),
            ms(p99.0),
            ms(p99.1),
            added_ms(p99.1 - p99.0),
        );
    }
    text.push('\n');
}

/// Time to first byte of the scenarios that read bodies of some size.
pub(super) fn first_byte(text: &mut String, results: &[ScenarioResult]) {
    let chosen: Vec<&ScenarioResult> = results
        .iter()
        .filter(|r| {
            matches!(
                r.scenario.kind,
                Kind::RangedGet | Kind::LargeGet | Kind::HugeGet
            )
        })
        .collect();
    if chosen.is_empty() {
        return;
    }
    let _ = writeln!(text, "## Time to first byte (ms)\n");
    let _ = writeln!(
        text,
        "| scenario | direct p50 | gateway p50 | added p50 | direct p99 | gateway p99 |"
    );
    let _ = writeln!(text, "|---|---:|---:|---:|---:|---:|");
    for result in chosen {
        let p50 = (
            result.direct(|r| r.first_byte_p50_ms),
            result.gateway(|r| r.first_byte_p50_ms),
        );
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} |",
            result.scenario.name,
            ms(p50.0),
            ms(p50.1),
            added_ms(p50.1 - p50.0),
            ms(result.direct(|r| r.first_byte_p99_ms)),
            ms(result.gateway(|r| r.first_byte_p99_ms)),
        );
    }
    text.push('\n');
}

/// What the gateway spent, and what the backend and the client spent on each side.
pub(super) fn cost(text: &mut String, results: &[ScenarioResult]) {
    let _ = writeln!(text, "## Gateway cost\n");
    let _ = writeln!(
        text,
        "CPU seconds are per run (median of rounds), from `/proc/<pid>/stat` (utime + stime); \
         peak RSS is the highest `VmHWM` over the gateway runs, reset before each run through \
         `/proc/<pid>/clear_refs`. \"busy\" is CPU seconds ÷ wall seconds: 1.00 is one core \
         fully used.\n"
    );
    let _ = writeln!(
        text,
        "| scenario | gateway CPU s | gateway CPU per unit | gateway kernel share | gateway busy | gateway peak RSS MiB | backend CPU s direct / via gateway | client CPU s direct / via gateway |"
    );
    let _ = writeln!(text, "|---|---:|---:|---:|---:|---:|---:|---:|");
    for result in results {
        let backend = |runs: &[RunFigures]| {
            crate::stats::median(runs.iter().filter_map(|run| run.usage.backend_cpu_seconds))
        };
        let _ = writeln!(
            text,
            "| {} | {} | {} | {}% | {} | {} | {} / {} | {} / {} |",
            result.scenario.name,
            number(result.gateway(|r| r.usage.gateway_cpu_seconds), 2),
            cpu_per_unit(result),
            number(
                result.gateway(
                    |r| 100.0 * r.usage.gateway_system_seconds / r.usage.gateway_cpu_seconds
                ),
                0
            ),
            number(
                result.gateway(|r| r.usage.gateway_cpu_seconds / r.seconds),
                2
            ),
            mib(result.gateway_peak_rss()),
            number(backend(&result.direct), 2),
            number(backend(&result.gateway), 2),
            number(result.direct(|r| r.usage.client_cpu_seconds), 2),
            number(result.gateway(|r| r.usage.client_cpu_seconds), 2),
        );
    }
    text.push('\n');
}

/// Every run's throughput, to show the spread behind the medians.
pub(super) fn rounds(text: &mut String, results: &[ScenarioResult]) {
    let _ = writeln!(text, "## Every round\n");
    let _ = writeln!(text, "| scenario | unit | direct runs | gateway runs |");
    let _ = writeln!(text, "|---|---|---|---|");
    for result in results {
        let (rate, unit) = rate_of(result);
        let list = |runs: &[RunFigures]| {
            runs.iter()
                .map(|run| number(rate(run), 1))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            text,
            "| {} | {unit} | {} | {} |",
            result.scenario.name,
            list(&result.direct),
            list(&result.gateway)
        );
    }
    text.push('\n');
}

/// What each scenario does.
pub(super) fn scenarios(text: &mut String, results: &[ScenarioResult]) {
    let _ = writeln!(text, "## Scenarios\n");
    for result in results {
        let _ = writeln!(
            text,
            "- `{}`: {}.",
            result.scenario.name, result.scenario.summary
        );
    }
    text.push('\n');
}

/// The gateway's CPU per request (request-rate scenarios) or per gigabyte moved (the
/// others).
fn cpu_per_unit(result: &ScenarioResult) -> String {
    match result.scenario.rate {
        Rate::Requests => format!("{} µs/req", number(result.gateway_cpu_us_per_request(), 1)),
        Rate::Megabytes => {
            let seconds_per_gigabyte = result.gateway(|run| {
                let gigabytes = run.megabytes_per_second * run.seconds / 1000.0;
                run.usage.gateway_cpu_seconds / gigabytes
            });
            format!("{} s/GB", number(seconds_per_gigabyte, 2))
        }
    }
}
