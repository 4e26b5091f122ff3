//! A backend's answers to CreateMultipartUpload and CompleteMultipartUpload.

use super::{malformed, open_document, read_checksum, read_text, required, required_etag};
use crate::ProxyError;
use crate::api::request_body::Checksums;

/// Parses an `InitiateMultipartUploadResult` into the new upload's id.
pub fn parse_initiate_multipart_upload(body: &[u8]) -> Result<String, ProxyError> {
    let mut xml = open_document(body, &["InitiateMultipartUploadResult"])?;
    let mut upload_id = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "UploadId" => read_text(&mut xml, &mut upload_id, "UploadId")?,
            _ => xml.skip()?,
        }
    }
    xml.finish()?;
    let upload_id = required(upload_id, "InitiateMultipartUploadResult", "UploadId")?;
    let upload_id = upload_id.trim();
    if upload_id.is_empty() {
        return Err(malformed("<UploadId> is empty."));
    }
    Ok(upload_id.to_owned())
}

/// Parses a `CompleteMultipartUploadResult` into the object's ETag (quoted) and the
/// whole-object checksums the backend reported.
///
/// The backend's `Location`, `Bucket` and `Key` name the backend and are not read; the
/// gateway renders its own from the client's request. S3 may answer
/// CompleteMultipartUpload with HTTP 200 and an `<Error>` document (the failure is only
/// known after the response has started); that error is returned as the client's error.
pub fn parse_complete_multipart_upload(body: &[u8]) -> Result<(String, Checksums), ProxyError> {
    let mut xml = open_document(body, &["CompleteMultipartUploadResult"])?;
    let mut etag = None;
    let mut checksums = Checksums::default();
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "ETag" => read_text(&mut xml, &mut etag, "ETag")?,
            other => {
                if !read_checksum(&mut xml, &mut checksums, other)? {
                    xml.skip()?;
                }
            }
        }
    }
    xml.finish()?;
    let etag = required_etag(etag.as_deref(), "CompleteMultipartUploadResult")?;
    Ok((etag, checksums))
}
