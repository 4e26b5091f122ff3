//! One request: from hyper's request to the gateway, and the gateway's answer back as
//! hyper's response.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use http::header::{CONNECTION, CONTENT_LENGTH, HOST};
use http::{HeaderValue, Request, Response};
use hyper::body::Incoming;
use multistore::api::RequestInfo;
use multistore::proxy::{GatewayResponse, Handled, ProxyGateway};
use multistore::route_handler::ProxyResponseBody;

use crate::backend::ServerBackend;
use crate::body::{self, Metered, TrackedBody};
use crate::in_flight::InFlight;

/// The gateway the server runs: whatever parts are enabled (STS, route handlers,
/// middleware), it is this one type, served by one code path.
pub type Gateway = ProxyGateway<ServerBackend>;

/// Serves one request: its body fails once the client sends nothing for `body_timeout`;
/// `in_flight` lasts as long as the response body.
pub(crate) async fn handle(
    gateway: Arc<Gateway>,
    request: Request<Incoming>,
    body_timeout: Duration,
    in_flight: InFlight,
) -> Result<Response<Metered>, Infallible> {
    let (parts, incoming) = request.into_parts();
    let mut headers = parts.headers;
    if !headers.contains_key(HOST)
        && let Some(authority) = parts.uri.authority()
        && let Ok(host) = HeaderValue::from_str(authority.as_str())
    {
        // HTTP/2 carries the host in the URI; signatures need it as a header.
        headers.insert(HOST, host);
    }
    let info = RequestInfo {
        method: parts.method,
        raw_path: parts.uri.path().to_owned(),
        raw_query: parts.uri.query().map(str::to_owned),
        headers,
    };
    let (body, progress) = TrackedBody::new(incoming);
    let body = body::with_idle_timeout(body, body_timeout);
    let Handled {
        response,
        completion,
    } = gateway.handle_request(info, body).await;
    let (status, headers, body) = match response {
        GatewayResponse::Forward(forwarded) => {
            (forwarded.status, forwarded.headers, forwarded.body)
        }
        GatewayResponse::Response(own) => {
            let body = match own.body {
                ProxyResponseBody::Empty => body::empty(),
                ProxyResponseBody::Bytes(bytes) => body::full(bytes),
                ProxyResponseBody::Stream(stream) => body::from_stream(stream),
            };
            (own.status, own.headers, body)
        }
    };
    let declared_length = headers
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse().ok());
    let mut response = Response::new(Metered::new(
        body,
        declared_length,
        completion,
        progress.clone(),
        in_flight,
    ));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    if !progress.read_to_end.load(Ordering::Acquire) {
        response
            .headers_mut()
            .insert(CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}
