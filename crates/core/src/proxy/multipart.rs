//! Multipart uploads: create, upload part, complete, abort, ListParts and
//! ListMultipartUploads. Parts stream; only the small XML documents are buffered.

use http::StatusCode;

use super::dispatch::{Dispatcher, Payload};
use crate::ProxyError;
use crate::api::list_rewrite::{BackendListing, BackendMarker};
use crate::api::request_body::parse_complete_multipart_upload;
use crate::api::response::{
    CompletedUpload, UploadsPage, render_complete_multipart_upload,
    render_initiate_multipart_upload, render_list_multipart_uploads, render_list_parts,
};
use crate::api::{ListPartsParams, ListUploadsParams};
use crate::auth::sigv4::encode_path;
use crate::backend::ProxyBackend;
use crate::bucket::{BucketTarget, UploadsRequest};
use crate::middleware::DispatchContext;
use crate::registry::{BucketRegistry, DEFAULT_BUCKET_OWNER};
use crate::response::GatewayResponse;
use crate::route_handler::ProxyResponse;

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn create_multipart_upload(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget<B::Body>,
        key: &str,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let upload_id = target
            .backend
            .create_multipart(&backend_key, &ctx.headers)
            .await?;
        let document = render_initiate_multipart_upload(&target.name, key, &upload_id);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    pub(crate) async fn upload_part(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget<B::Body>,
        key: &str,
        upload_id: &str,
        part_number: u16,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let upload = self.upload(&ctx.headers, payload)?;
        target
            .backend
            .upload_part(&backend_key, upload_id, part_number, upload)
            .await
    }

    pub(crate) async fn complete_multipart_upload(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget<B::Body>,
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
        let (etag, checksums) = target
            .backend
            .complete_multipart(&backend_key, upload_id, &parts, document, &ctx.headers)
            .await?;
        let completed = CompletedUpload {
            location: self.object_location(&target.name, key),
            bucket: target.name.clone(),
            key: key.to_owned(),
            etag,
            checksums,
        };
        let document = render_complete_multipart_upload(&completed);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    pub(crate) async fn abort_multipart_upload(
        &self,
        target: &BucketTarget<B::Body>,
        key: &str,
        upload_id: &str,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        target
            .backend
            .abort_multipart(&backend_key, upload_id)
            .await?;
        Ok(GatewayResponse::Response(ProxyResponse::empty(
            StatusCode::NO_CONTENT,
        )))
    }

    pub(crate) async fn list_parts(
        &self,
        target: &BucketTarget<B::Body>,
        key: &str,
        upload_id: &str,
        params: &ListPartsParams,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let page = target
            .backend
            .list_parts(&backend_key, upload_id, params)
            .await?;
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
        target: &BucketTarget<B::Body>,
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
        let request = UploadsRequest {
            prefix: &backend_prefix,
            delimiter: params.delimiter.as_deref(),
            key_marker: key_marker.as_deref(),
            upload_id_marker: upload_id_marker.as_deref(),
            max_uploads: params.max_uploads,
        };
        let backend = target.backend.list_uploads(request).await?;
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

fn render_uploads<Body>(
    target: &BucketTarget<Body>,
    params: &ListUploadsParams,
    page: &UploadsPage,
) -> GatewayResponse<Body> {
    let document = render_list_multipart_uploads(&target.name, params, page, &DEFAULT_BUCKET_OWNER);
    GatewayResponse::Response(ProxyResponse::xml(StatusCode::OK, document))
}
