//! The sequence of a benchmark: start, seed, warm up, alternate, report.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use multistore_testkit::OidcIssuer;

use crate::backend::Backend;
use crate::client::Target;
use crate::error::{BenchError, BenchResult};
use crate::gateway::{ANONYMOUS_BUCKET, Gateway, SIGNED_BUCKET, Trust};
use crate::machine::Machine;
use crate::options::Options;
use crate::proc_stats::{CpuTimes, ProcessProbe, machine_busy_seconds};
use crate::processes::{self, workspace_root};
use crate::report::{OtherLoad, Report, Settings};
use crate::scenarios::{self, Caller, Kind, Scenario};
use crate::stats::{RunFigures, ScenarioResult, Usage};
use crate::{report, seed, sts, workloads};

/// Which way a run goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// Straight to the backend.
    Direct,
    /// Through the gateway.
    Gateway,
}

/// The targets of the gateway runs, by caller.
struct GatewayTargets {
    anonymous: Target,
    key: Target,
    session: Option<Target>,
}

/// The processes whose CPU time and memory are sampled.
#[derive(Debug, Clone, Copy)]
struct Probes {
    gateway: ProcessProbe,
    backend: Option<ProcessProbe>,
    client: ProcessProbe,
}

impl Probes {
    /// CPU times of the three so far.
    fn cpu(&self) -> BenchResult<(CpuTimes, Option<f64>, f64)> {
        Ok((
            self.gateway.cpu_times()?,
            self.backend.map(ProcessProbe::cpu_seconds).transpose()?,
            self.client.cpu_seconds()?,
        ))
    }
}

/// Runs the benchmark `options` describe.
pub(crate) async fn run(options: Options) -> BenchResult<()> {
    let scenarios = scenarios::selected(&options)?;
    if options.list_scenarios {
        for scenario in scenarios::all() {
            tracing::info!("{:<18} {}", scenario.name, scenario.summary);
        }
        return Ok(());
    }
    let machine = Machine::observe();
    let binaries = processes::release_binaries(&options)?;
    let directory = tempfile::Builder::new()
        .prefix("multistore-bench-")
        .tempdir()
        .map_err(|error| BenchError::io("creating a temporary directory", error))?;
    let backend = Backend::start(&options, &binaries, directory.path()).await?;
    tracing::info!("backend: {} bucket {}", backend.endpoint, backend.bucket);
    let issuer = OidcIssuer::start()
        .await
        .map_err(|error| BenchError::io("starting the OIDC issuer", error))?;
    let ca_file = directory.path().join("oidc-ca.pem");
    issuer
        .write_ca_pem(&ca_file)
        .map_err(|error| BenchError::file(&ca_file, error))?;
    let trust = Trust {
        issuer: issuer.issuer(),
        ca_file: &ca_file,
    };
    let gateway = Gateway::start(&options, &binaries, directory.path(), &backend, &trust).await?;
    tracing::info!("gateway: http://{}", gateway.address);

    let direct = backend.target()?;
    if !options.skip_seed {
        seed::seed(&direct, &scenarios).await?;
    }
    let targets = gateway_targets(&gateway, &issuer, &scenarios).await?;
    let probes = Probes {
        gateway: gateway.process.probe(),
        backend: backend.process.as_ref().map(|process| process.probe()),
        client: ProcessProbe::current(),
    };
    warm_up(&options, &scenarios, &direct, &targets).await;

    let rounds = options.rounds();
    let mut results: Vec<ScenarioResult> = scenarios
        .iter()
        .map(|scenario| ScenarioResult {
            scenario: scenario.clone(),
            direct: Vec::new(),
            gateway: Vec::new(),
        })
        .collect();
    let wall = Instant::now();
    let busy_before = machine_busy_seconds()?;
    let ours_before = probes.cpu()?;
    for round in 0..rounds {
        for result in &mut results {
            // Alternate which side goes first, so neither always runs on a warmer cache.
            let order = if round % 2 == 0 {
                [Side::Direct, Side::Gateway]
            } else {
                [Side::Gateway, Side::Direct]
            };
            for side in order {
                let target = match side {
                    Side::Direct => &direct,
                    Side::Gateway => targets.for_caller(result.scenario.caller)?,
                };
                let figures = measure(&options, &result.scenario, target, probes).await?;
                log_run(round, rounds, &result.scenario, side, &figures);
                match side {
                    Side::Direct => result.direct.push(figures),
                    Side::Gateway => result.gateway.push(figures),
                }
                if matches!(result.scenario.kind, Kind::SinglePut | Kind::MultipartPut)
                    && backend.process.is_some()
                {
                    // Written data goes to disk now, not during the next run.
                    let _ = std::process::Command::new("sync").status();
                }
            }
        }
    }
    let ours_after = probes.cpu()?;
    let other = OtherLoad {
        wall_seconds: wall.elapsed().as_secs_f64(),
        busy_seconds: machine_busy_seconds()? - busy_before,
        ours_seconds: (ours_after.0.total() - ours_before.0.total())
            + (ours_after.1.unwrap_or(0.0) - ours_before.1.unwrap_or(0.0))
            + (ours_after.2 - ours_before.2),
    };

    let report = Report {
        machine,
        settings: Settings {
            command: Options::reproduce_command(),
            rounds,
            quick: options.quick,
            backend: match &options.endpoint {
                Some(endpoint) => format!("external S3 endpoint {endpoint}"),
                None => "the testkit's S3 server (`multistore-test-s3`, s3s-fs over a temporary directory)".to_owned(),
            },
            pinning: (!options.no_pin).then(|| {
                (options.client_cpus.clone(), options.gateway_cpus.clone())
            }),
            gateway_log: options.gateway_log.clone(),
            notes: options.note.clone(),
        },
        other,
        results,
    };
    let markdown = report.markdown();
    report::print(&markdown);
    if let Some(path) = results_path(&options) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|error| BenchError::file(parent, error))?;
        }
        std::fs::write(&path, &markdown).map_err(|error| BenchError::file(&path, error))?;
        tracing::info!("wrote {}", path.display());
    }
    let failures: u64 = report.results.iter().map(ScenarioResult::failures).sum();
    if failures > 0 {
        return Err(BenchError::Setup(format!(
            "{failures} requests failed; the figures are not to be trusted"
        )));
    }
    Ok(())
}

