//! [`FetchConnector`]: `object_store`'s HTTP transport on the Workers `fetch`.

use bytes::Bytes;
use futures_channel::{mpsc, oneshot};
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, StatusCode};
use http_body_util::{BodyExt, StreamBody};
use object_store::ClientOptions;
use object_store::client::{
    HttpClient, HttpConnector, HttpError, HttpErrorKind, HttpRequest, HttpResponse,
    HttpResponseBody, HttpService,
};
use wasm_bindgen::JsValue;

use crate::body::WorkerBody;
use crate::fetch::Subrequest;

/// Lets `object_store`'s cloud clients reach their service with `fetch`: `WorkerBackend`
/// hands it to the core (with `RustCryptoProvider`), which builds `azure` stores over it.
///
/// `object_store` requires its transport to be `Send`, and JavaScript values are not: each
/// request runs as a task of the isolate's own executor (`spawn_local`), and hands the
/// response headers and body chunks back over channels. The request body is sent in one
/// piece (`object_store` builds it in memory); the response body streams.
///
/// What `object_store` 0.14 itself does on `wasm32-unknown-unknown` limits what works:
/// * `ClientOptions` (timeouts, proxies, TLS settings) do not apply: the platform owns
///   the connection.
/// * Retries must be off (the core turns them off on wasm32): `object_store` sleeps
///   between them with Tokio's timer, which does not exist here.
/// * Credentials it caches by `std::time::Instant` (every token credential: Azure OAuth,
///   managed and workload identities; GCS service accounts) panic, since `Instant::now()`
///   does on this target. Azure shared keys (`access_key`, the emulator's) work, and so do
///   SAS and bearer tokens. GCS authenticates with service-account tokens only, so the
///   gateway serves no `gcs` buckets from a Worker.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchConnector;

impl HttpConnector for FetchConnector {
    fn connect(&self, _options: &ClientOptions) -> object_store::Result<HttpClient> {
        Ok(HttpClient::new(FetchService))
    }
}

#[derive(Debug)]
struct FetchService;

/// What the isolate's task reports once the response headers arrive.
type Head = Result<(StatusCode, HeaderMap), HttpError>;

#[async_trait::async_trait]
impl HttpService for FetchService {
    async fn call(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let (parts, body) = request.into_parts();
        let body = body.collect().await?.to_bytes();
        let (head_tx, head_rx) = oneshot::channel::<Head>();
        let (chunks_tx, chunks_rx) = mpsc::channel::<Result<Bytes, HttpError>>(1);
        wasm_bindgen_futures::spawn_local(async move {
            let sent = Subrequest {
                method: &parts.method,
                url: &parts.uri.to_string(),
                headers: &parts.headers,
                body: (!body.is_empty())
                    .then(|| JsValue::from(js_sys::Uint8Array::from(body.as_ref()))),
                signal: None,
            }
            .send()
            .await;
            match sent {
                Err(failure) => {
                    let _ = head_tx.send(Err(HttpError::new(HttpErrorKind::Request, failure)));
                }
                Ok(answer) => {
                    if head_tx.send(Ok((answer.status, answer.headers))).is_ok() {
                        pump(WorkerBody::from(answer.body), chunks_tx).await;
                    }
                }
            }
        });
        let (status, headers) = head_rx
            .await
            .map_err(|_| HttpError::new(HttpErrorKind::Interrupted, Dropped))??;
        let mut response = HttpResponse::new(HttpResponseBody::new(StreamBody::new(
            chunks_rx.map(|chunk| chunk.map(http_body::Frame::data)),
        )));
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}

/// Sends the body's chunks until it ends or the receiver goes away.
async fn pump(body: WorkerBody, mut chunks: mpsc::Sender<Result<Bytes, HttpError>>) {
    let mut stream = body.into_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| HttpError::new(HttpErrorKind::Interrupted, error));
        let failed = chunk.is_err();
        if chunks.send(chunk).await.is_err() || failed {
            return;
        }
    }
}

/// The isolate dropped the request's task before it answered.
#[derive(Debug, thiserror::Error)]
#[error("the fetch task ended without an answer")]
struct Dropped;
