//! Error documents and request ids on the gateway's responses.

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::ProxyError;
use crate::api::response::render_error;
use crate::response::ProxyResponse;

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
