//! CopyObject and UploadPartCopy. The destination's backend copies from the sources it can
//! reach: one on the same S3 endpoint (the backend copies server-side), or another object
//! store (the gateway streams the bytes).

use http::StatusCode;

use super::dispatch::{CopyEnds, Dispatcher};
use crate::ProxyError;
use crate::api::CopySourceRange;
use crate::api::response::{render_copy_object_result, render_copy_part_result};
use crate::backend::ProxyBackend;
use crate::bucket::{CopyRequest, PartCopy};
use crate::middleware::DispatchContext;
use crate::registry::BucketRegistry;
use crate::response::GatewayResponse;
use crate::route_handler::ProxyResponse;

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn copy_object(
        &self,
        ctx: &DispatchContext,
        ends: CopyEnds<'_, B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let from = self.target(ends.from).await?;
        let source_key = from.backend_key(&ends.source.key)?;
        let dest_key = ends.to.backend_key(ends.key)?;
        let request = CopyRequest {
            from: from.backend.as_ref(),
            source_key: &source_key,
            source: ends.source,
            dest_key: &dest_key,
            headers: &ctx.headers,
        };
        let copied = ends.to.backend.copy(request).await?;
        let document = render_copy_object_result(&copied.etag, &copied.last_modified);
        let mut answer = ProxyResponse::xml(StatusCode::OK, document);
        answer.headers.extend(copied.headers);
        Ok(GatewayResponse::Response(answer))
    }

    /// UploadPartCopy. A malformed `x-amz-copy-source-range` is refused before anything
    /// is sent; whether the range fits in the source is the backend's to say.
    pub(crate) async fn upload_part_copy(
        &self,
        ctx: &DispatchContext,
        ends: CopyEnds<'_, B::Body>,
        upload_id: &str,
        part_number: u16,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let range = CopySourceRange::from_headers(&ctx.headers)?;
        let from = self.target(ends.from).await?;
        let source_key = from.backend_key(&ends.source.key)?;
        let dest_key = ends.to.backend_key(ends.key)?;
        let request = CopyRequest {
            from: from.backend.as_ref(),
            source_key: &source_key,
            source: ends.source,
            dest_key: &dest_key,
            headers: &ctx.headers,
        };
        let part = PartCopy {
            upload_id,
            part_number,
            range,
        };
        let copied = ends.to.backend.copy_part(request, part).await?;
        let document = render_copy_part_result(&copied.etag, &copied.last_modified);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }
}
