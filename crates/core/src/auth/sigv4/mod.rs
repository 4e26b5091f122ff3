//! AWS Signature Version 4: verifying what clients send and signing what the gateway sends.
//!
//! Verification is sans-IO and in two steps, so that no secret is looked up for a request
//! that is malformed or out of time:
//!
//! 1. [`parse_claims`] reads what a request claims (`Authorization` header or presigned
//!    query), and [`SignatureClaims::check`] checks it against the clock and the scope;
//! 2. [`SignatureClaims::verify`] recomputes the signature with the signer's secret.
//!
//! Streaming uploads are then decoded and verified chunk by chunk with [`ChunkedDecoder`].

mod canonical;
mod chunked;
mod claims;
mod header;
mod presigned;
mod sign;
mod signing_key;
mod verify;

pub use canonical::{
    CanonicalRequest, EMPTY_SHA256, UnsignableHeader, canonical_headers, canonical_query,
    encode_path, encode_query_component, sha256_hex, string_to_sign,
};
pub use chunked::{ChunkSignatureVerifier, ChunkedDecoder, MAX_SIGNED_CHUNK};
pub use claims::{AuthLocation, CredentialScope, PayloadMode, SignatureClaims};
pub use header::AuthorizationHeader;
pub use presigned::MAX_PRESIGNED_EXPIRY_SECS;
pub use sign::{OutboundRequest, SigningCredentials};
pub use signing_key::{SigningKey, SigningKeyCache};
pub use verify::{MAX_CLOCK_SKEW, VerifiedSignature};

use crate::ProxyError;
use crate::api::RequestInfo;

/// The signature claims of `info`, or `None` for an anonymous request.
///
/// A request may carry a signature in its `Authorization` header or in its query
/// (presigned URL), not both.
pub fn parse_claims(info: &RequestInfo) -> Result<Option<SignatureClaims>, ProxyError> {
    let query = info.query()?;
    let header = info.headers.get(http::header::AUTHORIZATION);
    let presigned = query.has("X-Amz-Algorithm") || query.has("X-Amz-Credential");
    match (header, presigned) {
        (Some(_), true) => Err(ProxyError::InvalidArgument(
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the \
             Authorization header should be specified."
                .into(),
        )),
        (Some(value), false) => {
            let value = value.to_str().map_err(|_| {
                ProxyError::AuthorizationHeaderMalformed(
                    "The authorization header is not valid text.".into(),
                )
            })?;
            header::parse(info, value).map(Some)
        }
        (None, true) => presigned::parse(&query).map(Some),
        (None, false) if query.has("AWSAccessKeyId") && query.has("Signature") => {
            Err(ProxyError::InvalidRequest(
                "The authorization mechanism you have provided is not supported. Please use \
                 AWS4-HMAC-SHA256 (presign with signature version s3v4)."
                    .into(),
            ))
        }
        (None, false) => Ok(None),
    }
}

/// Parses `SignedHeaders`: lower-case names separated by `;`, `host` among them.
fn parse_signed_headers(
    value: &str,
    error: fn(String) -> ProxyError,
) -> Result<Vec<String>, ProxyError> {
    let names: Vec<String> = value.split(';').map(str::to_owned).collect();
    if names
        .iter()
        .any(|n| n.is_empty() || n.bytes().any(|b| b.is_ascii_uppercase() || b == b' '))
    {
        return Err(error(format!(
            "SignedHeaders `{value}` must be lower-case header names separated by `;`."
        )));
    }
    if !names.iter().any(|n| n == "host") {
        return Err(error("SignedHeaders must include `host`.".into()));
    }
    Ok(names)
}
