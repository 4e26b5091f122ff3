//! Multipart uploads: create, upload part, complete, abort, ListParts and
//! ListMultipartUploads. Parts stream; only the small XML documents are buffered.

use bytes::Bytes;
use http::{Method, StatusCode};

use super::dispatch::{Dispatcher, Payload, S3Call};
use super::headers::{selected_headers, write_headers};
use super::objects::with_etag;
use super::response::GatewayResponse;
use super::target::{Backend, BucketTarget};
use crate::ProxyError;
use crate::api::list_rewrite::{BackendListing, BackendMarker};
use crate::api::request_body::parse_complete_multipart_upload;
use crate::api::response::{
    CompletedUpload, UploadsPage, render_complete_multipart_upload,
    render_initiate_multipart_upload, render_list_multipart_uploads, render_list_parts,
};
use crate::api::{ListPartsParams, ListUploadsParams};
use crate::auth::sigv4::encode_path;
use crate::backend::{ProxyBackend, s3_xml};
use crate::middleware::DispatchContext;
use crate::registry::{BucketRegistry, DEFAULT_BUCKET_OWNER};
use crate::route_handler::ProxyResponse;

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

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn create_multipart_upload(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget,
        key: &str,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let upload_id = match &target.backend {
            Backend::S3(s3) => {
                let call = S3Call::new(Method::POST, Some(&backend_key))
                    .query("uploads", "")
                    .headers(write_headers(&ctx.headers));
                let response = self.s3_call(s3, call, Bytes::new()).await?;
                s3_xml::parse_initiate_multipart_upload(&response.body)?
            }
            Backend::Store(store) => store.create_multipart(&backend_key, &ctx.headers).await?,
        };
        let document = render_initiate_multipart_upload(&target.name, key, &upload_id);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    pub(crate) async fn upload_part(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget,
        key: &str,
        upload_id: &str,
        part_number: u16,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        match &target.backend {
            Backend::S3(s3) => {
                let upload = self.upload(&ctx.headers, payload)?;
                let call = part_call(&backend_key, part_number, upload_id).headers(upload.headers);
                self.s3_forward(s3, call, upload.body, &upload.payload_hash)
                    .await
            }
            Backend::Store(store) => {
                let upload = self.store_upload(&ctx.headers, payload)?;
                let etag = store
                    .upload_part(
                        &backend_key,
                        upload_id,
                        part_number,
                        upload.body,
                        upload.length,
                        &upload.headers,
                    )
                    .await?;
                Ok(with_etag(StatusCode::OK, &etag))
            }
        }
    }

    pub(crate) async fn complete_multipart_upload(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget,
        key: &str,
        upload_id: &str,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let document = self.read_small_body(ctx, payload).await?;
        let parts = parse_complete_multipart_upload(&document)?;
        if parts
            .windows(2)
            .any(|pair| pair[0].part_number >= pair[1].part_number)
        {
            return Err(ProxyError::InvalidPartOrder);
        }
        let completed = match &target.backend {
            Backend::S3(s3) => {
                let call = S3Call::new(Method::POST, Some(&backend_key))
                    .query("uploadId", upload_id)
                    .headers(selected_headers(&ctx.headers, COMPLETE_HEADERS));
                let response = self.s3_call(s3, call, document).await?;
                let (etag, checksums) = s3_xml::parse_complete_multipart_upload(&response.body)?;
                CompletedUpload {
                    location: self.object_location(&target.name, key),
                    bucket: target.name.clone(),
                    key: key.to_owned(),
                    etag,
                    checksums,
                }
            }
            Backend::Store(store) => {
                let etag = store
                    .complete_multipart(&backend_key, upload_id, &parts, &ctx.headers)
                    .await?;
                CompletedUpload {
                    location: self.object_location(&target.name, key),
                    bucket: target.name.clone(),
                    key: key.to_owned(),
                    etag,
                    checksums: Default::default(),
                }
            }
        };
        let document = render_complete_multipart_upload(&completed);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    pub(crate) async fn abort_multipart_upload(
        &self,
        target: &BucketTarget,
        key: &str,
        upload_id: &str,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        match &target.backend {
            Backend::S3(s3) => {
                let call =
                    S3Call::new(Method::DELETE, Some(&backend_key)).query("uploadId", upload_id);
                self.s3_call(s3, call, Bytes::new()).await?;
            }
            Backend::Store(store) => store.abort_multipart(&backend_key, upload_id).await?,
        }
        Ok(GatewayResponse::Response(ProxyResponse::empty(
            StatusCode::NO_CONTENT,
        )))
    }

    pub(crate) async fn list_parts(
        &self,
        target: &BucketTarget,
        key: &str,
        upload_id: &str,
        params: &ListPartsParams,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let page = match &target.backend {
            Backend::S3(s3) => {
                let marker = params.part_number_marker.map(|n| n.to_string());
                let call = S3Call::new(Method::GET, Some(&backend_key))
                    .query("uploadId", upload_id)
                    .query("max-parts", &params.max_parts.to_string())
                    .optional_query("part-number-marker", marker.as_deref());
                let response = self.s3_call(s3, call, Bytes::new()).await?;
                s3_xml::parse_list_parts(&response.body)?
            }
            Backend::Store(store) => store.list_parts(&backend_key, upload_id, params).await?,
        };
        let document = render_list_parts(
            &target.name,
            key,
            upload_id,
            params,
            &page,
            &DEFAULT_BUCKET_OWNER,
        );
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    pub(crate) async fn list_uploads(
        &self,
        target: &BucketTarget,
        params: &ListUploadsParams,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_prefix = match target.keys.listing(&params.prefix, None) {
            BackendListing::Prefix(prefix) => prefix,
            BackendListing::Collapsed { backend_prefix, .. } => backend_prefix,
            BackendListing::Nothing => {
                return Ok(render_uploads(target, params, &UploadsPage::default()));
            }
        };
        let key_marker = match params.key_marker.as_deref().map(|m| target.keys.marker(m)) {
            None | Some(BackendMarker::Start) => None,
            Some(BackendMarker::After(key)) => Some(key),
            Some(BackendMarker::PastEnd) => {
                return Ok(render_uploads(target, params, &UploadsPage::default()));
            }
        };
        let upload_id_marker = key_marker.as_ref().and(params.upload_id_marker.clone());
        let backend = match &target.backend {
            Backend::S3(s3) => {
                let call = S3Call::new(Method::GET, None)
                    .query("uploads", "")
                    .query("encoding-type", "url")
                    .query("max-uploads", &params.max_uploads.to_string())
                    .query("prefix", &backend_prefix)
                    .optional_query("delimiter", params.delimiter.as_deref())
                    .optional_query("key-marker", key_marker.as_deref())
                    .optional_query("upload-id-marker", upload_id_marker.as_deref());
                let response = self.s3_call(s3, call, Bytes::new()).await?;
                s3_xml::parse_list_multipart_uploads(&response.body)?
            }
            Backend::Store(store) => {
                store
                    .list_uploads(
                        &backend_prefix,
                        params.delimiter.as_deref(),
                        key_marker.as_deref(),
                        upload_id_marker.as_deref(),
                        params.max_uploads,
                    )
                    .await?
            }
        };
        let page = UploadsPage {
            uploads: backend
                .uploads
                .into_iter()
                .filter_map(|mut upload| {
                    upload.key = target.keys.to_client(&upload.key)?;
                    Some(upload)
                })
                .collect(),
            common_prefixes: backend
                .common_prefixes
                .iter()
                .filter_map(|p| target.keys.to_client(p))
                .collect(),
            is_truncated: backend.is_truncated,
            next_key_marker: backend
                .next_key_marker
                .and_then(|k| target.keys.to_client(&k)),
            next_upload_id_marker: backend.next_upload_id_marker,
        };
        Ok(render_uploads(target, params, &page))
    }

    /// The object's URL at the gateway, for CompleteMultipartUpload's `Location`.
    fn object_location(&self, bucket: &str, key: &str) -> String {
        let host = self.info.host().unwrap_or("localhost");
        format!("http://{host}/{bucket}/{}", encode_path(key))
    }
}

/// A request on one part of an upload (`?partNumber=N&uploadId=U`).
pub(crate) fn part_call<'a>(backend_key: &'a str, part_number: u16, upload_id: &str) -> S3Call<'a> {
    S3Call::new(Method::PUT, Some(backend_key))
        .query("partNumber", &part_number.to_string())
        .query("uploadId", upload_id)
}

fn render_uploads<Body>(
    target: &BucketTarget,
    params: &ListUploadsParams,
    page: &UploadsPage,
) -> GatewayResponse<Body> {
    let document = render_list_multipart_uploads(&target.name, params, page, &DEFAULT_BUCKET_OWNER);
    GatewayResponse::Response(ProxyResponse::xml(StatusCode::OK, document))
}
