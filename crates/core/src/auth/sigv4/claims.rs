//! What a signed request claims about itself, before any secret is consulted.

use chrono::format::{Item, Numeric, Pad, Parsed};
use chrono::{DateTime, TimeZone, Utc};

use crate::ProxyError;

/// The credential scope of a signature: `AKID/20240101/us-east-1/s3/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    /// The access key id that signed.
    pub access_key_id: String,
    /// `YYYYMMDD`.
    pub date: String,
    /// The region signed for.
    pub region: String,
    /// The service signed for (must be `s3`).
    pub service: String,
}

impl CredentialScope {
    /// Parses `AKID/date/region/service/aws4_request`, reporting problems through `error`.
    pub(super) fn parse(value: &str, error: fn(String) -> ProxyError) -> Result<Self, ProxyError> {
        let mut parts = value.rsplitn(5, '/');
        let (Some(terminator), Some(service), Some(region), Some(date), Some(access_key_id)) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(error(format!(
                "The credential `{value}` is malformed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"."
            )));
        };
        if terminator != "aws4_request" {
            return Err(error(format!(
                "The credential terminator `{terminator}` is wrong; expecting \"aws4_request\"."
            )));
        }
        if access_key_id.is_empty()
            || date.len() != 8
            || !date.bytes().all(|b| b.is_ascii_digit())
            || region.is_empty()
        {
            return Err(error(format!("The credential `{value}` is malformed.")));
        }
        Ok(Self {
            access_key_id: access_key_id.to_owned(),
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
        })
    }

    /// `date/region/service/aws4_request`: the scope line of the string to sign.
    pub fn scope(&self) -> String {
        super::canonical::credential_scope(&self.date, &self.region, &self.service)
    }
}

