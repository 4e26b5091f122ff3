//! [`FetchIssuer`]: how `multistore-sts` reaches identity providers from a Worker.

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, USER_AGENT};
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use multistore_sts::{FetchError, FetchLimits, HttpsFetcher, IssuerTransport};
use web_sys::AbortController;

use crate::body::{self, CollectError, WorkerBody};
use crate::fetch::Subrequest;
use crate::timeout::within;

/// Fetches OpenID discovery documents and JWKS with `fetch`.
///
/// The platform verifies TLS against the public web PKI. Plain `http://` is refused
/// unless built with [`IssuerTransport::AllowPlainHttp`]; redirects are not followed,
/// any status but 200 is a failure, and the body and the whole exchange are bounded by
/// the caller's limits (the request is aborted when the time is up).
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchIssuer {
    transport: IssuerTransport,
}

impl FetchIssuer {
    /// A fetcher for issuers reached over `transport`.
    pub fn new(transport: IssuerTransport) -> Self {
        Self { transport }
    }

    async fn exchange(
        &self,
        url: &str,
        max_bytes: usize,
        abort: &AbortController,
    ) -> Result<Bytes, FetchError> {
        self.transport.check(url)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(multistore::proxy::DEFAULT_USER_AGENT),
        );
        let signal = abort.signal();
        let answer = Subrequest {
            method: &Method::GET,
            url,
            headers: &headers,
            body: None,
            signal: Some(&signal),
        }
        .send()
        .await
        .map_err(|failure| FetchError::Transport(failure.into()))?;
        if answer.status != StatusCode::OK {
            return Err(FetchError::Status(answer.status.as_u16()));
        }
        let declared = answer
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > max_bytes as u64) {
            return Err(FetchError::TooLarge(max_bytes));
        }
        body::collect(WorkerBody::from(answer.body), max_bytes)
            .await
            .map_err(|error| match error {
                CollectError::TooLarge => FetchError::TooLarge(max_bytes),
                CollectError::Read(error) => FetchError::Transport(error.into()),
            })
    }
}

impl HttpsFetcher for FetchIssuer {
    async fn get(&self, url: &str, limits: FetchLimits) -> Result<Bytes, FetchError> {
        let abort = AbortController::new().map_err(|error| {
            FetchError::Transport(crate::js_error::JsFailure::new("AbortController", &error).into())
        })?;
        let fetched = within(limits.timeout, self.exchange(url, limits.max_bytes, &abort)).await;
        fetched.unwrap_or_else(|| {
            abort.abort();
            Err(FetchError::Timeout)
        })
    }
}
