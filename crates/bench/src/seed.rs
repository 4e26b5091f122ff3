//! Uploading the objects the scenarios read, straight to the backend.

use std::time::Duration;

use crate::client::{self, BenchBody, Load, Outcome, Target};
use crate::error::{BenchError, BenchResult};
use crate::multipart;
use crate::scenarios::{
    HUGE_KEY, HUGE_SIZE, Kind, LARGE_KEY, LARGE_SIZE, LIST_KEYS, LIST_PREFIX, PART_SIZE, SMALL_KEY,
    SMALL_SIZE, Scenario,
};
use crate::workloads::{Put, PutNumbered};

/// Generous: seeding is not measured.
const SEED_TIME_LIMIT: Duration = Duration::from_secs(600);

/// Uploads what `scenarios` read: the 1 KiB object, the 256 MiB object (one PUT), the
/// 1 GiB object (multipart), and the 10,000 keys of the listing prefix.
pub(crate) async fn seed(direct: &Target, scenarios: &[Scenario]) -> BenchResult<()> {
    let needs = |kinds: &[Kind]| scenarios.iter().any(|s| kinds.contains(&s.kind));
    let load = |connections, jobs| Load {
        connections,
        jobs,
        time_limit: SEED_TIME_LIMIT,
    };
    if needs(&[Kind::SmallGet, Kind::Head]) {
        let put = Put {
            target: direct,
            key: SMALL_KEY,
            body: || BenchBody::pattern(SMALL_SIZE),
        };
        check(
            "the 1 KiB object",
            client::run(direct, load(1, 1), &put).await,
        )?;
    }
    if needs(&[Kind::LargeGet, Kind::RangedGet]) {
        let put = Put {
            target: direct,
            key: LARGE_KEY,
            body: || BenchBody::pattern(LARGE_SIZE),
        };
        check(
            "the 256 MiB object",
            client::run(direct, load(1, 1), &put).await,
        )?;
    }
    if needs(&[Kind::HugeGet]) {
        let outcome = multipart::upload(direct, HUGE_KEY, HUGE_SIZE, PART_SIZE, load(4, 1)).await;
        check("the 1 GiB object", outcome)?;
    }
    if needs(&[Kind::List]) {
        let put = PutNumbered {
            target: direct,
            prefix: LIST_PREFIX,
        };
        check(
            "the listing prefix",
            client::run(direct, load(32, LIST_KEYS), &put).await,
        )?;
    }
    Ok(())
}

fn check(what: &str, outcome: Outcome) -> BenchResult<()> {
    tracing::info!("seeded {what} in {:.1} s", outcome.elapsed.as_secs_f64());
    match outcome.recorder.first_failure {
        None => Ok(()),
        Some(failure) => Err(BenchError::Setup(format!(
            "seeding {what} failed ({} failures), first: {failure}",
            outcome.recorder.failures
        ))),
    }
}
