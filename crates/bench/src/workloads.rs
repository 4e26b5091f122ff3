//! How each scenario's jobs are carried out, on either side (direct or gateway).

use http::{HeaderValue, Method};
use multistore::auth::sigv4::encode_query_component;

use crate::client::{
    self, BenchBody, Connection, Job, Keep, Load, Outcome, Recorder, RequestSpec, Target,
    element_text,
};
use crate::error::{BenchError, BenchResult};
use crate::multipart;
use crate::scenarios::{
    HUGE_KEY, HUGE_SIZE, Kind, LARGE_KEY, LARGE_SIZE, LIST_KEYS, LIST_PAGE, LIST_PREFIX,
    MULTIPART_KEY, PART_SIZE, PUT_KEY, RANGE_LENGTH, SMALL_KEY, SMALL_SIZE, Scenario,
};

/// Runs `jobs` jobs of `scenario` against `target`.
pub(crate) async fn execute(
    scenario: &Scenario,
    target: &Target,
    jobs: u64,
    time_limit: std::time::Duration,
) -> Outcome {
    let load = Load {
        connections: scenario.connections,
        jobs,
        time_limit,
    };
    match scenario.kind {
        Kind::SmallGet => client::run(target, load, &Get::new(target, SMALL_KEY, SMALL_SIZE)).await,
        Kind::LargeGet => client::run(target, load, &Get::new(target, LARGE_KEY, LARGE_SIZE)).await,
        Kind::HugeGet => client::run(target, load, &Get::new(target, HUGE_KEY, HUGE_SIZE)).await,
        Kind::Head => client::run(target, load, &Head { target }).await,
        Kind::RangedGet => client::run(target, load, &RangedGet { target }).await,
        Kind::List => client::run(target, load, &ListPrefix { target }).await,
        Kind::SinglePut => {
            let put = Put {
                target,
                key: PUT_KEY,
                body: || BenchBody::pattern(LARGE_SIZE),
            };
            client::run(target, load, &put).await
        }
        Kind::MultipartPut => {
            let mut outcome = Outcome::default();
            for _ in 0..jobs {
                outcome.then(
                    multipart::upload(target, MULTIPART_KEY, HUGE_SIZE, PART_SIZE, load).await,
                );
            }
            outcome
        }
    }
}

/// Fails the request in `recorder` unless `reply` has `expected` status class and length.
fn expect_length(recorder: &mut Recorder, reply: &client::Reply, expected: u64) {
    if reply.status.is_success() && reply.length != expected {
        recorder.failure(|| format!("expected {expected} bytes, received {}", reply.length));
    }
}

/// GET of a whole object of known size.
#[derive(Debug)]
pub(crate) struct Get<'a> {
    target: &'a Target,
    key: &'a str,
    size: u64,
}

impl<'a> Get<'a> {
    /// GETs of `key`, which holds `size` bytes.
    pub(crate) fn new(target: &'a Target, key: &'a str, size: u64) -> Self {
        Self { target, key, size }
    }
}

impl Job for Get<'_> {
    async fn run(
        &self,
        _index: u64,
        connection: &mut Connection,
        recorder: &mut Recorder,
    ) -> BenchResult<()> {
        let request = self
            .target
            .request(RequestSpec::new(Method::GET, Some(self.key)))?;
        let reply = connection.send(request, Keep::Nothing, recorder).await?;
        expect_length(recorder, &reply, self.size);
        Ok(())
    }
}

/// HEAD of the small object.
#[derive(Debug)]
struct Head<'a> {
    target: &'a Target,
}

impl Job for Head<'_> {
    async fn run(
        &self,
        _index: u64,
        connection: &mut Connection,
        recorder: &mut Recorder,
    ) -> BenchResult<()> {
        let request = self
            .target
            .request(RequestSpec::new(Method::HEAD, Some(SMALL_KEY)))?;
        connection.send(request, Keep::Nothing, recorder).await?;
        Ok(())
    }
}

