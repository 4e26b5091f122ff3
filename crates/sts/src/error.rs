//! The one error type of the crate, and its single mapping onto AWS STS error codes.

use http::StatusCode;
use multistore::ProxyError;

use crate::fetch::FetchError;

/// Everything that can go wrong while minting or resolving temporary credentials.
///
/// Each variant maps to exactly one STS error code and HTTP status in
/// [`StsError::sts_code`] and [`StsError::status`]; the texts of client errors are shown to
/// the client (XML-escaped), those of server errors never are. Session-token failures met
/// while resolving an S3 request become the core's `InvalidToken` / `ExpiredToken` through
/// `From<StsError> for ProxyError`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StsError {
    /// A required request parameter is absent.
    #[error("The request is missing the required parameter {0}.")]
    MissingParameter(&'static str),
    /// A request parameter has a value the service does not accept.
    #[error("{0}")]
    InvalidParameterValue(String),
    /// The `Action` is not `AssumeRoleWithWebIdentity`.
    #[error("Could not find operation {0} for version 2011-06-15.")]
    InvalidAction(String),
    /// The web identity token is malformed, not signed by a trusted key, or its claims do
    /// not satisfy the role.
    #[error("{0}")]
    InvalidIdentityToken(String),
    /// The web identity token has expired.
    #[error("{0}")]
    ExpiredIdentityToken(String),
    /// The caller may not assume the role (unknown role, subject not admitted).
    #[error("Not authorized to perform sts:AssumeRoleWithWebIdentity. {0}")]
    AccessDenied(String),
    /// The identity provider's discovery document or keys could not be fetched or used.
    #[error("{message}")]
    IdpCommunication {
        /// What went wrong, safe to show to the client.
        message: String,
        /// The transport failure, if any.
        #[source]
        source: Option<FetchError>,
    },
    /// The sealed credentials would not fit the session token's size bound.
    #[error("{0}")]
    PackedPolicyTooLarge(String),
    /// A session token (`x-amz-security-token`) is malformed, tampered with, sealed with a
    /// key this gateway does not hold, or bound to another access key id.
    #[error("The security token included in the request is invalid.")]
    InvalidSessionToken,
    /// A session token is past its expiry.
    #[error("The security token included in the request is expired.")]
    ExpiredSessionToken,
    /// A token key (`SESSION_TOKEN_KEY`) is malformed. Never shown to clients.
    #[error("invalid session token key: {0}")]
    InvalidTokenKey(String),
    /// The role registry failed.
    #[error("role lookup failed: {0}")]
    RoleLookup(#[source] ProxyError),
    /// A failure inside the service (randomness, serialization).
    #[error("internal error: {0}")]
    Internal(String),
}

/// The text sent with every server-side failure.
const INTERNAL_MESSAGE: &str = "An internal error occurred. Please try again.";

impl StsError {
    /// An [`StsError::IdpCommunication`] with a message and no transport failure.
    pub(crate) fn idp(message: impl Into<String>) -> Self {
        Self::IdpCommunication {
            message: message.into(),
            source: None,
        }
    }

    /// The STS error code (`InvalidIdentityToken`, `AccessDenied`, …).
    pub fn sts_code(&self) -> &'static str {
        self.code_and_status().0
    }

    /// The HTTP status AWS STS uses for this error.
    pub fn status(&self) -> StatusCode {
        self.code_and_status().1
    }

    /// `Sender` for errors the caller caused, `Receiver` for the service's own (the
    /// `<Type>` element of STS error documents).
    pub fn fault(&self) -> &'static str {
        if self.status().is_server_error() {
            "Receiver"
        } else {
            "Sender"
        }
    }

    /// The message safe to send to the client.
    pub fn client_message(&self) -> String {
        if self.status().is_server_error() {
            INTERNAL_MESSAGE.to_owned()
        } else {
            self.to_string()
        }
    }

    /// The mapping from error to STS code and status; the only place it is written down.
    fn code_and_status(&self) -> (&'static str, StatusCode) {
        match self {
            Self::MissingParameter(_) => ("MissingParameter", StatusCode::BAD_REQUEST),
            Self::InvalidParameterValue(_) => ("InvalidParameterValue", StatusCode::BAD_REQUEST),
            Self::InvalidAction(_) => ("InvalidAction", StatusCode::BAD_REQUEST),
            Self::InvalidIdentityToken(_) => ("InvalidIdentityToken", StatusCode::BAD_REQUEST),
            Self::ExpiredIdentityToken(_) => ("ExpiredTokenException", StatusCode::BAD_REQUEST),
            Self::AccessDenied(_) => ("AccessDenied", StatusCode::FORBIDDEN),
            Self::IdpCommunication { .. } => ("IDPCommunicationError", StatusCode::BAD_REQUEST),
            Self::PackedPolicyTooLarge(_) => ("PackedPolicyTooLarge", StatusCode::BAD_REQUEST),
            Self::InvalidSessionToken => ("InvalidClientTokenId", StatusCode::FORBIDDEN),
            Self::ExpiredSessionToken => ("ExpiredToken", StatusCode::BAD_REQUEST),
            Self::InvalidTokenKey(_) | Self::RoleLookup(_) | Self::Internal(_) => {
                ("InternalFailure", StatusCode::INTERNAL_SERVER_ERROR)
            }
        }
    }
}

impl From<StsError> for ProxyError {
    /// The S3-side view of a failure to resolve a session token.
    fn from(error: StsError) -> Self {
        match error {
            StsError::ExpiredSessionToken => ProxyError::ExpiredToken,
            StsError::InvalidSessionToken => ProxyError::InvalidToken,
            other => ProxyError::Internal(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_hide_their_details() {
        let error = StsError::Internal("randomness unavailable".into());
        assert_eq!(error.sts_code(), "InternalFailure");
        assert_eq!(error.fault(), "Receiver");
        assert!(!error.client_message().contains("randomness"));
    }

    #[test]
    fn client_errors_explain_themselves() {
        let error = StsError::InvalidIdentityToken("Incorrect token audience".into());
        assert_eq!(error.sts_code(), "InvalidIdentityToken");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert_eq!(error.fault(), "Sender");
        assert_eq!(error.client_message(), "Incorrect token audience");
    }

    #[test]
    fn session_token_failures_become_s3_token_errors() {
        assert_eq!(
            ProxyError::from(StsError::InvalidSessionToken).s3_code(),
            "InvalidToken"
        );
        assert_eq!(
            ProxyError::from(StsError::ExpiredSessionToken).s3_code(),
            "ExpiredToken"
        );
    }
}
