//! The incoming request as the core sees it.

use http::header::{CONTENT_TYPE, HOST};
use http::{HeaderValue, Method};
use multistore::api::RequestInfo;
use multistore::auth::sigv4::parse_claims;

use crate::body::WorkerBody;
use crate::headers;
use crate::url_parts::UrlParts;

/// Why an incoming request cannot be handed to the core.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidRequest {
    /// The method is not a valid HTTP token.
    #[error("invalid HTTP method")]
    Method,
    /// The runtime gave a URL without `scheme://authority`.
    #[error("request URL without an authority")]
    Url,
}

/// The core's view of `request`: method, the path and query exactly as the client encoded
/// them, headers, and the body still a JavaScript stream.
///
/// The path is taken from `request.url` as the runtime serialized it, without decoding:
/// percent-escapes are kept as the client sent them (the core verifies signatures over
/// them and decodes keys itself). What the runtime's URL parser changes before the Worker
/// runs cannot be undone: `.` and `..` segments (also as `%2e`) are resolved, `\` becomes
/// `/`, and a few characters that clients escape anyway are escaped (`^` as `%5E`, space,
/// `"`, `<`, `>`). A request whose signature covers such a path fails to verify, where
/// the native server would refuse a dot segment as an invalid argument.
///
/// The runtime also drops a `Content-Type` header whose value is empty (boto3 sends one
/// for `ContentType=''`) while keeping other empty headers. A request that signed
/// `content-type` and arrives without one therefore sent it empty, and gets it back, so
/// that its signature verifies as on the native server.
pub fn request_parts(
    request: &web_sys::Request,
) -> Result<(RequestInfo, WorkerBody), InvalidRequest> {
    let method =
        Method::from_bytes(request.method().as_bytes()).map_err(|_| InvalidRequest::Method)?;
    let url = request.url();
    let parts = UrlParts::split(&url).ok_or(InvalidRequest::Url)?;
    let mut headers = headers::from_js(&request.headers());
    if !headers.contains_key(HOST)
        && let Ok(host) = HeaderValue::from_str(parts.authority)
    {
        headers.insert(HOST, host);
    }
    let mut info = RequestInfo {
        method,
        raw_path: parts.path.to_owned(),
        raw_query: parts.query.map(str::to_owned),
        headers,
    };
    restore_empty_content_type(&mut info);
    Ok((info, WorkerBody::from(request.body())))
}

/// Adds `Content-Type` with an empty value to `info` if it has none and its signature
/// claims name it among the signed headers.
fn restore_empty_content_type(info: &mut RequestInfo) {
    if info.headers.contains_key(CONTENT_TYPE) {
        return;
    }
    let signed = parse_claims(info).ok().flatten().is_some_and(|claims| {
        claims
            .signed_headers
            .iter()
            .any(|name| name == CONTENT_TYPE.as_str())
    });
    if signed {
        info.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(""));
    }
}