impl GatewayTargets {
    fn for_caller(&self, caller: Caller) -> BenchResult<&Target> {
        match caller {
            Caller::Anonymous => Ok(&self.anonymous),
            Caller::LongLivedKey => Ok(&self.key),
            Caller::SessionToken => self
                .session
                .as_ref()
                .ok_or_else(|| BenchError::Setup("no STS credentials were minted".into())),
        }
    }
}

async fn gateway_targets(
    gateway: &Gateway,
    issuer: &OidcIssuer,
    scenarios: &[Scenario],
) -> BenchResult<GatewayTargets> {
    let session = if scenarios
        .iter()
        .any(|scenario| scenario.caller == Caller::SessionToken)
    {
        let credentials = sts::assume_role(issuer, &gateway.target("", None)?).await?;
        tracing::info!("minted STS credentials through the gateway's /.sts route");
        Some(gateway.target(SIGNED_BUCKET, Some(credentials))?)
    } else {
        None
    };
    Ok(GatewayTargets {
        anonymous: gateway.target(ANONYMOUS_BUCKET, None)?,
        key: gateway.target(SIGNED_BUCKET, Some(Gateway::key_credentials()))?,
        session,
    })
}

/// A short small-GET load on each side, so connection pools, caches and the allocator
/// are warm before the first measured run.
async fn warm_up(
    options: &Options,
    scenarios: &[Scenario],
    direct: &Target,
    targets: &GatewayTargets,
) {
    let Some(small) = scenarios.iter().find(|s| s.kind == Kind::SmallGet) else {
        return;
    };
    let jobs = if options.quick { 200 } else { 2_000 };
    for target in [direct, &targets.key, &targets.anonymous]
        .into_iter()
        .chain(targets.session.as_ref())
    {
        workloads::execute(small, target, jobs, Duration::from_secs(30)).await;
    }
}

/// One run of `scenario` against `target`, with the processes' CPU time and the
/// gateway's peak RSS around it.
async fn measure(
    options: &Options,
    scenario: &Scenario,
    target: &Target,
    probes: Probes,
) -> BenchResult<RunFigures> {
    probes.gateway.reset_peak_rss()?;
    let before = probes.cpu()?;
    let mut outcome = workloads::execute(
        scenario,
        target,
        scenario.jobs(options),
        scenarios::time_limit(options),
    )
    .await;
    let after = probes.cpu()?;
    let usage = Usage {
        gateway_cpu_seconds: after.0.total() - before.0.total(),
        gateway_system_seconds: after.0.system - before.0.system,
        gateway_peak_rss: probes.gateway.peak_rss_bytes()?,
        backend_cpu_seconds: after.1.zip(before.1).map(|(a, b)| a - b),
        client_cpu_seconds: after.2 - before.2,
    };
    if let Some(failure) = &outcome.recorder.first_failure {
        tracing::warn!(
            "{}: {} failures, first: {failure}",
            scenario.name,
            outcome.recorder.failures
        );
    }
    Ok(RunFigures::new(&mut outcome, usage))
}

fn log_run(round: usize, rounds: usize, scenario: &Scenario, side: Side, figures: &RunFigures) {
    tracing::info!(
        "round {}/{rounds} {:<18} {:<7} {:>9.1} req/s {:>8.1} MB/s p50 {:.3} ms p99 {:.3} ms gateway CPU {:.2} s",
        round + 1,
        scenario.name,
        match side {
            Side::Direct => "direct",
            Side::Gateway => "gateway",
        },
        figures.requests_per_second,
        figures.megabytes_per_second,
        figures.p50_ms,
        figures.p99_ms,
        figures.usage.gateway_cpu_seconds,
    );
}

/// Where the report goes: `--results`, or `bench/RESULTS.md` for a full run of every
/// scenario.
fn results_path(options: &Options) -> Option<PathBuf> {
    if options.no_results {
        return None;
    }
    if let Some(path) = &options.results {
        return Some(path.clone());
    }
    (!options.quick && options.only.is_empty())
        .then(|| workspace_root().join("bench").join("RESULTS.md"))
}
