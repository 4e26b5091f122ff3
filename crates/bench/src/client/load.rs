//! Running a fixed number of jobs over a fixed number of connections.

use std::cell::Cell;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use super::connection::Connection;
use super::recorder::Recorder;
use super::target::Target;
use crate::error::BenchResult;

/// One unit of work (one request, or a chain of them such as a paged listing).
pub(crate) trait Job {
    /// Runs job number `index` on `connection`, recording every request in `recorder`.
    async fn run(
        &self,
        index: u64,
        connection: &mut Connection,
        recorder: &mut Recorder,
    ) -> BenchResult<()>;
}

/// How much work, how concurrently.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Load {
    /// Connections, each running one job at a time.
    pub(crate) connections: usize,
    /// Jobs in all.
    pub(crate) jobs: u64,
    /// No job starts after this much time (a bound on a run, whatever the speed).
    pub(crate) time_limit: Duration,
}

/// What a run observed.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Wall time from the first job's start to the last job's end.
    pub(crate) elapsed: Duration,
    /// Every request.
    pub(crate) recorder: Recorder,
    /// Jobs finished (fewer than asked if the time limit cut the run short).
    pub(crate) jobs: u64,
}

impl Outcome {
    /// Adds a later phase of the same run (multipart's create, parts, complete).
    pub(crate) fn then(&mut self, phase: Outcome) {
        self.elapsed += phase.elapsed;
        self.recorder.merge(phase.recorder);
        self.jobs += phase.jobs;
    }
}

/// Runs `load.jobs` jobs of `job` against `target`, each of `load.connections`
/// connections taking the next job number when it is free.
pub(crate) async fn run<J: Job>(target: &Target, load: Load, job: &J) -> Outcome {
    let next = Cell::new(0u64);
    let started = Instant::now();
    let workers = (0..load.connections.max(1)).map(|_| {
        let next = &next;
        async move {
            let mut connection = Connection::new(target.address);
            let mut recorder = Recorder::default();
            let mut done = 0u64;
            loop {
                let index = next.get();
                if index >= load.jobs || started.elapsed() > load.time_limit {
                    break;
                }
                next.set(index + 1);
                // Failures are in the recorder; the run goes on.
                let _ = job.run(index, &mut connection, &mut recorder).await;
                done += 1;
            }
            (recorder, done)
        }
    });
    let results = join_all(workers).await;
    let mut outcome = Outcome {
        elapsed: started.elapsed(),
        ..Outcome::default()
    };
    for (recorder, done) in results {
        outcome.recorder.merge(recorder);
        outcome.jobs += done;
    }
    outcome
}
