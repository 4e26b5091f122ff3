//! [`serve`]: one request through the gateway, from a JavaScript `Request` to a
//! JavaScript `Response`.

use http::header::CONTENT_LENGTH;
use http::{HeaderMap, StatusCode};
use js_sys::Uint8Array;
use multistore::ProxyError;
use multistore::api::response::render_error;
use multistore::proxy::{BodyBytes, Completion, GatewayResponse, Handled, ProxyGateway};
use multistore::route_handler::ProxyResponseBody;
use wasm_bindgen::JsValue;
use web_sys::{ReadableStream, Response, ResponseInit};

use crate::backend::WorkerBackend;
use crate::body::{self, WorkerBody};
use crate::headers;
use crate::metered::Metered;
use crate::request::request_parts;

/// Serves `request` with `gateway` and answers with the response to send.
///
/// A body the gateway passes through from the backend is handed to the runtime as the
/// backend's own stream, untouched, so the runtime keeps its length and its compressed
/// pass-through; the request is reported to the core (access log, middleware's
/// `after_dispatch`) as complete when the response is handed over. A body the gateway
/// produced is counted as the runtime reads it and reported when it ends (or as aborted
/// when the client goes away); with a declared `Content-Length` it goes out through a
/// `FixedLengthStream`, so that the client gets that length rather than chunked encoding.
///
/// The request body bytes reported are the request's declared `Content-Length`: a body
/// the gateway forwards is handed to the runtime unread, so the Worker never counts it.
pub async fn serve(
    gateway: &ProxyGateway<WorkerBackend>,
    request: &web_sys::Request,
) -> Result<Response, JsValue> {
    let (info, body) = match request_parts(request) {
        Ok(parts) => parts,
        Err(invalid) => {
            let error = ProxyError::InvalidRequest(invalid.to_string());
            let xml = render_error(&error, "/", "");
            return respond(
                error.status(),
                &xml_headers(),
                Some(JsBody::bytes(xml.as_bytes())),
            );
        }
    };
    let received = declared_length(&info.headers).unwrap_or(0);
    let Handled {
        response,
        completion,
    } = gateway.handle_request(info, body).await;
    let moved = |sent| BodyBytes { received, sent };
    match response {
        GatewayResponse::Forward(forwarded) => {
            let body = body_of(
                forwarded.status,
                forwarded.body.into_js().map(JsBody::Stream),
            );
            let sent = match body {
                Some(_) => declared_length(&forwarded.headers).unwrap_or(0),
                None => 0,
            };
            let response = respond(forwarded.status, &forwarded.headers, body)?;
            completion.finish(moved(sent));
            Ok(response)
        }
        GatewayResponse::Response(own) => {
            let status = own.status;
            let body = match own.body {
                ProxyResponseBody::Empty => {
                    completion.finish(moved(0));
                    None
                }
                ProxyResponseBody::Bytes(content) => {
                    completion.finish(moved(content.len() as u64));
                    Some(JsBody::bytes(&content))
                }
                ProxyResponseBody::Stream(stream) => {
                    produced(stream, declared_length(&own.headers), completion, received)?
                }
            };
            respond(status, &own.headers, body_of(status, body))
        }
    }
}

/// A response body for the runtime.
enum JsBody {
    /// Complete bytes.
    Bytes(Uint8Array),
    /// A stream.
    Stream(ReadableStream),
}

impl JsBody {
    fn bytes(bytes: &[u8]) -> Self {
        Self::Bytes(Uint8Array::from(bytes))
    }
}

/// A stream the gateway produced, counted for `completion` and fixed to `declared` bytes
/// when known.
fn produced(
    stream: multistore::backend::BodyStream,
    declared: Option<u64>,
    completion: Completion,
    received: u64,
) -> Result<Option<JsBody>, JsValue> {
    let metered = Metered::new(stream, completion, received);
    let Some(js) = WorkerBody::Rust(Box::pin(metered)).into_js() else {
        return Ok(None);
    };
    let js = match declared {
        Some(length) => body::with_length(&js, length).map_err(JsValue::from)?,
        None => js,
    };
    Ok(Some(JsBody::Stream(js)))
}

/// `body`, unless `status` forbids one (1xx, 204, 205, 304); a forbidden stream is
/// cancelled.
fn body_of(status: StatusCode, body: Option<JsBody>) -> Option<JsBody> {
    let forbidden = status.is_informational()
        || matches!(
            status,
            StatusCode::NO_CONTENT | StatusCode::RESET_CONTENT | StatusCode::NOT_MODIFIED
        );
    if !forbidden {
        return body;
    }
    if let Some(JsBody::Stream(stream)) = body {
        let _ = stream.cancel();
    }
    None
}

fn respond(
    status: StatusCode,
    headers: &HeaderMap,
    body: Option<JsBody>,
) -> Result<Response, JsValue> {
    let init = ResponseInit::new();
    init.set_status(status.as_u16());
    init.set_headers(&headers::to_js(headers).map_err(JsValue::from)?.into());
    match body {
        None => Response::new_with_opt_str_and_init(None, &init),
        Some(JsBody::Bytes(bytes)) => {
            Response::new_with_opt_buffer_source_and_init(Some(&bytes), &init)
        }
        Some(JsBody::Stream(stream)) => {
            Response::new_with_opt_readable_stream_and_init(Some(&stream), &init)
        }
    }
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

fn xml_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/xml"),
    );
    headers
}
