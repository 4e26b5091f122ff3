//! `GET /healthz`: a liveness probe, as the native server has.

use bytes::Bytes;
use http::{Method, StatusCode};
use multistore::api::RequestInfo;
use multistore::route_handler::{ProxyResponse, RouteHandler};

/// Answers `GET /healthz` (and `HEAD`) with `200 ok`, shadowing a bucket named `healthz`
/// for that one request.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HealthCheck;

impl RouteHandler for HealthCheck {
    fn matches(&self, request: &RequestInfo) -> bool {
        request.raw_path == "/healthz" && matches!(request.method, Method::GET | Method::HEAD)
    }

    async fn handle(&self, _request: &RequestInfo, _body: Bytes) -> ProxyResponse {
        ProxyResponse::with_body(StatusCode::OK, "text/plain", "ok\n")
    }
}
