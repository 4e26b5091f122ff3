//! A backend's answers to ListParts and ListMultipartUploads.

use super::listing::ListingFields;
use super::{
    malformed, non_empty_token, open_document, parse_bool, parse_part_number, parse_size,
    parse_timestamp, read_checksum, read_text, required, required_etag, set_once,
};
use crate::ProxyError;
use crate::api::request_body::Checksums;
use crate::api::response::{PartEntry, PartsPage, UploadEntry, UploadsPage};
use crate::api::xml_reader::XmlCursor;

/// Parses a `ListPartsResult`.
///
/// `Bucket`, `Key`, `UploadId`, `Initiator` and `Owner` are not read: they echo the request
/// or name the backend. A missing `IsTruncated` means the listing is complete.
pub fn parse_list_parts(body: &[u8]) -> Result<PartsPage, ProxyError> {
    let mut xml = open_document(body, &["ListPartsResult"])?;
    let mut parts = Vec::new();
    let mut is_truncated = None;
    let mut next_marker = None;
    let mut storage_class = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Part" => parts.push(read_part(&mut xml)?),
            "IsTruncated" => {
                let value = parse_bool(&xml.text()?, "IsTruncated")?;
                set_once(&mut is_truncated, value, "IsTruncated")?;
            }
            "NextPartNumberMarker" => {
                let text = xml.text()?;
                // Some servers send an empty marker on the last page.
                if !text.trim().is_empty() {
                    let marker = parse_part_number(&text, "NextPartNumberMarker")?;
                    set_once(&mut next_marker, marker, "NextPartNumberMarker")?;
                }
            }
            "StorageClass" => read_text(&mut xml, &mut storage_class, "StorageClass")?,
            _ => xml.skip()?,
        }
    }
    xml.finish()?;
    Ok(PartsPage {
        parts,
        // s3s omits it on complete listings; a missing value can only mean "not truncated".
        is_truncated: is_truncated.unwrap_or(false),
        next_part_number_marker: next_marker,
        storage_class: non_empty_token(storage_class),
    })
}

/// Parses a `ListMultipartUploadsResult`.
///
/// When the answer says `<EncodingType>url</EncodingType>`, `Key`, `NextKeyMarker` and
/// `CommonPrefixes/Prefix` are form-decoded (upload ids never are encoded). Keys and markers
/// stay in the backend's key space. An empty `NextKeyMarker` or `NextUploadIdMarker` (sent
/// by some servers on the last page) is none. `IsTruncated` is required.
pub fn parse_list_multipart_uploads(body: &[u8]) -> Result<UploadsPage, ProxyError> {
    let mut xml = open_document(body, &["ListMultipartUploadsResult"])?;
    let mut uploads = Vec::new();
    let mut listing = ListingFields::default();
    let mut next_upload_id_marker = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Upload" => uploads.push(read_upload(&mut xml)?),
            "NextUploadIdMarker" => {
                read_text(&mut xml, &mut next_upload_id_marker, "NextUploadIdMarker")?;
            }
            other => listing.read_or_skip(other, &mut xml)?,
        }
    }
    xml.finish()?;
    listing.decode_keys(&mut uploads, |upload| &mut upload.key)?;
    let listing = listing.finish("ListMultipartUploadsResult")?;
    Ok(UploadsPage {
        uploads,
        common_prefixes: listing.common_prefixes,
        is_truncated: listing.is_truncated,
        next_key_marker: listing.next_key_marker,
        next_upload_id_marker: non_empty_token(next_upload_id_marker),
    })
}

/// Reads the children of a `<Part>`.
fn read_part(xml: &mut XmlCursor<'_>) -> Result<PartEntry, ProxyError> {
    let mut part_number = None;
    let mut last_modified = None;
    let mut etag = None;
    let mut size = None;
    let mut checksums = Checksums::default();
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "PartNumber" => {
                let number = parse_part_number(&xml.text()?, "PartNumber")?;
                set_once(&mut part_number, number, "PartNumber")?;
            }
            "LastModified" => {
                let time = parse_timestamp(&xml.text()?, "LastModified")?;
                set_once(&mut last_modified, time, "LastModified")?;
            }
            "ETag" => read_text(xml, &mut etag, "ETag")?,
            "Size" => set_once(&mut size, parse_size(&xml.text()?, "Size")?, "Size")?,
            other => {
                if !read_checksum(xml, &mut checksums, other)? {
                    xml.skip()?;
                }
            }
        }
    }
    let part_number = required(part_number, "Part", "PartNumber")?;
    if part_number == 0 {
        return Err(malformed("<PartNumber> is 0."));
    }
    Ok(PartEntry {
        part_number,
        last_modified: required(last_modified, "Part", "LastModified")?,
        etag: required_etag(etag.as_deref(), "Part")?,
        size: required(size, "Part", "Size")?,
        checksums,
    })
}

/// Reads the children of an `<Upload>`; its key is decoded later, once the encoding is
/// known.
fn read_upload(xml: &mut XmlCursor<'_>) -> Result<UploadEntry, ProxyError> {
    let mut key = None;
    let mut upload_id = None;
    let mut initiated = None;
    let mut storage_class = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Key" => read_text(xml, &mut key, "Key")?,
            "UploadId" => read_text(xml, &mut upload_id, "UploadId")?,
            "Initiated" => {
                let time = parse_timestamp(&xml.text()?, "Initiated")?;
                set_once(&mut initiated, time, "Initiated")?;
            }
            "StorageClass" => read_text(xml, &mut storage_class, "StorageClass")?,
            // Initiator, Owner, ChecksumAlgorithm, ChecksumType …
            _ => xml.skip()?,
        }
    }
    let key = required(key, "Upload", "Key")?;
    let upload_id = required(non_empty_token(upload_id), "Upload", "UploadId")?;
    if key.is_empty() {
        return Err(malformed("<Upload> has an empty <Key>."));
    }
    Ok(UploadEntry {
        key,
        upload_id,
        initiated: required(initiated, "Upload", "Initiated")?,
        storage_class: non_empty_token(storage_class),
    })
}