/// What the `x-amz-content-sha256` value says about the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadMode {
    /// The body's SHA-256, lower-case hex; the body must match it.
    Sha256(String),
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    Unsigned,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: `aws-chunked` framing without chunk
    /// signatures, checksum in a trailer.
    StreamingUnsignedTrailer,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`: `aws-chunked` framing, each chunk
    /// signed, optionally followed by a signed trailer.
    StreamingSigned {
        /// Whether a signed trailer follows the last chunk.
        trailer: bool,
    },
}

impl PayloadMode {
    /// Parses an `x-amz-content-sha256` value.
    pub fn parse(value: &str) -> Result<Self, ProxyError> {
        match value {
            "UNSIGNED-PAYLOAD" => Ok(Self::Unsigned),
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER" => Ok(Self::StreamingUnsignedTrailer),
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" => Ok(Self::StreamingSigned { trailer: false }),
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" => {
                Ok(Self::StreamingSigned { trailer: true })
            }
            v if v.starts_with("STREAMING-AWS4-ECDSA-P256-SHA256") => Err(
                ProxyError::NotImplemented("SigV4a (ECDSA) signatures are not supported.".into()),
            ),
            v if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) => {
                Ok(Self::Sha256(v.to_ascii_lowercase()))
            }
            _ => Err(ProxyError::InvalidArgument(
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, \
                 STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER], or a valid sha256 value."
                    .into(),
            )),
        }
    }

    /// The value as it appears in the header and in the canonical request.
    pub fn as_header_value(&self) -> &str {
        match self {
            Self::Sha256(hex) => hex,
            Self::Unsigned => "UNSIGNED-PAYLOAD",
            Self::StreamingUnsignedTrailer => "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            Self::StreamingSigned { trailer: false } => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            Self::StreamingSigned { trailer: true } => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        }
    }

    /// Whether the body uses `aws-chunked` framing.
    pub fn is_chunked(&self) -> bool {
        matches!(
            self,
            Self::StreamingUnsignedTrailer | Self::StreamingSigned { .. }
        )
    }
}

/// Where the signature travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthLocation {
    /// The `Authorization` header.
    Header,
    /// A presigned URL valid for `expires_secs` after its `X-Amz-Date`.
    Query {
        /// `X-Amz-Expires`, 1 to 604,800.
        expires_secs: u32,
    },
}

/// Everything a request claims about its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureClaims {
    /// Whose key, for which date, region and service.
    pub credential: CredentialScope,
    /// The signed header names, lower case, in the order given.
    pub signed_headers: Vec<String>,
    /// The signature, lower-case hex.
    pub signature: String,
    /// The request time in ISO 8601 basic form (`20240101T000000Z`), as signed.
    pub amz_date: String,
    /// The request time.
    pub request_time: DateTime<Utc>,
    /// `x-amz-security-token` / `X-Amz-Security-Token`.
    pub session_token: Option<String>,
    /// Header or presigned URL.
    pub location: AuthLocation,
    /// How the body is covered.
    pub payload: PayloadMode,
}

/// `%Y%m%dT%H%M%SZ`, as format items: parsed once here rather than on every request.
const AMZ_DATE_FORMAT: &[Item<'static>] = &[
    Item::Numeric(Numeric::Year, Pad::Zero),
    Item::Numeric(Numeric::Month, Pad::Zero),
    Item::Numeric(Numeric::Day, Pad::Zero),
    Item::Literal("T"),
    Item::Numeric(Numeric::Hour, Pad::Zero),
    Item::Numeric(Numeric::Minute, Pad::Zero),
    Item::Numeric(Numeric::Second, Pad::Zero),
    Item::Literal("Z"),
];

/// Parses an ISO 8601 basic timestamp (`20240101T000000Z`).
pub(super) fn parse_amz_date(value: &str) -> Option<DateTime<Utc>> {
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, value, AMZ_DATE_FORMAT.iter()).ok()?;
    parsed
        .to_naive_datetime_with_offset(0)
        .ok()
        .map(|t| Utc.from_utc_datetime(&t))
}

/// Parses an HTTP `Date` header (RFC 7231 IMF-fixdate or RFC 2822).
pub(super) fn parse_http_date(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A signature is 64 lower-case hex digits.
pub(super) fn is_signature(value: &str) -> bool {
    value.len() == 64
        && value
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn malformed(message: String) -> ProxyError {
        ProxyError::AuthorizationHeaderMalformed(message)
    }

    #[test]
    fn scopes_parse_with_slashes_in_the_key_id_refused_elsewhere() {
        let scope =
            CredentialScope::parse("AKID/20240101/eu-west-1/s3/aws4_request", malformed).unwrap();
        assert_eq!(scope.access_key_id, "AKID");
        assert_eq!(scope.scope(), "20240101/eu-west-1/s3/aws4_request");
        for bad in [
            "AKID/20240101/eu-west-1/s3/aws5_request",
            "AKID/2024011/eu-west-1/s3/aws4_request",
            "/20240101/eu-west-1/s3/aws4_request",
            "20240101/eu-west-1/s3/aws4_request",
            "",
        ] {
            assert!(CredentialScope::parse(bad, malformed).is_err(), "{bad}");
        }
    }

    #[test]
    fn payload_modes() {
        assert_eq!(
            PayloadMode::parse(&"AB".repeat(32)).unwrap(),
            PayloadMode::Sha256("ab".repeat(32))
        );
        assert!(PayloadMode::parse("UNSIGNED-PAYLOAD-X").is_err());
        assert!(
            PayloadMode::parse("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
                .unwrap()
                .is_chunked()
        );
        for mode in [
            PayloadMode::Unsigned,
            PayloadMode::StreamingUnsignedTrailer,
            PayloadMode::StreamingSigned { trailer: false },
            PayloadMode::StreamingSigned { trailer: true },
        ] {
            assert_eq!(PayloadMode::parse(mode.as_header_value()).unwrap(), mode);
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_amz_date("20150830T123600Z").unwrap().to_rfc3339(),
            "2015-08-30T12:36:00+00:00"
        );
        for malformed in [
            "2015-08-30T12:36:00Z",
            "20150830T123600Zjunk",
            "20150830T1236Z",
            "20150830T123600",
            "20151330T123600Z",
            "20150830T253600Z",
        ] {
            assert!(parse_amz_date(malformed).is_none(), "{malformed}");
        }
        assert_eq!(
            parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT")
                .unwrap()
                .to_rfc3339(),
            "2015-08-30T12:36:00+00:00"
        );
    }
}
