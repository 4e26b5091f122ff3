//! What is measured: the scenarios of issue 5, their loads, and the objects they read.

use std::time::Duration;

use crate::error::{BenchError, BenchResult};
use crate::options::Options;

/// The 1 KiB object of the small GET and HEAD scenarios.
pub(crate) const SMALL_KEY: &str = "bench/small-1k";
/// Its size.
pub(crate) const SMALL_SIZE: u64 = 1024;
/// The 256 MiB object of the large and ranged GET scenarios.
pub(crate) const LARGE_KEY: &str = "bench/large-256m";
/// Its size.
pub(crate) const LARGE_SIZE: u64 = 256 << 20;
/// The 1 GiB object of the peak-RSS GET scenario.
pub(crate) const HUGE_KEY: &str = "bench/huge-1g";
/// Its size.
pub(crate) const HUGE_SIZE: u64 = 1 << 30;
/// The prefix holding the listing scenario's keys.
pub(crate) const LIST_PREFIX: &str = "bench/list/";
/// How many keys it holds.
pub(crate) const LIST_KEYS: u64 = 10_000;
/// Keys per listing page.
pub(crate) const LIST_PAGE: u32 = 1_000;
/// Where the single PUT writes.
pub(crate) const PUT_KEY: &str = "bench/put-256m";
/// Where the multipart upload writes.
pub(crate) const MULTIPART_KEY: &str = "bench/multipart-1g";
/// The size of one multipart part.
pub(crate) const PART_SIZE: u64 = 16 << 20;
/// The length of one ranged read.
pub(crate) const RANGE_LENGTH: u64 = 64 << 10;

/// The shape of a scenario's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// GET of [`SMALL_KEY`].
    SmallGet,
    /// HEAD of [`SMALL_KEY`].
    Head,
    /// GET of [`LARGE_KEY`].
    LargeGet,
    /// 64 KiB ranges of [`LARGE_KEY`] at random offsets.
    RangedGet,
    /// A whole listing of [`LIST_PREFIX`], page by page.
    List,
    /// One PUT of 256 MiB to [`PUT_KEY`].
    SinglePut,
    /// A 1 GiB multipart upload to [`MULTIPART_KEY`].
    MultipartPut,
    /// GET of [`HUGE_KEY`].
    HugeGet,
}

/// Who calls the gateway. Direct runs always sign with the backend's keys (the testkit's
/// S3 server admits no anonymous requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// No signature, on the anonymous-read bucket.
    Anonymous,
    /// Signed with the gateway's long-lived key.
    LongLivedKey,
    /// Signed with temporary credentials from STS (session token).
    SessionToken,
}

/// The throughput figure a scenario is judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rate {
    /// Requests per second.
    Requests,
    /// Megabytes (10^6 bytes) per second, request and response bodies.
    Megabytes,
}

/// One scenario.
#[derive(Debug, Clone)]
pub(crate) struct Scenario {
    /// Its name on the command line and in the report.
    pub(crate) name: &'static str,
    /// What it does, in words.
    pub(crate) summary: &'static str,
    /// The requests.
    pub(crate) kind: Kind,
    /// Who calls the gateway.
    pub(crate) caller: Caller,
    /// The throughput figure.
    pub(crate) rate: Rate,
    /// Concurrent connections.
    pub(crate) connections: usize,
    /// Jobs per run (requests; listings; uploads).
    pub(crate) jobs: u64,
    /// Jobs per run with `--quick`.
    pub(crate) quick_jobs: u64,
}

impl Scenario {
    /// Jobs per run for these options.
    pub(crate) fn jobs(&self, options: &Options) -> u64 {
        if options.quick {
            self.quick_jobs
        } else {
            self.jobs
        }
    }
}

/// The longest one run may take before it stops starting jobs.
pub(crate) fn time_limit(options: &Options) -> Duration {
    Duration::from_secs(if options.quick { 20 } else { 60 })
}

const fn scenario(
    name: &'static str,
    summary: &'static str,
    kind: Kind,
    caller: Caller,
    rate: Rate,
    connections: usize,
    (jobs, quick_jobs): (u64, u64),
) -> Scenario {
    Scenario {
        name,
        summary,
        kind,
        caller,
        rate,
        connections,
        jobs,
        quick_jobs,
    }
}

/// Every scenario, in report order.
pub(crate) fn all() -> Vec<Scenario> {
    use Caller::{Anonymous, LongLivedKey, SessionToken};
    use Kind::*;
    use Rate::{Megabytes, Requests};
    vec![
        scenario(
            "get-1k-anonymous",
            "GET 1 KiB, anonymous",
            SmallGet,
            Anonymous,
            Requests,
            32,
            (20_000, 2_000),
        ),
        scenario(
            "get-1k-key",
            "GET 1 KiB, signed (long-lived key)",
            SmallGet,
            LongLivedKey,
            Requests,
            32,
            (20_000, 2_000),
        ),
        scenario(
            "get-1k-sts",
            "GET 1 KiB, signed (STS session token)",
            SmallGet,
            SessionToken,
            Requests,
            32,
            (20_000, 2_000),
        ),
        scenario(
            "get-1k-serial",
            "GET 1 KiB, signed (long-lived key), one connection: latency without queueing",
            SmallGet,
            LongLivedKey,
            Requests,
            1,
            (3_000, 300),
        ),
        scenario(
            "head-1k",
            "HEAD 1 KiB, signed",
            Head,
            LongLivedKey,
            Requests,
            32,
            (20_000, 2_000),
        ),
        scenario(
            "get-256m",
            "GET 256 MiB, signed",
            LargeGet,
            LongLivedKey,
            Megabytes,
            4,
            (4, 2),
        ),
        scenario(
            "range-64k",
            "GET 64 KiB ranges at random offsets of 256 MiB, signed",
            RangedGet,
            LongLivedKey,
            Requests,
            8,
            (4_000, 400),
        ),
        scenario(
            "list-10k",
            "LIST 10,000 keys in pages of 1,000 (one job = a whole listing), signed",
            List,
            LongLivedKey,
            Requests,
            4,
            (4, 2),
        ),
        scenario(
            "put-256m",
            "PUT 256 MiB (single request), signed",
            SinglePut,
            LongLivedKey,
            Megabytes,
            1,
            (2, 1),
        ),
        scenario(
            "multipart-1g",
            "Multipart upload of 1 GiB (16 MiB parts over 4 connections), signed",
            MultipartPut,
            LongLivedKey,
            Megabytes,
            4,
            (1, 1),
        ),
        scenario(
            "get-1g",
            "GET 1 GiB, signed (peak RSS)",
            HugeGet,
            LongLivedKey,
            Megabytes,
            1,
            (1, 1),
        ),
    ]
}

/// The scenarios `--only` selects (all without it).
pub(crate) fn selected(options: &Options) -> BenchResult<Vec<Scenario>> {
    let all = all();
    if options.only.is_empty() {
        return Ok(all);
    }
    for name in &options.only {
        if !all.iter().any(|scenario| scenario.name == name) {
            return Err(BenchError::Setup(format!(
                "no scenario `{name}` (see --list-scenarios)"
            )));
        }
    }
    Ok(all
        .into_iter()
        .filter(|scenario| options.only.iter().any(|name| name == scenario.name))
        .collect())
}
