//! What a runtime provides to the core (HTTP transport, body streams, the parts of object
//! stores only it has), and how the core reaches a bucket's backend with its credentials.
//!
//! The core decides and prepares every backend request; a runtime ([`ProxyBackend`])
//! only moves bytes. S3 buckets are reached over the S3 wire protocol with requests the
//! core has already signed ([`BackendRequest`]); buckets on other stores through an
//! `object_store` [`ObjectStore`](object_store::ObjectStore) the core builds from the bucket's settings, its
//! [`BackendCredentials`] and the runtime's [`RuntimeParts`].
//!
//! Credentials come per request from a [`BackendCredentialSource`] (by default
//! [`ConfiguredCredentials`], the configuration's fixed keys); signers and stores are
//! cached by bucket and credential generation, so new credentials reach the backend on
//! the next request.

pub(crate) mod connect;
mod credential_source;
mod credentials;
mod listing;
mod runtime_parts;
mod s3_endpoint;
pub mod s3_xml;
mod signer;
mod store_builder;

use std::future::Future;
use std::pin::Pin;

use bytes::Bytes;
use futures_core::Stream;
use http::{HeaderMap, Method, StatusCode};

pub use credential_source::{
    BackendCredentialSource, ConfiguredCredentials, RefreshingCredentials,
};
pub use credentials::{BackendCredentials, BackendSecret, S3Keys};
pub use listing::{BackendListRequest, BackendPage};
pub use runtime_parts::{HeaderFilter, LocalStoreOpener, RuntimeParts};
pub use s3_endpoint::S3Endpoint;
pub use signer::{S3RequestSigner, Signer, UnsignedUrlSigner, build_signer};

use crate::{MaybeSend, MaybeSync, ProxyError};

/// A stream of body bytes that the core can read or produce on any runtime.
#[cfg(not(target_arch = "wasm32"))]
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, ProxyError>> + Send + 'static>>;
/// A stream of body bytes that the core can read or produce on any runtime.
#[cfg(target_arch = "wasm32")]
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, ProxyError>> + 'static>>;

/// A request to an S3-protocol backend, complete and signed.
#[derive(Debug, Clone)]
pub struct BackendRequest {
    /// HTTP method.
    pub method: Method,
    /// The full URL, path and query already encoded as they must be sent.
    pub url: String,
    /// Headers to send, `host` and the signature among them.
    pub headers: HeaderMap,
}

/// The body of a forwarded request.
pub enum ForwardBody<B> {
    /// No body.
    Empty,
    /// The client's body, passed through untouched; `length` is its `Content-Length`.
    Client {
        /// The runtime's body.
        body: B,
        /// The declared length, when the client sent one.
        length: Option<u64>,
    },
    /// A body the core produced (a decoded `aws-chunked` upload) of a known length.
    Stream {
        /// The bytes.
        stream: BodyStream,
        /// The exact length.
        length: u64,
    },
}

impl<B> std::fmt::Debug for ForwardBody<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Client { length, .. } => write!(f, "Client {{ length: {length:?} }}"),
            Self::Stream { length, .. } => write!(f, "Stream {{ length: {length} }}"),
        }
    }
}

/// A backend's answer with its body still streaming.
#[derive(Debug)]
pub struct BackendResponse<B> {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body, in the runtime's own type.
    pub body: B,
}

/// A backend's answer read in full (small XML documents).
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// Status code.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

pub use crate::limits::MAX_RAW_RESPONSE_SIZE;

/// A runtime's side of the gateway: transport, the parts of stores, and body conversion.
///
/// Both runtimes (the Tokio server and the Cloudflare Worker) implement this; everything
/// else is shared.
pub trait ProxyBackend: MaybeSend + MaybeSync + 'static {
    /// The runtime's streaming body type, for requests and responses alike.
    type Body: MaybeSend + 'static;

    /// What only this runtime can supply to build signers and object stores: an HTTP
    /// connector for cloud stores, the local file system, headers to drop before signing.
    /// The core asks when it builds one (not per request). The default supplies nothing.
    fn runtime_parts(&self) -> RuntimeParts {
        RuntimeParts::default()
    }

    /// Sends a small request and reads the whole response, failing past
    /// [`MAX_RAW_RESPONSE_SIZE`]. Used for multipart control calls, batch deletes, copies
    /// and listings.
    fn send_raw(
        &self,
        request: BackendRequest,
        body: Bytes,
    ) -> impl Future<Output = Result<RawResponse, ProxyError>> + MaybeSend;

    /// Sends a request streaming `body` to the backend, and returns as soon as the
    /// response headers arrive, its body still streaming. A failure of the request body
    /// stream must abort the request, so that the backend never completes an upload from
    /// a body that failed verification.
    fn forward(
        &self,
        request: BackendRequest,
        body: ForwardBody<Self::Body>,
    ) -> impl Future<Output = Result<BackendResponse<Self::Body>, ProxyError>> + MaybeSend;

    /// The runtime's body as a byte stream.
    fn body_into_stream(body: Self::Body) -> BodyStream;
}
