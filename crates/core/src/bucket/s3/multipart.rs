//! Multipart uploads over the S3 wire protocol: parts stream, the rest is small XML.

use bytes::Bytes;
use http::{HeaderMap, Method};

use super::S3Bucket;
use super::call::S3Call;
use super::objects::prepare;
use crate::ProxyError;
use crate::api::ListPartsParams;
use crate::api::request_body::Checksums;
use crate::api::response::{PartsPage, UploadsPage};
use crate::backend::{ProxyBackend, s3_xml};
use crate::bucket::headers::{selected_headers, write_headers};
use crate::bucket::requests::{Upload, UploadsRequest};
use crate::response::GatewayResponse;

/// Headers of CompleteMultipartUpload the backend must see: whole-object checksums and
/// conditional completion.
const COMPLETE_HEADERS: &[&str] = &[
    "if-match",
    "if-none-match",
    "x-amz-checksum-crc32",
    "x-amz-checksum-crc32c",
    "x-amz-checksum-crc64nvme",
    "x-amz-checksum-sha1",
    "x-amz-checksum-sha256",
    "x-amz-checksum-type",
    "x-amz-mp-object-size",
    "x-amz-request-payer",
];

impl<R: ProxyBackend> S3Bucket<R> {
    pub(super) async fn create_upload(
        &self,
        key: &str,
        headers: &HeaderMap,
    ) -> Result<String, ProxyError> {
        let call = S3Call::new(Method::POST, Some(key))
            .query("uploads", "")
            .headers(write_headers(headers));
        let response = self.call(call, Bytes::new()).await?;
        s3_xml::parse_initiate_multipart_upload(&response.body)
    }

    pub(super) async fn put_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: u16,
        upload: Upload<'_, R::Body>,
    ) -> Result<GatewayResponse<R::Body>, ProxyError> {
        let upload = prepare(upload)?;
        let call = part_call(key, part_number, upload_id).headers(upload.headers);
        self.forward(call, upload.body, &upload.payload_hash).await
    }

    /// Sends the client's own document, so that its checksum headers still hold.
    pub(super) async fn complete_upload(
        &self,
        key: &str,
        upload_id: &str,
        document: Bytes,
        headers: &HeaderMap,
    ) -> Result<(String, Checksums), ProxyError> {
        let call = S3Call::new(Method::POST, Some(key))
            .query("uploadId", upload_id)
            .headers(selected_headers(headers, COMPLETE_HEADERS));
        let response = self.call(call, document).await?;
        s3_xml::parse_complete_multipart_upload(&response.body)
    }

    pub(super) async fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), ProxyError> {
        let call = S3Call::new(Method::DELETE, Some(key)).query("uploadId", upload_id);
        self.call(call, Bytes::new()).await?;
        Ok(())
    }

    pub(super) async fn parts(
        &self,
        key: &str,
        upload_id: &str,
        params: &ListPartsParams,
    ) -> Result<PartsPage, ProxyError> {
        let marker = params.part_number_marker.map(|n| n.to_string());
        let call = S3Call::new(Method::GET, Some(key))
            .query("uploadId", upload_id)
            .query("max-parts", &params.max_parts.to_string())
            .optional_query("part-number-marker", marker.as_deref());
        let response = self.call(call, Bytes::new()).await?;
        s3_xml::parse_list_parts(&response.body)
    }

    pub(super) async fn uploads(
        &self,
        request: UploadsRequest<'_>,
    ) -> Result<UploadsPage, ProxyError> {
        let call = S3Call::new(Method::GET, None)
            .query("uploads", "")
            .query("encoding-type", "url")
            .query("max-uploads", &request.max_uploads.to_string())
            .query("prefix", request.prefix)
            .optional_query("delimiter", request.delimiter)
            .optional_query("key-marker", request.key_marker)
            .optional_query("upload-id-marker", request.upload_id_marker);
        let response = self.call(call, Bytes::new()).await?;
        s3_xml::parse_list_multipart_uploads(&response.body)
    }
}

/// A request on one part of an upload (`?partNumber=N&uploadId=U`).
pub(super) fn part_call<'a>(key: &'a str, part_number: u16, upload_id: &str) -> S3Call<'a> {
    S3Call::new(Method::PUT, Some(key))
        .query("partNumber", &part_number.to_string())
        .query("uploadId", upload_id)
}