/// A 64 KiB range of the large object at an offset drawn from the job number, so both
/// sides read the same offsets.
#[derive(Debug)]
struct RangedGet<'a> {
    target: &'a Target,
}

impl Job for RangedGet<'_> {
    async fn run(
        &self,
        index: u64,
        connection: &mut Connection,
        recorder: &mut Recorder,
    ) -> BenchResult<()> {
        let offset = mix(index) % (LARGE_SIZE - RANGE_LENGTH + 1);
        let range = format!("bytes={offset}-{}", offset + RANGE_LENGTH - 1);
        let request =
            self.target
                .request(
                    RequestSpec::new(Method::GET, Some(LARGE_KEY)).with_header(
                        http::header::RANGE,
                        HeaderValue::from_str(&range)
                            .map_err(|_| BenchError::Request(range.clone()))?,
                    ),
                )?;
        let reply = connection.send(request, Keep::Nothing, recorder).await?;
        expect_length(recorder, &reply, RANGE_LENGTH);
        Ok(())
    }
}

/// SplitMix64: a well-spread number from a job number.
fn mix(index: u64) -> u64 {
    let mut z = index.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A whole ListObjectsV2 listing of the listing prefix, page by page; the keys are
/// counted.
#[derive(Debug)]
struct ListPrefix<'a> {
    target: &'a Target,
}

impl Job for ListPrefix<'_> {
    async fn run(
        &self,
        _index: u64,
        connection: &mut Connection,
        recorder: &mut Recorder,
    ) -> BenchResult<()> {
        let mut token: Option<String> = None;
        let mut keys = 0u64;
        loop {
            let mut query = format!(
                "list-type=2&max-keys={LIST_PAGE}&prefix={}",
                encode_query_component(LIST_PREFIX)
            );
            if let Some(token) = &token {
                query.push_str("&continuation-token=");
                query.push_str(&encode_query_component(token));
            }
            let request = self
                .target
                .request(RequestSpec::new(Method::GET, None).with_query(query))?;
            let reply = connection.send(request, Keep::Body, recorder).await?;
            if !reply.status.is_success() {
                return Ok(());
            }
            let page = reply.text();
            keys += page.matches("<Key>").count() as u64;
            token = element_text(&page, "NextContinuationToken");
            if element_text(&page, "IsTruncated").as_deref() != Some("true") || token.is_none() {
                break;
            }
        }
        if keys != LIST_KEYS {
            recorder.failure(|| format!("listed {keys} keys, expected {LIST_KEYS}"));
        }
        Ok(())
    }
}

/// PUT of one object (the same key every time), with a body made by `body`.
#[derive(Debug)]
pub(crate) struct Put<'a, B> {
    /// Where.
    pub(crate) target: &'a Target,
    /// The key.
    pub(crate) key: &'a str,
    /// The body of each request.
    pub(crate) body: B,
}

impl<B: Fn() -> BenchBody> Job for Put<'_, B> {
    async fn run(
        &self,
        _index: u64,
        connection: &mut Connection,
        recorder: &mut Recorder,
    ) -> BenchResult<()> {
        let request = self
            .target
            .request(RequestSpec::new(Method::PUT, Some(self.key)).with_body((self.body)()))?;
        connection.send(request, Keep::Nothing, recorder).await?;
        Ok(())
    }
}

/// PUTs of small numbered objects under a prefix (seeding the listing).
#[derive(Debug)]
pub(crate) struct PutNumbered<'a> {
    /// Where.
    pub(crate) target: &'a Target,
    /// The prefix; keys are `<prefix>key-00000` and on.
    pub(crate) prefix: &'a str,
}

impl Job for PutNumbered<'_> {
    async fn run(
        &self,
        index: u64,
        connection: &mut Connection,
        recorder: &mut Recorder,
    ) -> BenchResult<()> {
        let key = format!("{}key-{index:05}", self.prefix);
        let request = self.target.request(
            RequestSpec::new(Method::PUT, Some(&key)).with_body(BenchBody::full(key.clone())),
        )?;
        connection.send(request, Keep::Nothing, recorder).await?;
        Ok(())
    }
}
