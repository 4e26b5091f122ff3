//! What the gateway hands back to the runtime: a backend's streaming response, or one the
//! gateway produced itself.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::backend::{BackendResponse, BodyStream};

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

/// The body of a response the gateway produces itself.
pub enum ProxyResponseBody {
    /// No body.
    Empty,
    /// A complete body (XML documents, JSON, small answers).
    Bytes(Bytes),
    /// A streaming body (objects read from an object store).
    Stream(BodyStream),
}

impl std::fmt::Debug for ProxyResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Self::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// A response the gateway produces itself.
#[derive(Debug)]
pub struct ProxyResponse {
    /// Status code.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: ProxyResponseBody,
}

impl ProxyResponse {
    /// A response with no body.
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: HeaderMap::new(),
            body: ProxyResponseBody::Empty,
        }
    }

    /// A complete response with `content_type`.
    pub fn with_body(
        status: StatusCode,
        content_type: &'static str,
        body: impl Into<Bytes>,
    ) -> Self {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static(content_type),
        );
        Self {
            status,
            headers,
            body: ProxyResponseBody::Bytes(body.into()),
        }
    }

    /// An XML document (`application/xml`).
    pub fn xml(status: StatusCode, document: impl Into<Bytes>) -> Self {
        Self::with_body(status, "application/xml", document)
    }
}
