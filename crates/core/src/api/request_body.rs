//! The XML bodies clients send that the gateway must read: `CompleteMultipartUpload`,
//! `Delete` (DeleteObjects) and `Tagging` (PutObjectTagging).
//!
//! Bodies are untrusted. The reader admits elements and text only (no DOCTYPE, no entity
//! but the predefined five and character references), caps size and nesting, and turns
//! every violation into `MalformedXML`. Elements the schema does not know are skipped, as
//! S3 does, but the known structure must be right. Keys come back exactly as the client
//! wrote them (references decoded); validating them is the caller's job.
//!
//! ```
//! use multistore::api::request_body::parse_delete;
//!
//! let body = b"<Delete><Quiet>true</Quiet><Object><Key>a&amp;b</Key></Object></Delete>";
//! let request = parse_delete(body).unwrap();
//! assert!(request.quiet);
//! assert_eq!(request.objects[0].key, "a&b");
//! ```

use crate::ProxyError;
use crate::api::xml_reader::{XmlCursor, XmlOrigin};

pub use crate::limits::MAX_XML_BODY_SIZE;

/// The most objects one DeleteObjects request may name (S3's limit).
pub const MAX_DELETE_OBJECTS: usize = 1000;

/// The most parts a multipart upload may have.
const MAX_PARTS: usize = 10_000;
/// The most tags an object may carry.
const MAX_TAGS: usize = 10;
/// The longest tag key, in characters.
const MAX_TAG_KEY_CHARS: usize = 128;
/// The longest tag value, in characters.
const MAX_TAG_VALUE_CHARS: usize = 256;

/// The checksums a part or object may carry, base64 as S3 sends them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Checksums {
    /// `ChecksumCRC32`.
    pub crc32: Option<String>,
    /// `ChecksumCRC32C`.
    pub crc32c: Option<String>,
    /// `ChecksumCRC64NVME`.
    pub crc64nvme: Option<String>,
    /// `ChecksumSHA1`.
    pub sha1: Option<String>,
    /// `ChecksumSHA256`.
    pub sha256: Option<String>,
}

/// One `<Part>` of a CompleteMultipartUpload body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    /// Part number, 1 to 10,000.
    pub part_number: u16,
    /// The part's ETag as the client sent it (usually quoted).
    pub etag: String,
    /// The part's checksums, if the client sent any.
    pub checksums: Checksums,
}

/// A DeleteObjects body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteRequest {
    /// `<Quiet>true</Quiet>`: report failures only.
    pub quiet: bool,
    /// The objects to delete, 1 to [`MAX_DELETE_OBJECTS`], in request order.
    pub objects: Vec<ObjectToDelete>,
}

/// One `<Object>` of a DeleteObjects body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectToDelete {
    /// The key, decoded but not validated.
    pub key: String,
    /// The version to delete, if any.
    pub version_id: Option<String>,
}

/// One object tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// Tag key, 1 to 128 characters.
    pub key: String,
    /// Tag value, 0 to 256 characters.
    pub value: String,
}

/// Parses a `<CompleteMultipartUpload>` body into its parts, in request order.
///
/// Order and existence of the parts are not checked here.
pub fn parse_complete_multipart_upload(body: &[u8]) -> Result<Vec<CompletedPart>, ProxyError> {
    let mut xml = XmlCursor::open(body, "CompleteMultipartUpload", XmlOrigin::ClientBody)?;
    let mut parts = Vec::new();
    while let Some(name) = xml.next_child()? {
        if name != "Part" {
            xml.skip()?;
            continue;
        }
        if parts.len() == MAX_PARTS {
            return Err(malformed("A multipart upload has at most 10000 parts."));
        }
        parts.push(parse_part(&mut xml)?);
    }
    xml.finish()?;
    if parts.is_empty() {
        return Err(malformed(
            "CompleteMultipartUpload must name at least one part.",
        ));
    }
    Ok(parts)
}

/// Parses a `<Delete>` body (DeleteObjects).
pub fn parse_delete(body: &[u8]) -> Result<DeleteRequest, ProxyError> {
    let mut xml = XmlCursor::open(body, "Delete", XmlOrigin::ClientBody)?;
    let mut quiet = None;
    let mut objects = Vec::new();
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Quiet" => set_once(&mut quiet, parse_bool(&xml.text()?)?, "Quiet")?,
            "Object" => {
                if objects.len() == MAX_DELETE_OBJECTS {
                    return Err(malformed("Delete names more than 1000 objects."));
                }
                objects.push(parse_object(&mut xml)?);
            }
            _ => xml.skip()?,
        }
    }
    xml.finish()?;
    if objects.is_empty() {
        return Err(malformed("Delete must name at least one object."));
    }
    Ok(DeleteRequest {
        quiet: quiet.unwrap_or(false),
        objects,
    })
}

/// Parses a `<Tagging>` body (PutObjectTagging) into its tag set, in request order.
///
/// More than 10 tags, a key of 0 or more than 128 characters, a value of more than 256
/// characters, or a repeated key is `InvalidArgument`, as S3's `InvalidTag`.
pub fn parse_tagging(body: &[u8]) -> Result<Vec<Tag>, ProxyError> {
    let mut xml = XmlCursor::open(body, "Tagging", XmlOrigin::ClientBody)?;
    let mut tag_set = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "TagSet" => set_once(&mut tag_set, parse_tag_set(&mut xml)?, "TagSet")?,
            _ => xml.skip()?,
        }
    }
    xml.finish()?;
    tag_set.ok_or_else(|| malformed("Tagging must contain a TagSet."))
}

