//! A conformance suite for [`ProxyBackend`] transports (feature `conformance`), in the
//! spirit of `object_store`'s shared integration tests: one set of cases that every
//! runtime's backend runs against a real S3 server.
//!
//! The cases cover only the transport a runtime provides: [`ProxyBackend::send_raw`],
//! [`ProxyBackend::forward`] with each [`ForwardBody`](crate::backend::ForwardBody)
//! variant, [`ProxyBackend::body_into_stream`], streamed responses, headers kept byte for
//! byte, URLs sent as encoded, a failing request body that must abort its upload, the cap
//! on buffered responses, and a refused connection. Requests are plain path-style S3
//! requests to one bucket, signed by the [`Signer`] the caller gives (an
//! [`S3RequestSigner`](crate::backend::S3RequestSigner) for a keyed bucket, an
//! [`UnsignedUrlSigner`](crate::backend::UnsignedUrlSigner) for an anonymous one). Every
//! object a case writes lives under `conformance/<case>/` in that bucket.
//!
//! The suite needs no runtime of its own: it builds for wasm32 and runs on whatever
//! executor drives the backend (Tokio natively, the Worker's event loop on Workers).
//!
//! ```ignore
//! let target = Target {
//!     bucket_url: format!("{}/bucket", s3_server.endpoint()),
//!     signer: Box::new(S3RequestSigner::new(credentials, "us-east-1")),
//!     refused_url: format!("http://{closed_address}/bucket/key"),
//! };
//! Conformance::new(&backend, target, body::from_stream)
//!     .run_all()
//!     .await
//!     .assert_passed();
//! ```

mod cases;
mod wire;

use std::fmt;

use crate::auth::sigv4::SigningKeyCache;
use crate::backend::{BodyStream, ProxyBackend, Signer};

/// Where the suite sends its requests.
#[derive(Debug)]
pub struct Target {
    /// A bucket on a real S3 server, path-style and without a trailing slash
    /// (`http://127.0.0.1:9000/bucket`). The suite writes and deletes objects under
    /// `conformance/` in it.
    pub bucket_url: String,
    /// Signs every request to the bucket.
    pub signer: Box<dyn Signer>,
    /// A URL on which nothing accepts connections (a closed loopback port).
    pub refused_url: String,
}

/// One case of the suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `send_raw` uploads a body and reads an object back whole.
    SendRawRoundTrip,
    /// An error status from the backend is a response, not an error, for `send_raw`
    /// and `forward` alike, with the backend's error document as its body.
    ErrorStatusIsResponse,
    /// `forward` with `ForwardBody::Empty`: a GET streams the object, a HEAD reports its
    /// length with no body.
    ForwardEmptyBody,
    /// `forward` with `ForwardBody::Client` of a declared length stores exactly its bytes.
    /// (A body of unknown length has no case: S3 and s3s refuse a PutObject without
    /// `Content-Length`, and may answer before the body arrives, racing the upload.)
    ForwardClientBody,
    /// `forward` with `ForwardBody::Stream` stores exactly its bytes.
    ForwardStreamBody,
    /// `body_into_stream` gives back the bytes of a body the runtime made from a stream.
    BodyIntoStream,
    /// Request and response headers (user metadata, entity headers) are kept byte for byte.
    HeadersKept,
    /// A URL is sent exactly as encoded (a key of spaces, `+`, `%`, non-ASCII characters).
    EncodedKeyKept,
    /// A `ForwardBody::Stream` that fails mid-way aborts the upload: no object appears.
    FailingStreamAbortsUpload,
    /// A `ForwardBody::Client` that fails mid-way aborts the upload: no object appears.
    FailingClientBodyAbortsUpload,
    /// `forward` streams a response larger than `MAX_RAW_RESPONSE_SIZE`, and a response
    /// dropped after its first chunk leaves the backend usable.
    ForwardStreamsLargeResponse,
    /// `send_raw` fails on a response larger than `MAX_RAW_RESPONSE_SIZE`.
    SendRawRefusesOversizedResponse,
    /// A backend that refuses connections is a `ProxyError` from `send_raw` and `forward`.
    RefusedConnectionIsError,
}

impl Case {
    /// Every case, in the order [`Conformance::run_all`] runs them.
    pub const ALL: [Case; 13] = [
        Case::SendRawRoundTrip,
        Case::ErrorStatusIsResponse,
        Case::ForwardEmptyBody,
        Case::ForwardClientBody,
        Case::ForwardStreamBody,
        Case::BodyIntoStream,
        Case::HeadersKept,
        Case::EncodedKeyKept,
        Case::FailingStreamAbortsUpload,
        Case::FailingClientBodyAbortsUpload,
        Case::ForwardStreamsLargeResponse,
        Case::SendRawRefusesOversizedResponse,
        Case::RefusedConnectionIsError,
    ];

