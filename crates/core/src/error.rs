//! The one error type of the core, and its single mapping onto S3 error codes.

use http::StatusCode;

/// A boxed error from a backend or runtime, kept as the source of a [`ProxyError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything that can go wrong while serving a request.
///
/// Each variant maps to exactly one S3 error code and HTTP status in
/// [`ProxyError::s3_code`] and [`ProxyError::status`]. Messages of client errors are shown
/// to the client; messages of server errors (5xx) never are, because they may name backends.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyError {
    /// The caller may not do this.
    #[error("{0}")]
    AccessDenied(String),
    /// The access key id is unknown.
    #[error("The AWS Access Key Id you provided does not exist in our records.")]
    InvalidAccessKeyId,
    /// The signature does not verify.
    #[error("{0}")]
    SignatureDoesNotMatch(String),
    /// The session token has expired.
    #[error("The provided token has expired.")]
    ExpiredToken,
    /// The session token is malformed, tampered with, or not ours.
    #[error("The provided token is malformed or otherwise invalid.")]
    InvalidToken,
    /// The request time is more than 15 minutes away from the gateway's clock.
    #[error("The difference between the request time and the current time is too large.")]
    RequestTimeTooSkewed,
    /// The `Authorization` header cannot be parsed or names the wrong scope.
    #[error("{0}")]
    AuthorizationHeaderMalformed(String),
    /// Presigned-URL query parameters cannot be parsed or are out of range.
    #[error("{0}")]
    AuthorizationQueryParametersError(String),
    /// The `x-amz-content-sha256` value does not match the body, or a chunk is malformed.
    #[error("{0}")]
    ContentSha256Mismatch(String),
    /// The body ended before the declared length.
    #[error("You did not provide the number of bytes specified by the Content-Length HTTP header.")]
    IncompleteBody,
    /// The client stopped sending its request body for longer than the gateway waits.
    #[error(
        "Your socket connection to the server was not read from or written to within the timeout period."
    )]
    RequestTimeout,
    /// The gateway is refusing work to protect itself (too many connections); clients
    /// back off and retry.
    #[error("Please reduce your request rate.")]
    SlowDown,
    /// The bucket does not exist (or is not visible to this caller).
    #[error("The specified bucket does not exist.")]
    NoSuchBucket(String),
    /// The key does not exist.
    #[error("The specified key does not exist.")]
    NoSuchKey(String),
    /// The multipart upload does not exist.
    #[error(
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed."
    )]
    NoSuchUpload,
    /// The request is malformed in a way S3 calls an invalid argument.
    #[error("{0}")]
    InvalidArgument(String),
    /// The request is malformed in a way S3 calls an invalid request.
    #[error("{0}")]
    InvalidRequest(String),
    /// The URI could not be parsed (bad percent-encoding, not UTF-8).
    #[error("Couldn't parse the specified URI.")]
    InvalidUri,
    /// The bucket name is not a valid S3 bucket name.
    #[error("The specified bucket is not valid.")]
    InvalidBucketName,
    /// The key is longer than S3 allows.
    #[error("Your key is too long.")]
    KeyTooLong,
    /// An XML request body is malformed or not of the expected shape.
    #[error("{0}")]
    MalformedXml(String),
    /// The body is larger than the gateway accepts for this request.
    #[error("Your proposed upload exceeds the maximum allowed size.")]
    EntityTooLarge,
    /// A multipart part other than the last is smaller than 5 MiB.
    #[error("Your proposed upload is smaller than the minimum allowed object size.")]
    EntityTooSmall,
    /// A part listed in CompleteMultipartUpload is missing or its ETag differs.
    #[error("{0}")]
    InvalidPart(String),
    /// Parts in CompleteMultipartUpload are not in ascending order.
    #[error("The list of parts was not in ascending order. Parts must be ordered by part number.")]
    InvalidPartOrder,
    /// The requested range cannot be satisfied.
    #[error("The requested range is not satisfiable")]
    InvalidRange,
    /// A precondition (`If-Match`, `If-Unmodified-Since`, `If-None-Match: *` on write) failed.
    #[error("At least one of the pre-conditions you specified did not hold")]
    PreconditionFailed,
    /// A conditional read found the object unchanged (`304 Not Modified`).
    #[error("Not Modified")]
    NotModified,
    /// A required `Content-Length` is missing.
    #[error("You must provide the Content-Length HTTP header.")]
    MissingContentLength,
    /// The `Content-MD5` value is not a valid base64 MD5.
    #[error("The Content-MD5 you specified is not valid.")]
    InvalidDigest,
    /// The body does not match its `Content-MD5` or checksum.
    #[error("The Content-MD5 you specified did not match what we received.")]
    BadDigest,
    /// The bucket already exists and belongs to the caller (answer to CreateBucket).
    #[error("Your previous request to create the named bucket succeeded and you already own it.")]
    BucketAlreadyOwnedByYou(String),
    /// A write to a local-directory bucket names a key below an existing object (`a/b/c`
    /// when `a/b` is an object): a file system cannot hold a file and a directory of the
    /// same name. The name follows MinIO's `XMinioParentIsObject`, the status is
    /// `409 Conflict` because the request conflicts with the bucket's current state: it
    /// is well formed (not 400) and retrying cannot help (not 503) until the other object
    /// is deleted.
    #[error(
        "A prefix of this key is an existing object; this bucket's backend is a directory, which cannot hold an object below another object. Delete that object or choose another key."
    )]
    ParentIsObject,
    /// A write to a local-directory bucket names a key that is a prefix of existing
    /// objects (`a/b` when `a/b/…` exist): a directory of that name is in the way. Named
    /// after MinIO's `XMinioObjectExistsAsDirectory`; `409 Conflict` for the reasons given
    /// at [`ProxyError::ParentIsObject`].
    #[error(
        "This key names a directory of the bucket's backend, which holds the objects whose keys start with this key and a slash, and cannot also be an object. Delete those objects or choose another key."
    )]
    ObjectExistsAsDirectory,
    /// The gateway does not serve this operation or sub-resource.
    #[error("{0}")]
    NotImplemented(String),
    /// The HTTP method is not allowed on this resource.
    #[error("The specified method is not allowed against this resource.")]
    MethodNotAllowed,
    /// The backend failed or could not be reached.
    #[error("backend error: {0}")]
    Backend(#[source] BoxError),
    /// A bug or an unexpected state inside the gateway.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The text S3 sends with a 500 InternalError; used for every server-side failure.
const INTERNAL_MESSAGE: &str = "We encountered an internal error. Please try again.";
/// The text sent when a backend is unreachable or failed.
const BACKEND_MESSAGE: &str = "The service is unavailable. Please try again.";

impl ProxyError {
    /// Wraps a backend or runtime failure.
    pub fn backend(source: impl Into<BoxError>) -> Self {
        Self::Backend(source.into())
    }

    /// The S3 error code (`NoSuchKey`, `AccessDenied`, …).
    pub fn s3_code(&self) -> &'static str {
        self.code_and_status().0
    }

    /// The HTTP status S3 uses for this error.
    pub fn status(&self) -> StatusCode {
        self.code_and_status().1
    }

    /// The message safe to send to the client: the error's own text for client errors, a
    /// fixed text for server errors.
    pub fn client_message(&self) -> String {
        match self {
            Self::Backend(_) => BACKEND_MESSAGE.to_owned(),
            Self::Internal(_) => INTERNAL_MESSAGE.to_owned(),
            other => other.to_string(),
        }
    }

    /// The mapping from error to S3 code and status; the only place it is written down.
    fn code_and_status(&self) -> (&'static str, StatusCode) {
        match self {
            Self::AccessDenied(_) => ("AccessDenied", StatusCode::FORBIDDEN),
            Self::InvalidAccessKeyId => ("InvalidAccessKeyId", StatusCode::FORBIDDEN),
            Self::SignatureDoesNotMatch(_) => ("SignatureDoesNotMatch", StatusCode::FORBIDDEN),
            Self::ExpiredToken => ("ExpiredToken", StatusCode::BAD_REQUEST),
            Self::InvalidToken => ("InvalidToken", StatusCode::BAD_REQUEST),
            Self::RequestTimeTooSkewed => ("RequestTimeTooSkewed", StatusCode::FORBIDDEN),
            Self::AuthorizationHeaderMalformed(_) => {
                ("AuthorizationHeaderMalformed", StatusCode::BAD_REQUEST)
            }
            Self::AuthorizationQueryParametersError(_) => {
                ("AuthorizationQueryParametersError", StatusCode::BAD_REQUEST)
            }
            Self::ContentSha256Mismatch(_) => {
                ("XAmzContentSHA256Mismatch", StatusCode::BAD_REQUEST)
            }
            Self::IncompleteBody => ("IncompleteBody", StatusCode::BAD_REQUEST),
            Self::RequestTimeout => ("RequestTimeout", StatusCode::BAD_REQUEST),
            Self::SlowDown => ("SlowDown", StatusCode::SERVICE_UNAVAILABLE),
            Self::NoSuchBucket(_) => ("NoSuchBucket", StatusCode::NOT_FOUND),
            Self::NoSuchKey(_) => ("NoSuchKey", StatusCode::NOT_FOUND),
            Self::NoSuchUpload => ("NoSuchUpload", StatusCode::NOT_FOUND),
            Self::InvalidArgument(_) => ("InvalidArgument", StatusCode::BAD_REQUEST),
            Self::InvalidRequest(_) => ("InvalidRequest", StatusCode::BAD_REQUEST),
            Self::InvalidUri => ("InvalidURI", StatusCode::BAD_REQUEST),
            Self::InvalidBucketName => ("InvalidBucketName", StatusCode::BAD_REQUEST),
            Self::KeyTooLong => ("KeyTooLongError", StatusCode::BAD_REQUEST),
            Self::MalformedXml(_) => ("MalformedXML", StatusCode::BAD_REQUEST),
            Self::EntityTooLarge => ("EntityTooLarge", StatusCode::BAD_REQUEST),
            Self::EntityTooSmall => ("EntityTooSmall", StatusCode::BAD_REQUEST),
            Self::InvalidPart(_) => ("InvalidPart", StatusCode::BAD_REQUEST),
            Self::InvalidPartOrder => ("InvalidPartOrder", StatusCode::BAD_REQUEST),
            Self::InvalidRange => ("InvalidRange", StatusCode::RANGE_NOT_SATISFIABLE),
            Self::PreconditionFailed => ("PreconditionFailed", StatusCode::PRECONDITION_FAILED),
            Self::NotModified => ("NotModified", StatusCode::NOT_MODIFIED),
            Self::MissingContentLength => ("MissingContentLength", StatusCode::LENGTH_REQUIRED),
            Self::InvalidDigest => ("InvalidDigest", StatusCode::BAD_REQUEST),
            Self::BadDigest => ("BadDigest", StatusCode::BAD_REQUEST),
            Self::BucketAlreadyOwnedByYou(_) => ("BucketAlreadyOwnedByYou", StatusCode::CONFLICT),
            Self::ParentIsObject => ("ParentIsObject", StatusCode::CONFLICT),
            Self::ObjectExistsAsDirectory => ("ObjectExistsAsDirectory", StatusCode::CONFLICT),
            Self::NotImplemented(_) => ("NotImplemented", StatusCode::NOT_IMPLEMENTED),
            Self::MethodNotAllowed => ("MethodNotAllowed", StatusCode::METHOD_NOT_ALLOWED),
            Self::Backend(_) => ("ServiceUnavailable", StatusCode::SERVICE_UNAVAILABLE),
            Self::Internal(_) => ("InternalError", StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_do_not_leak_details() {
        let err = ProxyError::backend("connect to s3.internal.example:9000 refused");
        assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!err.client_message().contains("internal.example"));
        let err = ProxyError::Internal("secret state".into());
        assert!(!err.client_message().contains("secret"));
    }

    #[test]
    fn client_errors_explain_themselves() {
        let err = ProxyError::InvalidArgument("max-keys must be a number".into());
        assert_eq!(err.s3_code(), "InvalidArgument");
        assert_eq!(err.client_message(), "max-keys must be a number");
    }
}
