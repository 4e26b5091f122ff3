//! SigV4 canonicalization: the exact bytes both sides hash and sign.
//!
//! Per the AWS Signature Version 4 specification as S3 applies it: the path is used as sent
//! (S3 neither normalises nor double-encodes it), query parameters are decoded, re-encoded
//! with AWS's `UriEncode`, and sorted by name then value, and header values are trimmed with
//! inner runs of spaces and tabs collapsed, repeated headers joined with commas.

use http::HeaderMap;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

/// Bytes AWS `UriEncode` leaves alone in a query component: `A-Z a-z 0-9 - _ . ~`.
const QUERY_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Bytes left alone in a path: the unreserved ones and `/`.
const PATH: &AsciiSet = &QUERY_COMPONENT.remove(b'/');

/// The hex SHA-256 of the empty string.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// AWS `UriEncode` of a query name or value (`/` is encoded).
pub fn encode_query_component(text: &str) -> String {
    utf8_percent_encode(text, QUERY_COMPONENT).to_string()
}

/// AWS `UriEncode` of a path (`/` is kept): how an outbound request names a key.
pub fn encode_path(path: &str) -> String {
    utf8_percent_encode(path, PATH).to_string()
}

/// Lower-case hex of SHA-256 over `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    Hex32::new(&Sha256::digest(data).into()).as_str().to_owned()
}

/// Lower-case hex of a 32-byte digest, kept on the stack: digests are written into larger
/// strings or compared, rarely kept.
pub(crate) struct Hex32([u8; 64]);

impl Hex32 {
    pub(crate) fn new(digest: &[u8; 32]) -> Self {
        let mut out = [0u8; 64];
        hex::encode_to_slice(digest, &mut out).expect("64 hex digits for 32 bytes");
        Self(out)
    }

    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex digits are ASCII")
    }
}

/// ISO 8601 basic form (`20240101T000000Z`), the time format of SigV4.
pub(crate) fn amz_date(time: &chrono::DateTime<chrono::Utc>) -> String {
    use chrono::{Datelike, Timelike};
    use std::fmt::Write as _;
    let mut text = String::with_capacity(16);
    let _ = write!(
        text,
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    );
    text
}

/// Appends the signed header names joined with `;`, as the canonical request and the
/// `Authorization` header list them.
pub(crate) fn push_signed_headers(out: &mut String, names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
}

/// The credential scope `date/region/service/aws4_request`.
pub(crate) fn credential_scope(date: &str, region: &str, service: &str) -> String {
    let mut scope = String::with_capacity(date.len() + region.len() + service.len() + 15);
    for part in [date, "/", region, "/", service, "/aws4_request"] {
        scope.push_str(part);
    }
    scope
}

/// The canonical query string of a raw query, leaving out `X-Amz-Signature` (which a
/// presigned URL carries but cannot sign).
pub fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (reencode(name), reencode(value))
        })
        .filter(|(name, _)| name != "X-Amz-Signature")
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(raw_query.len() + 8);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Decodes a query component as sent and encodes it the AWS way, so that clients that
/// encode more or less than AWS (`%7E` for `~`, say) still canonicalize identically.
fn reencode(component: &str) -> String {
    let decoded = percent_decode_str(component).collect::<Vec<u8>>();
    percent_encoding::percent_encode(&decoded, QUERY_COMPONENT).to_string()
}

/// Why a request's signed headers cannot be canonicalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsignableHeader {
    /// A signed header that the request does not carry.
    Missing(String),
    /// A signed header whose value is not UTF-8: two different byte strings must never
    /// canonicalize alike, so such values are refused rather than replaced.
    NotUtf8(String),
}

/// The canonical headers block (`name:value\n` per signed header, in the given order).
pub fn canonical_headers(
    headers: &HeaderMap,
    signed_headers: &[&str],
) -> Result<String, UnsignableHeader> {
    let mut out = String::with_capacity(signed_headers.len() * 48);
    push_canonical_headers(&mut out, headers, signed_headers)?;
    Ok(out)
}

