//! [`WorkerBackend`]: the Workers runtime's side of the gateway.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use multistore::ProxyError;
use multistore::auth::sigv4::SigningKeyCache;
use multistore::backend::{
    BackendRequest, BackendResponse, BodyStream, ForwardBody, MAX_RAW_RESPONSE_SIZE, ProxyBackend,
    RawResponse, Signer, build_signer,
};
use multistore::config::BucketConfig;
use object_store::ObjectStore;
use wasm_bindgen::JsValue;

use crate::body::{self, CollectError, WorkerBody};
use crate::fetch::Subrequest;
use crate::headers;
use crate::stores::StoreCache;

/// Outbound requests with `fetch`, and the object stores of non-S3 buckets.
///
/// Build one per isolate, with the gateway (its `memory` buckets live in it). S3 buckets
/// are signed by the core ([`build_signer`]: `UnsignedUrlSigner` for anonymous backends,
/// which never reads the clock), over the headers `fetch` can send; this backend only
/// moves the bytes.
#[derive(Debug, Default)]
pub struct WorkerBackend {
    stores: StoreCache,
}

impl WorkerBackend {
    /// A backend with no stores built yet.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ProxyBackend for WorkerBackend {
    type Body = WorkerBody;

    // The trait hands signers out in an `Arc`; on wasm32 nothing is `Send`, and there is
    // one thread.
    #[allow(clippy::arc_with_non_send_sync)]
    fn create_signer(&self, bucket: &BucketConfig) -> Result<Arc<dyn Signer>, ProxyError> {
        Ok(Arc::new(FetchSigner(build_signer(bucket)?)))
    }

    fn create_store(&self, bucket: &BucketConfig) -> Result<Arc<dyn ObjectStore>, ProxyError> {
        self.stores.get(bucket)
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

/// A bucket's signer, signing only what `fetch` sends: the runtime would drop an empty
/// `Content-Type` after it was signed, and the backend would refuse the signature.
#[derive(Debug)]
struct FetchSigner(Arc<dyn Signer>);

impl Signer for FetchSigner {
    fn sign(
        &self,
        request: &mut BackendRequest,
        payload_hash: &str,
        now: DateTime<Utc>,
        keys: &SigningKeyCache,
    ) -> Result<(), ProxyError> {
        headers::without_unsendable(&mut request.headers);
        self.0.sign(request, payload_hash, now, keys)
    }
}
