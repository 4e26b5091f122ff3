//! What the gateway hands back to the runtime.

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::ProxyError;
use crate::api::response::render_error;
use crate::backend::BackendResponse;
use crate::route_handler::ProxyResponse;

/// A response for the runtime to send.
#[derive(Debug)]
pub enum GatewayResponse<B> {
    /// A backend's response, headers already filtered; the runtime streams its body to the
    /// client as it is.
    Forward(BackendResponse<B>),
    /// A response the gateway produced itself (XML documents, errors, objects read from an
    /// object store).
    Response(ProxyResponse),
}

impl<B> GatewayResponse<B> {
    /// The status code.
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Forward(response) => response.status,
            Self::Response(response) => response.status,
        }
    }

    /// The response headers.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        match self {
            Self::Forward(response) => &mut response.headers,
            Self::Response(response) => &mut response.headers,
        }
    }
}

/// The S3 error document for `error`, addressed to `resource`.
pub(crate) fn error_response(
    error: &ProxyError,
    resource: &str,
    request_id: &str,
) -> ProxyResponse {
    match error {
        ProxyError::NotModified => ProxyResponse::empty(error.status()),
        _ => ProxyResponse::xml(error.status(), render_error(error, resource, request_id)),
    }
}

/// Adds `x-amz-request-id` (and S3's `x-amz-id-2` twin) to a response.
pub(crate) fn stamp_request_id(headers: &mut HeaderMap, request_id: &str) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(HeaderName::from_static("x-amz-request-id"), value.clone());
        headers.insert(HeaderName::from_static("x-amz-id-2"), value);
    }
}
