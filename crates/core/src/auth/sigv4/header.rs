//! `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.

use super::canonical::amz_date;
use super::claims::{
    AuthLocation, CredentialScope, PayloadMode, SignatureClaims, is_signature, parse_amz_date,
    parse_http_date,
};
use crate::ProxyError;
use crate::api::RequestInfo;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

fn malformed(message: String) -> ProxyError {
    ProxyError::AuthorizationHeaderMalformed(message)
}

/// The parts of an `Authorization` header value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationHeader<'a> {
    /// `Credential=` value.
    pub credential: &'a str,
    /// `SignedHeaders=` value.
    pub signed_headers: &'a str,
    /// `Signature=` value.
    pub signature: &'a str,
}

impl<'a> AuthorizationHeader<'a> {
    /// Parses the header value. Components may be separated by `,` with or without spaces,
    /// in any order; each must appear exactly once.
    pub fn parse(value: &'a str) -> Result<Self, ProxyError> {
        let Some(rest) = value.strip_prefix(ALGORITHM) else {
            return Err(unsupported_algorithm(value));
        };
        if !rest.starts_with(' ') {
            return Err(unsupported_algorithm(value));
        }
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for component in rest.split(',').map(str::trim) {
            let (name, val) = component.split_once('=').ok_or_else(|| {
                malformed(format!(
                    "The authorization header component `{component}` is malformed."
                ))
            })?;
            let slot = match name {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                other => {
                    return Err(malformed(format!(
                        "The authorization header has an unknown component `{other}`."
                    )));
                }
            };
            if slot.replace(val).is_some() {
                return Err(malformed(format!(
                    "The authorization header repeats `{name}`."
                )));
            }
        }
        match (credential, signed_headers, signature) {
            (Some(credential), Some(signed_headers), Some(signature)) => Ok(Self {
                credential,
                signed_headers,
                signature,
            }),
            _ => Err(malformed(
                "The authorization header must have Credential, SignedHeaders and Signature."
                    .into(),
            )),
        }
    }
}

/// Other schemes (SigV2's `AWS key:sig`, SigV4a) get S3's own answer.
fn unsupported_algorithm(value: &str) -> ProxyError {
    if value.starts_with("AWS4-ECDSA-P256-SHA256") {
        ProxyError::NotImplemented("SigV4a (ECDSA) signatures are not supported.".into())
    } else {
        ProxyError::InvalidRequest(
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
                .into(),
        )
    }
}

/// The claims of a request signed in its `Authorization` header.
pub(super) fn parse(info: &RequestInfo, value: &str) -> Result<SignatureClaims, ProxyError> {
    let header = AuthorizationHeader::parse(value)?;
    let credential = CredentialScope::parse(header.credential, malformed)?;
    if !is_signature(header.signature) {
        return Err(malformed(
            "The signature must be 64 lower-case hex digits.".into(),
        ));
    }
    let signed_headers = super::parse_signed_headers(header.signed_headers, malformed)?;

    let header_text = |name: &str| info.headers.get(name).and_then(|v| v.to_str().ok());
    let (amz_date, request_time) = match header_text("x-amz-date") {
        Some(date) => (
            date.to_owned(),
            parse_amz_date(date).ok_or_else(|| {
                ProxyError::AccessDenied("X-Amz-Date must be in ISO 8601 basic format.".into())
            })?,
        ),
        None => {
            let time = header_text("date")
                .and_then(parse_http_date)
                .ok_or_else(|| {
                    ProxyError::AccessDenied(
                        "AWS authentication requires a valid Date or x-amz-date header".into(),
                    )
                })?;
            (amz_date(&time), time)
        }
    };
    let payload = match header_text("x-amz-content-sha256") {
        Some(value) => PayloadMode::parse(value)?,
        None => {
            return Err(ProxyError::InvalidRequest(
                "Missing required header for this request: x-amz-content-sha256".into(),
            ));
        }
    };
    Ok(SignatureClaims {
        credential,
        signed_headers,
        signature: header.signature.to_owned(),
        amz_date,
        request_time,
        session_token: header_text("x-amz-security-token").map(str::to_owned),
        location: AuthLocation::Header,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_with_or_without_spaces() {
        let sig = "a".repeat(64);
        for value in [
            format!(
                "AWS4-HMAC-SHA256 Credential=AK/20240101/r/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature={sig}"
            ),
            format!(
                "AWS4-HMAC-SHA256 Credential=AK/20240101/r/s3/aws4_request,SignedHeaders=host;x-amz-date,Signature={sig}"
            ),
            format!(
                "AWS4-HMAC-SHA256 Signature={sig},Credential=AK/20240101/r/s3/aws4_request, SignedHeaders=host;x-amz-date"
            ),
        ] {
            let parsed = AuthorizationHeader::parse(&value).unwrap();
            assert_eq!(parsed.signed_headers, "host;x-amz-date");
            assert_eq!(parsed.signature, sig);
        }
    }

    #[test]
    fn malformed_headers() {
        let cases = [
            ("AWS AKID:c2lnbmF0dXJl", "InvalidRequest"),
            ("AWS4-ECDSA-P256-SHA256 Credential=x", "NotImplemented"),
            ("AWS4-HMAC-SHA256Credential=x", "InvalidRequest"),
            (
                "AWS4-HMAC-SHA256 Credential=a, SignedHeaders=host",
                "AuthorizationHeaderMalformed",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a, Credential=b, SignedHeaders=h, Signature=s",
                "AuthorizationHeaderMalformed",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=a, SignedHeaders=h, Signature=s, Extra=1",
                "AuthorizationHeaderMalformed",
            ),
            ("AWS4-HMAC-SHA256 garbage", "AuthorizationHeaderMalformed"),
        ];
        for (value, code) in cases {
            assert_eq!(
                AuthorizationHeader::parse(value).unwrap_err().s3_code(),
                code,
                "{value}"
            );
        }
    }
}
