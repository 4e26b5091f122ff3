//! The XML documents an S3 backend answers with, read into the values the gateway's own
//! renderers ([`crate::api::response`]) take.
//!
//! The gateway never passes a backend's document through: the backend's bucket name and
//! key prefix must not reach a client. So each document is parsed here, the fields the
//! gateway needs are kept (keys still in the backend's key space; mapping them back is
//! the caller's job), and everything naming the backend (`Bucket`, `Location`, `Name`,
//! owners) is dropped unread.
//!
//! Backend documents are untrusted input too. They go through the same hardened reader as
//! client bodies (no DOCTYPE, predefined entities only, a depth cap, at most
//! [`MAX_RAW_RESPONSE_SIZE`](crate::backend::MAX_RAW_RESPONSE_SIZE) bytes), but a flaw in
//! one is the backend's fault, not the client's: it becomes [`ProxyError::Backend`] (a 503
//! to the client), never `MalformedXML`.
//!
//! Every parser also recognizes an `<Error>` document in place of the one it expects: S3
//! may answer CompleteMultipartUpload, CopyObject and UploadPartCopy with HTTP 200 and an
//! error body. Such an error is mapped as [`BackendError::into_proxy_error`] says.
//! Unknown elements are skipped and namespace prefixes dropped, so the variations of AWS,
//! MinIO, Ceph, R2 and s3s (extra `Owner`, `ChecksumAlgorithm` or `KeyCount` elements,
//! a missing `StorageClass`) all read the same.
//!
//! ```
//! use multistore::backend::s3_xml;
//!
//! let body = br#"<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
//!   <Bucket>backend-bucket</Bucket><Key>prefix/big.bin</Key><UploadId>VXBsb2Fk</UploadId>
//! </InitiateMultipartUploadResult>"#;
//! assert_eq!(s3_xml::parse_initiate_multipart_upload(body).unwrap(), "VXBsb2Fk");
//!
//! let error = br#"<Error><Code>InvalidPart</Code><Message>Part 2 is missing.</Message></Error>"#;
//! let complete = s3_xml::parse_complete_multipart_upload(error).unwrap_err();
//! assert_eq!(complete.s3_code(), "InvalidPart");
//! ```

mod error;
mod list_objects;
mod list_versions;
mod listing;
mod multipart;
mod multipart_list;
mod object;
mod url_decoding;
mod versioning;

pub use error::{BackendError, backend_error, parse_error};
pub use list_objects::parse_list_objects_v2;
pub use list_versions::parse_list_versions;
pub use multipart::{parse_complete_multipart_upload, parse_initiate_multipart_upload};
pub use multipart_list::{parse_list_multipart_uploads, parse_list_parts};
pub use object::{parse_copy_result, parse_delete_result};
pub use versioning::parse_bucket_versioning;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::ProxyError;
use crate::api::KeyEncoding;
use crate::api::request_body::Checksums;
use crate::api::xml_reader::{XmlCursor, XmlOrigin};
use url_decoding::form_decode;

/// Positions a cursor inside the root element of a backend document, which must be one of
/// `roots`.
///
/// A root `<Error>` instead is read and returned as the error it reports (S3 answers some
/// operations with HTTP 200 and an error body); any other root is a malformed answer.
fn open_document<'a>(body: &'a [u8], roots: &[&str]) -> Result<XmlCursor<'a>, ProxyError> {
    let (mut xml, name) = XmlCursor::open_any(body, XmlOrigin::BackendResponse)?;
    if roots.contains(&name.as_str()) {
        return Ok(xml);
    }
    if name == "Error" {
        let error = error::read_error(&mut xml)?;
        xml.finish()?;
        return Err(error.into_proxy_error());
    }
    Err(malformed(format!(
        "The backend answered with another document than <{}>.",
        roots.join("> or <")
    )))
}

/// The error for a backend answer the gateway cannot read: a 503 to the client.
fn malformed(message: impl Into<String>) -> ProxyError {
    XmlOrigin::BackendResponse.malformed(message)
}

/// Stores a field's value, refusing a second occurrence (which value would be right?).
fn set_once<T>(slot: &mut Option<T>, value: T, element: &str) -> Result<(), ProxyError> {
    if slot.replace(value).is_some() {
        return Err(malformed(format!("<{element}> appears more than once.")));
    }
    Ok(())
}

/// A field the document must have.
fn required<T>(value: Option<T>, parent: &str, element: &str) -> Result<T, ProxyError> {
    value.ok_or_else(|| malformed(format!("<{parent}> has no <{element}>.")))
}

