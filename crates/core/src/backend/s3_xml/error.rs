//! S3's `<Error>` document, and what a backend's error means for the gateway's client.

use http::StatusCode;

use super::{malformed, open_document, read_text, required};
use crate::ProxyError;
use crate::api::xml_reader::XmlCursor;

/// An error a backend reported in an `<Error>` document.
///
/// Its message is the backend's and may name the backend's bucket or keys, so it is kept
/// for logs (as the source of a [`ProxyError::Backend`]) and never sent to a client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("backend error {code}: {message}")]
pub struct BackendError {
    /// The S3 error code (`NoSuchKey`, `SlowDown`, …).
    pub code: String,
    /// The backend's message; empty if it sent none.
    pub message: String,
}

impl BackendError {
    /// The error the gateway's client gets for this backend error.
    ///
    /// Codes a client can act on keep their meaning, with the gateway's own message
    /// (`NoSuchKey`, `NoSuchUpload`, `InvalidPart`, `PreconditionFailed`, `InvalidRange`,
    /// `AccessDenied`, `BadDigest` …). Everything else becomes [`ProxyError::Backend`], a 503:
    /// a missing backend bucket (`NoSuchBucket`) or rejected backend credentials
    /// (`InvalidAccessKeyId`, `SignatureDoesNotMatch`) are the gateway's misconfiguration,
    /// and `InternalError`, `SlowDown`, `ServiceUnavailable` or an unknown code are the
    /// backend's failure, none of them the client's.
    ///
    /// ```
    /// use multistore::backend::s3_xml::BackendError;
    ///
    /// let error = BackendError { code: "NoSuchUpload".into(), message: String::new() };
    /// assert_eq!(error.into_proxy_error().s3_code(), "NoSuchUpload");
    /// let error = BackendError { code: "NoSuchBucket".into(), message: "data-prod".into() };
    /// assert_eq!(error.into_proxy_error().s3_code(), "ServiceUnavailable");
    /// ```
    pub fn into_proxy_error(self) -> ProxyError {
        match self.code.as_str() {
            "NoSuchKey" | "NoSuchVersion" => ProxyError::NoSuchKey(String::new()),
            "NoSuchUpload" => ProxyError::NoSuchUpload,
            "InvalidPart" => ProxyError::InvalidPart(INVALID_PART_MESSAGE.into()),
            "InvalidPartOrder" => ProxyError::InvalidPartOrder,
            "EntityTooSmall" => ProxyError::EntityTooSmall,
            "EntityTooLarge" => ProxyError::EntityTooLarge,
            "PreconditionFailed" => ProxyError::PreconditionFailed,
            "NotModified" => ProxyError::NotModified,
            "InvalidRange" => ProxyError::InvalidRange,
            "InvalidArgument" => match copy_range_beyond(&self.message) {
                Some(size) => crate::api::CopySourceRange::beyond(size),
                None => ProxyError::InvalidArgument("Invalid Argument".into()),
            },
            "InvalidStorageClass" => {
                ProxyError::InvalidArgument("The storage class you specified is not valid.".into())
            }
            "InvalidTag" => {
                ProxyError::InvalidArgument("The tag provided was not a valid tag.".into())
            }
            "InvalidRequest" => ProxyError::InvalidRequest("Invalid Request".into()),
            "AccessDenied" => ProxyError::AccessDenied("Access Denied".into()),
            "MalformedXML" => ProxyError::MalformedXml(MALFORMED_XML_MESSAGE.into()),
            "BadDigest" => ProxyError::BadDigest,
            "InvalidDigest" => ProxyError::InvalidDigest,
            "XAmzContentSHA256Mismatch" => ProxyError::ContentSha256Mismatch(
                "The provided 'x-amz-content-sha256' header does not match what was computed."
                    .into(),
            ),
            "IncompleteBody" => ProxyError::IncompleteBody,
            "MissingContentLength" => ProxyError::MissingContentLength,
            "KeyTooLongError" => ProxyError::KeyTooLong,
            "MethodNotAllowed" => ProxyError::MethodNotAllowed,
            "NotImplemented" => ProxyError::NotImplemented(
                "A header you provided implies functionality that is not implemented.".into(),
            ),
            _ => ProxyError::backend(self),
        }
    }
}

