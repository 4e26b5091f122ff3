//! A backend's answers to CopyObject, UploadPartCopy and DeleteObjects.

use chrono::{DateTime, Utc};

use super::error::BackendError;
use super::{
    malformed, open_document, parse_bool, parse_timestamp, read_text, required, required_etag,
    set_once,
};
use crate::ProxyError;
use crate::api::response::{DeleteErrorEntry, DeletedEntry};
use crate::api::xml_reader::XmlCursor;

/// Parses a `CopyObjectResult` (CopyObject) or a `CopyPartResult` (UploadPartCopy) into
/// the copy's ETag (quoted) and modification time.
///
/// S3 may answer either with HTTP 200 and an `<Error>` document (a copy's failure can come
/// after the response has started); that error is returned as the client's error.
/// Checksum elements are not read: the gateway's copy results carry none.
pub fn parse_copy_result(body: &[u8]) -> Result<(String, DateTime<Utc>), ProxyError> {
    let mut xml = open_document(body, &["CopyObjectResult", "CopyPartResult"])?;
    let mut etag = None;
    let mut last_modified = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "ETag" => read_text(&mut xml, &mut etag, "ETag")?,
            "LastModified" => {
                let time = parse_timestamp(&xml.text()?, "LastModified")?;
                set_once(&mut last_modified, time, "LastModified")?;
            }
            _ => xml.skip()?,
        }
    }
    xml.finish()?;
    let etag = required_etag(etag.as_deref(), "CopyObjectResult")?;
    let last_modified = required(last_modified, "CopyObjectResult", "LastModified")?;
    Ok((etag, last_modified))
}

/// Parses a `DeleteResult` (DeleteObjects) into the keys the backend deleted (none in
/// quiet mode) and those it could not, both in the backend's key space.
///
/// Each `<Error>` entry's code is mapped as [`BackendError::into_proxy_error`] says and
/// carries the gateway's message for it, not the backend's: a client may act on
/// `AccessDenied`, while a backend's `InternalError` for one key is reported as
/// `ServiceUnavailable`. A `DeleteMarkerVersionId` is kept; `DeleteMarker` alone (without
/// a version) carries nothing the gateway's answer could show.
pub fn parse_delete_result(
    body: &[u8],
) -> Result<(Vec<DeletedEntry>, Vec<DeleteErrorEntry>), ProxyError> {
    let mut xml = open_document(body, &["DeleteResult"])?;
    let mut deleted = Vec::new();
    let mut errors = Vec::new();
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Deleted" => deleted.push(read_deleted(&mut xml)?),
            "Error" => errors.push(read_delete_error(&mut xml)?),
            _ => xml.skip()?,
        }
    }
    xml.finish()?;
    Ok((deleted, errors))
}

/// Reads the children of a `<Deleted>`.
fn read_deleted(xml: &mut XmlCursor<'_>) -> Result<DeletedEntry, ProxyError> {
    let mut key = None;
    let mut version_id = None;
    let mut delete_marker = None;
    let mut delete_marker_version_id = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Key" => read_text(xml, &mut key, "Key")?,
            "VersionId" => read_text(xml, &mut version_id, "VersionId")?,
            "DeleteMarker" => {
                let value = parse_bool(&xml.text()?, "DeleteMarker")?;
                set_once(&mut delete_marker, value, "DeleteMarker")?;
            }
            "DeleteMarkerVersionId" => {
                read_text(xml, &mut delete_marker_version_id, "DeleteMarkerVersionId")?;
            }
            _ => xml.skip()?,
        }
    }
    if delete_marker == Some(false) && delete_marker_version_id.is_some() {
        return Err(malformed(
            "<Deleted> has a DeleteMarkerVersionId but DeleteMarker is false.",
        ));
    }
    Ok(DeletedEntry {
        key: required(key, "Deleted", "Key")?,
        version_id: version_id.filter(|id| !id.is_empty()),
        delete_marker_version_id: delete_marker_version_id.filter(|id| !id.is_empty()),
    })
}

/// Reads the children of a `DeleteResult`'s `<Error>` and maps its code.
fn read_delete_error(xml: &mut XmlCursor<'_>) -> Result<DeleteErrorEntry, ProxyError> {
    let mut key = None;
    let mut version_id = None;
    let mut code = None;
    let mut message = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Key" => read_text(xml, &mut key, "Key")?,
            "VersionId" => read_text(xml, &mut version_id, "VersionId")?,
            "Code" => read_text(xml, &mut code, "Code")?,
            "Message" => read_text(xml, &mut message, "Message")?,
            _ => xml.skip()?,
        }
    }
    let error = BackendError {
        code: required(code, "Error", "Code")?.trim().to_owned(),
        message: message.unwrap_or_default(),
    }
    .into_proxy_error();
    Ok(DeleteErrorEntry {
        key: required(key, "Error", "Key")?,
        version_id: version_id.filter(|id| !id.is_empty()),
        code: error.s3_code().to_owned(),
        message: error.client_message(),
    })
}