/// Reads the children of a `<Part>`.
fn parse_part(xml: &mut XmlCursor<'_>) -> Result<CompletedPart, ProxyError> {
    let mut part_number = None;
    let mut etag = None;
    let mut checksums = Checksums::default();
    while let Some(name) = xml.next_child()? {
        let slot = match name.as_str() {
            "PartNumber" => {
                let number = parse_part_number(&xml.text()?)?;
                set_once(&mut part_number, number, "PartNumber")?;
                continue;
            }
            "ETag" => &mut etag,
            "ChecksumCRC32" => &mut checksums.crc32,
            "ChecksumCRC32C" => &mut checksums.crc32c,
            "ChecksumCRC64NVME" => &mut checksums.crc64nvme,
            "ChecksumSHA1" => &mut checksums.sha1,
            "ChecksumSHA256" => &mut checksums.sha256,
            _ => {
                xml.skip()?;
                continue;
            }
        };
        // ETags and checksums are tokens; pretty-printed bodies may pad them.
        set_once(slot, xml.text()?.trim().to_owned(), &name)?;
    }
    Ok(CompletedPart {
        part_number: part_number.ok_or_else(|| malformed("A Part has no PartNumber."))?,
        etag: etag.ok_or_else(|| malformed("A Part has no ETag."))?,
        checksums,
    })
}

/// Reads the children of an `<Object>`.
fn parse_object(xml: &mut XmlCursor<'_>) -> Result<ObjectToDelete, ProxyError> {
    let mut key = None;
    let mut version_id = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Key" => set_once(&mut key, xml.text()?, "Key")?,
            "VersionId" => set_once(&mut version_id, xml.text()?, "VersionId")?,
            _ => xml.skip()?,
        }
    }
    Ok(ObjectToDelete {
        key: key.ok_or_else(|| malformed("An Object has no Key."))?,
        version_id,
    })
}

/// Reads the `<Tag>`s of a `<TagSet>`.
fn parse_tag_set(xml: &mut XmlCursor<'_>) -> Result<Vec<Tag>, ProxyError> {
    let mut tags: Vec<Tag> = Vec::new();
    while let Some(name) = xml.next_child()? {
        if name != "Tag" {
            xml.skip()?;
            continue;
        }
        if tags.len() == MAX_TAGS {
            return Err(invalid_tag("Object tags cannot be greater than 10."));
        }
        let tag = parse_tag(xml)?;
        if tags.iter().any(|existing| existing.key == tag.key) {
            return Err(invalid_tag(
                "Cannot provide multiple Tags with the same key.",
            ));
        }
        tags.push(tag);
    }
    Ok(tags)
}

/// Reads the children of a `<Tag>` and checks their lengths.
fn parse_tag(xml: &mut XmlCursor<'_>) -> Result<Tag, ProxyError> {
    let mut key = None;
    let mut value = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Key" => set_once(&mut key, xml.text()?, "Key")?,
            "Value" => set_once(&mut value, xml.text()?, "Value")?,
            _ => xml.skip()?,
        }
    }
    let key = key.ok_or_else(|| malformed("A Tag has no Key."))?;
    let value = value.ok_or_else(|| malformed("A Tag has no Value."))?;
    if key.is_empty() || key.chars().count() > MAX_TAG_KEY_CHARS {
        return Err(invalid_tag("The TagKey you have provided is invalid."));
    }
    if value.chars().count() > MAX_TAG_VALUE_CHARS {
        return Err(invalid_tag("The TagValue you have provided is invalid."));
    }
    Ok(Tag { key, value })
}

/// Parses a part number: not a number is malformed, out of range is an invalid argument.
fn parse_part_number(text: &str) -> Result<u16, ProxyError> {
    let number: u64 = text
        .trim()
        .parse()
        .map_err(|_| malformed("PartNumber must be a number."))?;
    match u16::try_from(number) {
        Ok(number @ 1..=10_000) => Ok(number),
        _ => Err(ProxyError::InvalidArgument(
            "Part number must be an integer between 1 and 10000, inclusive.".into(),
        )),
    }
}

/// Parses `true` or `false`, as S3 does for `<Quiet>`.
fn parse_bool(text: &str) -> Result<bool, ProxyError> {
    match text.trim() {
        value if value.eq_ignore_ascii_case("true") => Ok(true),
        value if value.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(malformed("Quiet must be true or false.")),
    }
}

/// Stores a field's value, refusing a second occurrence: a repeated `Key` would leave it
/// unclear which key was authorized.
fn set_once<T>(slot: &mut Option<T>, value: T, element: &str) -> Result<(), ProxyError> {
    if slot.replace(value).is_some() {
        return Err(malformed(format!("<{element}> appears more than once.")));
    }
    Ok(())
}

/// A `MalformedXML` error.
fn malformed(message: impl Into<String>) -> ProxyError {
    ProxyError::MalformedXml(message.into())
}

/// S3's `InvalidTag`, which the gateway reports as `InvalidArgument`.
fn invalid_tag(message: &str) -> ProxyError {
    ProxyError::InvalidArgument(message.to_owned())
}

#[cfg(test)]
mod tests;