    /// The case's name, in snake case (also its folder in the bucket).
    pub fn name(self) -> &'static str {
        match self {
            Case::SendRawRoundTrip => "send_raw_round_trip",
            Case::ErrorStatusIsResponse => "error_status_is_response",
            Case::ForwardEmptyBody => "forward_empty_body",
            Case::ForwardClientBody => "forward_client_body",
            Case::ForwardStreamBody => "forward_stream_body",
            Case::BodyIntoStream => "body_into_stream",
            Case::HeadersKept => "headers_kept",
            Case::EncodedKeyKept => "encoded_key_kept",
            Case::FailingStreamAbortsUpload => "failing_stream_aborts_upload",
            Case::FailingClientBodyAbortsUpload => "failing_client_body_aborts_upload",
            Case::ForwardStreamsLargeResponse => "forward_streams_large_response",
            Case::SendRawRefusesOversizedResponse => "send_raw_refuses_oversized_response",
            Case::RefusedConnectionIsError => "refused_connection_is_error",
        }
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a case failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(String);

impl Failure {
    /// A failure described by `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The outcome of every case of a run.
#[derive(Debug)]
pub struct Report {
    /// Each case run, with its outcome.
    pub outcomes: Vec<(Case, Result<(), Failure>)>,
}

impl Report {
    /// Whether every case passed.
    pub fn passed(&self) -> bool {
        self.outcomes.iter().all(|(_, outcome)| outcome.is_ok())
    }

    /// Panics, naming every failed case and why, unless every case passed.
    #[track_caller]
    pub fn assert_passed(&self) {
        assert!(self.passed(), "runtime conformance failures:\n{self}");
    }
}

/// One line per case: `ok <case>` or `FAILED <case>: <why>`.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (case, outcome) in &self.outcomes {
            match outcome {
                Ok(()) => writeln!(f, "ok {case}")?,
                Err(failure) => writeln!(f, "FAILED {case}: {failure}")?,
            }
        }
        Ok(())
    }
}

/// The suite, bound to the backend under test and the bucket it talks to.
pub struct Conformance<'a, B: ProxyBackend> {
    backend: &'a B,
    target: Target,
    client_body: fn(BodyStream) -> B::Body,
    keys: SigningKeyCache,
}

impl<B: ProxyBackend> fmt::Debug for Conformance<'_, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Conformance")
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl<'a, B: ProxyBackend> Conformance<'a, B> {
    /// The suite for `backend` against `target`. `client_body` turns bytes into the
    /// runtime's own body, as a client's upload would arrive (for `ForwardBody::Client`).
    pub fn new(backend: &'a B, target: Target, client_body: fn(BodyStream) -> B::Body) -> Self {
        Self {
            backend,
            target,
            client_body,
            keys: SigningKeyCache::default(),
        }
    }

    /// Runs one case.
    pub async fn run(&self, case: Case) -> Result<(), Failure> {
        match case {
            Case::SendRawRoundTrip => self.send_raw_round_trip().await,
            Case::ErrorStatusIsResponse => self.error_status_is_response().await,
            Case::ForwardEmptyBody => self.forward_empty_body().await,
            Case::ForwardClientBody => self.forward_client_body().await,
            Case::ForwardStreamBody => self.forward_stream_body().await,
            Case::BodyIntoStream => self.body_into_stream().await,
            Case::HeadersKept => self.headers_kept().await,
            Case::EncodedKeyKept => self.encoded_key_kept().await,
            Case::FailingStreamAbortsUpload => self.failing_body_aborts_upload(case).await,
            Case::FailingClientBodyAbortsUpload => self.failing_body_aborts_upload(case).await,
            Case::ForwardStreamsLargeResponse => self.forward_streams_large_response().await,
            Case::SendRawRefusesOversizedResponse => {
                self.send_raw_refuses_oversized_response().await
            }
            Case::RefusedConnectionIsError => self.refused_connection_is_error().await,
        }
    }

    /// Runs every case, one after the other, and reports each outcome.
    pub async fn run_all(&self) -> Report {
        let mut outcomes = Vec::with_capacity(Case::ALL.len());
        for case in Case::ALL {
            outcomes.push((case, self.run(case).await));
        }
        Report { outcomes }
    }
}