/// The source size S3 names when it refuses an UploadPartCopy range past the source
/// (`Range specified is not valid for source object of size: N`): the only part of that
/// message the client is told again, in the gateway's own words.
fn copy_range_beyond(message: &str) -> Option<u64> {
    let size = message.strip_prefix("Range specified is not valid for source object of size: ")?;
    size.trim().parse().ok()
}

/// S3's text for `InvalidPart`.
const INVALID_PART_MESSAGE: &str = "One or more of the specified parts could not be found. \
    The part may not have been uploaded, or the specified entity tag may not match the \
    part's entity tag.";

/// S3's text for `MalformedXML`.
const MALFORMED_XML_MESSAGE: &str = "The XML you provided was not well-formed or did not \
    validate against our published schema.";

/// A backend answered with an error status and no `<Error>` document the gateway could read
/// (HEAD responses have no body at all).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("backend answered HTTP {0} without a readable error document")]
struct BareErrorStatus(StatusCode);

/// Parses an `<Error>` document.
pub fn parse_error(body: &[u8]) -> Result<BackendError, ProxyError> {
    let mut xml = open_document(body, &["Error"])?;
    let error = read_error(&mut xml)?;
    xml.finish()?;
    Ok(error)
}

/// The error the client gets for a backend's failed answer: its `status` and `body`.
///
/// An `<Error>` document is mapped by its code, as [`BackendError::into_proxy_error`]
/// says, whatever the status. Without one (an empty body, as HEAD responses have, or one
/// that is not S3's XML) the status decides: 304 is `NotModified`, 404 `NoSuchKey`, 405
/// `MethodNotAllowed`, 412 `PreconditionFailed`, 416 `InvalidRange`, and everything else
/// — 403 (the gateway's backend credentials are wrong), 5xx, any other — is
/// [`ProxyError::Backend`].
///
/// ```
/// use http::StatusCode;
/// use multistore::backend::s3_xml::backend_error;
///
/// assert_eq!(backend_error(StatusCode::NOT_FOUND, b"").s3_code(), "NoSuchKey");
/// let body = b"<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>";
/// assert_eq!(backend_error(StatusCode::SERVICE_UNAVAILABLE, body).s3_code(), "ServiceUnavailable");
/// ```
pub fn backend_error(status: StatusCode, body: &[u8]) -> ProxyError {
    match parse_error(body) {
        Ok(error) => error.into_proxy_error(),
        Err(_) => error_for_status(status),
    }
}

/// The client's error for a backend status that came without an error document.
fn error_for_status(status: StatusCode) -> ProxyError {
    match status {
        StatusCode::NOT_MODIFIED => ProxyError::NotModified,
        StatusCode::NOT_FOUND => ProxyError::NoSuchKey(String::new()),
        StatusCode::METHOD_NOT_ALLOWED => ProxyError::MethodNotAllowed,
        StatusCode::PRECONDITION_FAILED => ProxyError::PreconditionFailed,
        StatusCode::RANGE_NOT_SATISFIABLE => ProxyError::InvalidRange,
        other => ProxyError::backend(BareErrorStatus(other)),
    }
}

/// Reads the children of an `<Error>` the cursor is inside.
pub(super) fn read_error(xml: &mut XmlCursor<'_>) -> Result<BackendError, ProxyError> {
    let mut code = None;
    let mut message = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Code" => read_text(xml, &mut code, "Code")?,
            "Message" => read_text(xml, &mut message, "Message")?,
            _ => xml.skip()?,
        }
    }
    let code = required(code, "Error", "Code")?.trim().to_owned();
    if code.is_empty() {
        return Err(malformed("<Error> has an empty <Code>."));
    }
    Ok(BackendError {
        code,
        message: message.unwrap_or_default(),
    })
}