/// Reads the text of the element just opened into `slot`, once.
fn read_text(
    xml: &mut XmlCursor<'_>,
    slot: &mut Option<String>,
    element: &str,
) -> Result<(), ProxyError> {
    let text = xml.text()?;
    set_once(slot, text, element)
}

/// Parses an S3 timestamp: ISO 8601 in UTC, with or without fractional seconds
/// (`2009-10-12T17:50:30.000Z`, `2009-10-12T17:50:30Z`). An offset other than `Z` is
/// converted; a timestamp without any zone is taken as UTC.
fn parse_timestamp(text: &str, element: &str) -> Result<DateTime<Utc>, ProxyError> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .map(|time| time.and_utc())
        .map_err(|_| malformed(format!("<{element}> is not an ISO 8601 timestamp.")))
}

/// Parses a byte count.
fn parse_size(text: &str, element: &str) -> Result<u64, ProxyError> {
    text.trim()
        .parse()
        .map_err(|_| malformed(format!("<{element}> is not a non-negative integer.")))
}

/// Parses a part number or part-number marker, 0 to 10,000.
fn parse_part_number(text: &str, element: &str) -> Result<u16, ProxyError> {
    match text.trim().parse::<u16>() {
        Ok(number @ 0..=10_000) => Ok(number),
        _ => Err(malformed(format!(
            "<{element}> is not a part number between 0 and 10000."
        ))),
    }
}

/// Parses `true` or `false`.
fn parse_bool(text: &str, element: &str) -> Result<bool, ProxyError> {
    match text.trim() {
        value if value.eq_ignore_ascii_case("true") => Ok(true),
        value if value.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(malformed(format!("<{element}> is not true or false."))),
    }
}

/// An ETag as the renderers want it: trimmed and quoted. S3 sends ETags quoted; a backend
/// that sends one bare gets quotes added. An empty ETag is no ETag.
fn normalize_etag(text: &str) -> Option<String> {
    let etag = text.trim();
    if etag.is_empty() {
        None
    } else if etag.starts_with('"') || etag.starts_with("W/\"") {
        Some(etag.to_owned())
    } else {
        Some(format!("\"{etag}\""))
    }
}

/// A required ETag.
fn required_etag(etag: Option<&str>, parent: &str) -> Result<String, ProxyError> {
    required(etag.and_then(normalize_etag), parent, "ETag")
}

/// A token field (storage class, marker, upload id) trimmed; an empty one is none.
fn non_empty_token(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// The `EncodingType` of a listing: `url`, or absent for plain text.
fn parse_encoding_type(text: &str) -> Result<KeyEncoding, ProxyError> {
    match text.trim() {
        "" => Ok(KeyEncoding::Plain),
        value if value.eq_ignore_ascii_case("url") => Ok(KeyEncoding::Url),
        _ => Err(malformed("<EncodingType> is not url.")),
    }
}

/// A listing field as the backend sent it, decoded if the listing is URL-encoded.
fn decode_field(value: String, encoding: KeyEncoding) -> Result<String, ProxyError> {
    match encoding {
        KeyEncoding::Plain => Ok(value),
        KeyEncoding::Url => form_decode(&value),
    }
}

/// Reads the `<Prefix>` of a `<CommonPrefixes>`.
fn read_common_prefix(xml: &mut XmlCursor<'_>) -> Result<String, ProxyError> {
    let mut prefix = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Prefix" => read_text(xml, &mut prefix, "Prefix")?,
            _ => xml.skip()?,
        }
    }
    required(prefix, "CommonPrefixes", "Prefix")
}

/// The checksum field named `element` in `checksums`, if `element` is one.
fn checksum_slot<'c>(
    checksums: &'c mut Checksums,
    element: &str,
) -> Option<&'c mut Option<String>> {
    match element {
        "ChecksumCRC32" => Some(&mut checksums.crc32),
        "ChecksumCRC32C" => Some(&mut checksums.crc32c),
        "ChecksumCRC64NVME" => Some(&mut checksums.crc64nvme),
        "ChecksumSHA1" => Some(&mut checksums.sha1),
        "ChecksumSHA256" => Some(&mut checksums.sha256),
        _ => None,
    }
}

/// Reads a checksum element into `checksums` if `element` is one; returns whether it was.
/// Checksums are base64 tokens, so padding whitespace is trimmed and an empty one dropped.
fn read_checksum(
    xml: &mut XmlCursor<'_>,
    checksums: &mut Checksums,
    element: &str,
) -> Result<bool, ProxyError> {
    let Some(slot) = checksum_slot(checksums, element) else {
        return Ok(false);
    };
    let text = xml.text()?;
    let value = text.trim();
    if !value.is_empty() {
        set_once(slot, value.to_owned(), element)?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
