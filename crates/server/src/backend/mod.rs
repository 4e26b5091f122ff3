//! [`ServerBackend`]: the Tokio runtime's side of the gateway.

mod client;
pub mod leftovers;

use std::sync::Arc;

use bytes::Bytes;
use http::header::CONTENT_LENGTH;
use http::{HeaderValue, Request};
use http_body_util::BodyExt;
use multistore::ProxyError;
use multistore::backend::{
    BackendRequest, BackendResponse, BodyStream, ForwardBody, MAX_RAW_RESPONSE_SIZE, ProxyBackend,
    RawResponse, RuntimeParts,
};
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;

pub use client::Timeouts;
use client::{HttpClient, http_client};

use crate::body::{self, BodyStalled, ServerBody};

/// Outbound HTTP with connection pooling and timeouts, and the local file system for
/// `local` buckets (the core builds and caches their stores).
#[derive(Debug)]
pub struct ServerBackend {
    client: HttpClient,
    timeouts: Timeouts,
}

impl ServerBackend {
    /// A backend with the given timeouts.
    pub fn new(timeouts: Timeouts) -> std::io::Result<Self> {
        Ok(Self {
            client: http_client(timeouts)?,
            timeouts,
        })
    }

    async fn send(
        &self,
        request: BackendRequest,
        body: ServerBody,
        length: Option<u64>,
    ) -> Result<http::Response<hyper::body::Incoming>, ProxyError> {
        let mut outbound = Request::builder()
            .method(request.method)
            .uri(&request.url)
            .body(body)
            .map_err(ProxyError::backend)?;
        *outbound.headers_mut() = request.headers;
        match length {
            Some(length) => {
                outbound
                    .headers_mut()
                    .insert(CONTENT_LENGTH, HeaderValue::from(length));
            }
            None => {
                outbound.headers_mut().remove(CONTENT_LENGTH);
            }
        }
        tokio::time::timeout(self.timeouts.response, self.client.request(outbound))
            .await
            .map_err(|_| ProxyError::backend("backend response timed out"))?
            .map_err(|error| {
                // The client's upload stalled, so the transport gave up on the request:
                // the client's doing, not the backend's.
                if BodyStalled::caused(&error) {
                    ProxyError::RequestTimeout
                } else {
                    ProxyError::backend(error)
                }
            })
    }
}

impl ProxyBackend for ServerBackend {
    type Body = ServerBody;

    /// The local file system; cloud stores use `object_store`'s own HTTP client.
    fn runtime_parts(&self) -> RuntimeParts {
        RuntimeParts::default().with_local_file_system(open_local)
    }

    async fn send_raw(
        &self,
        request: BackendRequest,
        body: Bytes,
    ) -> Result<RawResponse, ProxyError> {
        let length = body.len() as u64;
        let response = self.send(request, body::full(body), Some(length)).await?;
        let (parts, incoming) = response.into_parts();
        let limited = http_body_util::Limited::new(incoming, MAX_RAW_RESPONSE_SIZE);
        let collected = tokio::time::timeout(self.timeouts.response, limited.collect())
            .await
            .map_err(|_| ProxyError::backend("backend response timed out"))?
            .map_err(ProxyError::backend)?;
        Ok(RawResponse {
            status: parts.status,
            headers: parts.headers,
            body: collected.to_bytes(),
        })
    }

    async fn forward(
        &self,
        request: BackendRequest,
        body: ForwardBody<ServerBody>,
    ) -> Result<BackendResponse<ServerBody>, ProxyError> {
        let (body, length) = match body {
            ForwardBody::Empty => (body::empty(), None),
            ForwardBody::Client { body, length } => (body, length),
            ForwardBody::Stream { stream, length } => (body::from_stream(stream), Some(length)),
        };
        let response = self.send(request, body, length).await?;
        let (parts, incoming) = response.into_parts();
        Ok(BackendResponse {
            status: parts.status,
            headers: parts.headers,
            body: body::with_idle_timeout(incoming, self.timeouts.idle),
        })
    }

    fn body_into_stream(body: ServerBody) -> BodyStream {
        body::into_stream(body)
    }
}

/// The store of a `local` bucket: the directory `root`, created if absent. Files are
/// written aside and renamed into place, and emptied directories removed.
fn open_local(root: &str) -> object_store::Result<Arc<dyn ObjectStore>> {
    std::fs::create_dir_all(root).map_err(|source| object_store::Error::Generic {
        store: "LocalFileSystem",
        source: Box::new(source),
    })?;
    let store = LocalFileSystem::new_with_prefix(root)?.with_automatic_cleanup(true);
    Ok(Arc::new(store))
}