/// Appends the canonical headers block to `out`.
fn push_canonical_headers(
    out: &mut String,
    headers: &HeaderMap,
    signed_headers: &[&str],
) -> Result<(), UnsignableHeader> {
    for name in signed_headers {
        let mut values = headers.get_all(*name).iter().peekable();
        if values.peek().is_none() {
            return Err(UnsignableHeader::Missing((*name).to_owned()));
        }
        out.push_str(name);
        out.push(':');
        for (i, value) in values.enumerate() {
            if i > 0 {
                out.push(',');
            }
            let value = std::str::from_utf8(value.as_bytes())
                .map_err(|_| UnsignableHeader::NotUtf8((*name).to_owned()))?;
            push_trimmed(out, value);
        }
        out.push('\n');
    }
    Ok(())
}

/// Appends `value` trimmed, with each inner run of spaces and tabs collapsed to one space,
/// as botocore and the JavaScript and Ruby SDKs sign (HTTP values hold no other whitespace).
fn push_trimmed(out: &mut String, value: &str) {
    let mut words = value.split([' ', '\t']).filter(|word| !word.is_empty());
    if let Some(first) = words.next() {
        out.push_str(first);
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
    }
}

/// The parts of a canonical request.
#[derive(Debug, Clone, Copy)]
pub struct CanonicalRequest<'a> {
    /// HTTP method, upper case.
    pub method: &'a str,
    /// The URI path exactly as sent on the wire.
    pub path: &'a str,
    /// The raw query string as sent (canonicalized here).
    pub raw_query: &'a str,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The signed header names, lower case, `;`-separated order.
    pub signed_headers: &'a [&'a str],
    /// The payload hash line: hex SHA-256 or a sentinel such as `UNSIGNED-PAYLOAD`.
    pub payload_hash: &'a str,
}

impl CanonicalRequest<'_> {
    /// The canonical request text.
    pub fn to_text(&self) -> Result<String, UnsignableHeader> {
        let capacity = 256 + self.path.len() + self.raw_query.len();
        let mut text = String::with_capacity(capacity + self.signed_headers.len() * 64);
        for part in [self.method, "\n", self.path, "\n"] {
            text.push_str(part);
        }
        text.push_str(&canonical_query(self.raw_query));
        text.push('\n');
        push_canonical_headers(&mut text, self.headers, self.signed_headers)?;
        text.push('\n');
        push_signed_headers(&mut text, self.signed_headers);
        text.push('\n');
        text.push_str(self.payload_hash);
        Ok(text)
    }
}

/// The string to sign for a request: algorithm, time, scope, and the canonical request's
/// hash.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    const ALGORITHM: &str = "AWS4-HMAC-SHA256\n";
    let digest = Hex32::new(&Sha256::digest(canonical_request.as_bytes()).into());
    let mut text = String::with_capacity(ALGORITHM.len() + amz_date.len() + scope.len() + 66);
    for part in [ALGORITHM, amz_date, "\n", scope, "\n", digest.as_str()] {
        text.push_str(part);
    }
    text
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    #[test]
    fn query_is_reencoded_and_sorted() {
        assert_eq!(
            canonical_query("b=2&a=%7e&a=1&uploads&X-Amz-Signature=abc&c=a%20b+c/d"),
            "a=1&a=~&b=2&c=a%20b%2Bc%2Fd&uploads="
        );
        assert_eq!(canonical_query(""), "");
    }

    #[test]
    fn header_values_are_trimmed_and_joined() {
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("example.com"));
        headers.append("x-amz-meta-a", HeaderValue::from_static("  one   two  "));
        headers.append(
            "x-amz-meta-a",
            HeaderValue::from_static("\tthree \t four\t"),
        );
        let text = canonical_headers(&headers, &["host", "x-amz-meta-a"]).unwrap();
        assert_eq!(text, "host:example.com\nx-amz-meta-a:one two,three four\n");
        headers.insert("x-amz-meta-b", HeaderValue::from_bytes(b"\xff").unwrap());
        assert_eq!(
            canonical_headers(&headers, &["host", "x-amz-meta-b"]),
            Err(UnsignableHeader::NotUtf8("x-amz-meta-b".into()))
        );
        assert_eq!(
            canonical_headers(&headers, &["host", "range"]),
            Err(UnsignableHeader::Missing("range".into()))
        );
    }

    #[test]
    fn paths_keep_slashes() {
        assert_eq!(encode_path("/b/a b+c~é/"), "/b/a%20b%2Bc~%C3%A9/");
        assert_eq!(encode_query_component("a/b c"), "a%2Fb%20c");
    }
}
