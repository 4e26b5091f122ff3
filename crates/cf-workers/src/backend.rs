//! [`WorkerBackend`]: the Workers runtime's side of the gateway.

use bytes::Bytes;
use multistore::ProxyError;
use multistore::backend::{
    BackendRequest, BackendResponse, BodyStream, ForwardBody, MAX_RAW_RESPONSE_SIZE, ProxyBackend,
    RawResponse, RuntimeParts,
};
use wasm_bindgen::JsValue;

use crate::body::{self, CollectError, WorkerBody};
use crate::fetch::Subrequest;
use crate::headers;

/// Outbound requests with `fetch`.
///
/// The core signs S3 requests (`UnsignedUrlSigner` for anonymous backends, which never
/// reads the clock) over the headers `fetch` can send, and builds and caches the object
/// stores of other buckets with this runtime's parts (`FetchConnector` and
/// `RustCryptoProvider` for `azure`); this backend only moves the bytes. `memory` buckets
/// live in the gateway, so build one gateway per isolate.
#[derive(Debug, Default)]
pub struct WorkerBackend;

impl WorkerBackend {
    /// The Workers runtime's backend.
    pub fn new() -> Self {
        Self
    }
}

impl ProxyBackend for WorkerBackend {
    type Body = WorkerBody;

    /// Signatures over what `fetch` sends only; `azure` stores over `fetch`. No file
    /// system: `local` buckets are refused.
    fn runtime_parts(&self) -> RuntimeParts {
        let parts = RuntimeParts::default().with_header_filter(headers::without_unsendable);
        #[cfg(feature = "azure")]
        let parts = parts
            .with_http_connector(crate::FetchConnector)
            .with_crypto_provider(std::sync::Arc::new(crate::RustCryptoProvider));
        parts
    }

    async fn send_raw(
        &self,
        request: BackendRequest,
        body: Bytes,
    ) -> Result<RawResponse, ProxyError> {
        let answer = Subrequest {
            method: &request.method,
            url: &request.url,
            headers: &request.headers,
            body: (!body.is_empty())
                .then(|| JsValue::from(js_sys::Uint8Array::from(body.as_ref()))),
            signal: None,
        }
        .send()
        .await
        .map_err(ProxyError::backend)?;
        let body = body::collect(WorkerBody::from(answer.body), MAX_RAW_RESPONSE_SIZE)
            .await
            .map_err(|error| match error {
                CollectError::TooLarge => ProxyError::backend(format!(
                    "backend response larger than {MAX_RAW_RESPONSE_SIZE} bytes"
                )),
                CollectError::Read(_) => ProxyError::backend("backend response body failed"),
            })?;
        Ok(RawResponse {
            status: answer.status,
            headers: answer.headers,
            body,
        })
    }

    async fn forward(
        &self,
        request: BackendRequest,
        body: ForwardBody<WorkerBody>,
    ) -> Result<BackendResponse<WorkerBody>, ProxyError> {
        let (body, length) = match body {
            ForwardBody::Empty => (WorkerBody::Empty, None),
            ForwardBody::Client { body, length } => (body, length),
            ForwardBody::Stream { stream, length } => (WorkerBody::Rust(stream), Some(length)),
        };
        let body = match (body.into_js(), length) {
            (Some(stream), Some(length)) => Some(
                body::with_length(&stream, length)
                    .map_err(ProxyError::backend)?
                    .into(),
            ),
            (stream, _) => stream.map(JsValue::from),
        };
        let answer = Subrequest {
            method: &request.method,
            url: &request.url,
            headers: &request.headers,
            body,
            signal: None,
        }
        .send()
        .await
        .map_err(ProxyError::backend)?;
        Ok(BackendResponse {
            status: answer.status,
            headers: answer.headers,
            body: WorkerBody::from(answer.body),
        })
    }

    fn body_into_stream(body: WorkerBody) -> BodyStream {
        body.into_stream()
    }
}
