//! GetObject, HeadObject, PutObject, DeleteObject, and object tagging.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

use super::dispatch::{Dispatcher, Payload};
use crate::ProxyError;
use crate::api::ReadParams;
use crate::api::request_body::{MAX_XML_BODY_SIZE, parse_tagging};
use crate::api::response::render_tagging;
use crate::auth::ResolvedIdentity;
use crate::backend::ProxyBackend;
use crate::bucket::{
    BodyCoverage, BucketTarget, ObjectRead, Upload, content_length, decoded_length, read_verified,
};
use crate::middleware::DispatchContext;
use crate::registry::BucketRegistry;
use crate::response::GatewayResponse;
use crate::route_handler::ProxyResponse;
use crate::store::ReadMode;

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn read_object(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget<B::Body>,
        key: &str,
        params: &ReadParams,
        mode: ReadMode,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        if !params.response_overrides.is_empty() && ctx.identity == ResolvedIdentity::Anonymous {
            return Err(ProxyError::InvalidRequest(
                "Request specific response headers cannot be used for anonymous GET requests."
                    .into(),
            ));
        }
        let backend_key = target.backend_key(key)?;
        let read = ObjectRead {
            mode,
            params,
            headers: &ctx.headers,
        };
        target.backend.read(&backend_key, read).await
    }

    pub(crate) async fn put_object(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget<B::Body>,
        key: &str,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let upload = self.upload(&ctx.headers, payload)?;
        target.backend.write(&backend_key, upload).await
    }

    pub(crate) async fn delete_object(
        &self,
        target: &BucketTarget<B::Body>,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        target.backend.delete(&backend_key, version_id).await
    }

    pub(crate) async fn get_object_tagging(
        &self,
        target: &BucketTarget<B::Body>,
        key: &str,
        version_id: Option<&str>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let tags = target.backend.get_tagging(&backend_key, version_id).await?;
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            render_tagging(&tags),
        )))
    }

    pub(crate) async fn put_object_tagging(
        &self,
        ctx: &DispatchContext,
        target: &BucketTarget<B::Body>,
        key: &str,
        version_id: Option<&str>,
        payload: Payload<B::Body>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let backend_key = target.backend_key(key)?;
        let document = self.read_small_body(ctx, payload).await?;
        let tags = parse_tagging(&document)?;
        target
            .backend
            .put_tagging(&backend_key, version_id, document, tags)
            .await?;
        Ok(GatewayResponse::Response(ProxyResponse::empty(
            StatusCode::OK,
        )))
    }

    /// Reads a small XML request body whole, checked against the signature.
    pub(crate) async fn read_small_body(
        &self,
        ctx: &DispatchContext,
        payload: Payload<B::Body>,
    ) -> Result<Bytes, ProxyError> {
        let coverage = BodyCoverage::of(payload.signature.as_ref(), &ctx.headers);
        read_verified(
            B::body_into_stream(payload.body),
            coverage,
            &ctx.headers,
            MAX_XML_BODY_SIZE,
        )
        .await
    }

    /// An upload body (PutObject, UploadPart) for the backend, refused past the configured
    /// maximum size.
    pub(crate) fn upload<'h>(
        &self,
        client: &'h HeaderMap,
        payload: Payload<B::Body>,
    ) -> Result<Upload<'h, B::Body>, ProxyError> {
        let length = decoded_length(client).or_else(|| content_length(client));
        if let (Some(max), Some(length)) = (self.settings.max_request_body_size, length)
            && length > max
        {
            return Err(ProxyError::EntityTooLarge);
        }
        Ok(Upload {
            body: payload.body,
            into_stream: B::body_into_stream,
            headers: client,
            coverage: BodyCoverage::of(payload.signature.as_ref(), client),
            length,
        })
    }
}
