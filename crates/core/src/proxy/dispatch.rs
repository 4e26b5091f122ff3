//! The last stage: an authorized operation sent to its bucket's backend.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::settings::Settings;
use crate::ProxyError;
use crate::api::{CopySource, RequestInfo, S3Operation};
use crate::auth::sigv4::VerifiedSignature;
use crate::backend::ProxyBackend;
use crate::bucket::{BackendBuilder, BucketTarget};
use crate::middleware::DispatchContext;
use crate::registry::{BucketRegistry, ResolvedBucket};
use crate::response::GatewayResponse;
use crate::store::ReadMode;

/// Sends authorized operations to backends; one per request. Each operation family's
/// methods live in that family's file.
pub(crate) struct Dispatcher<'a, B, R> {
    pub(crate) runtime: &'a Arc<B>,
    pub(crate) buckets: &'a R,
    pub(crate) settings: &'a Settings,
    pub(crate) info: &'a RequestInfo,
    /// The request's arrival; the time outbound requests are signed at.
    pub(crate) now: DateTime<Utc>,
}

impl<'a, B, R> Dispatcher<'a, B, R> {
    pub(crate) fn new(
        runtime: &'a Arc<B>,
        buckets: &'a R,
        settings: &'a Settings,
        info: &'a RequestInfo,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            runtime,
            buckets,
            settings,
            info,
            now,
        }
    }
}

/// The end of the middleware chain: the dispatcher with the request body.
pub(crate) struct Terminal<'a, B: ProxyBackend, R> {
    pub(crate) dispatcher: Dispatcher<'a, B, R>,
    pub(crate) body: B::Body,
    pub(crate) signature: Option<VerifiedSignature>,
}

impl<B: ProxyBackend, R: BucketRegistry> Terminal<'_, B, R> {
    /// Dispatches the request `ctx` describes.
    pub(crate) async fn run(
        self,
        ctx: DispatchContext,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        self.dispatcher
            .dispatch(ctx, self.body, self.signature)
            .await
    }
}

/// What a request brought besides its operation: the body and the verified signature.
pub(crate) struct Payload<Body> {
    pub(crate) body: Body,
    pub(crate) signature: Option<VerifiedSignature>,
}

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    async fn dispatch(
        &self,
        ctx: DispatchContext,
        body: B::Body,
        signature: Option<VerifiedSignature>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let payload = Payload { body, signature };
        if ctx.operation == S3Operation::ListBuckets {
            return self.list_buckets(&ctx).await;
        }
        let target = self.target(required(&ctx.bucket)?).await?;
        use S3Operation as Op;
        match &ctx.operation {
            Op::ListBuckets => unreachable!("answered above"),
            Op::CreateBucket { bucket } => Err(ProxyError::BucketAlreadyOwnedByYou(bucket.clone())),
            Op::HeadBucket { .. } => Ok(self.head_bucket()),
            Op::GetBucketLocation { .. } => Ok(self.bucket_location()),
            Op::GetBucketVersioning { .. } => self.bucket_versioning(&target).await,
            Op::ListObjects { params, .. } => self.list_objects(&target, params).await,
            Op::ListObjectVersions { params, .. } => self.list_versions(&target, params).await,
            Op::ListMultipartUploads { params, .. } => self.list_uploads(&target, params).await,
            Op::DeleteObjects { .. } => self.delete_objects(&ctx, &target, payload).await,
            Op::GetObject { key, params, .. } => {
                self.read_object(&ctx, &target, key, params, ReadMode::Get)
                    .await
            }
            Op::HeadObject { key, params, .. } => {
                self.read_object(&ctx, &target, key, params, ReadMode::Head)
                    .await
            }
            Op::PutObject { key, .. } => self.put_object(&ctx, &target, key, payload).await,
            Op::DeleteObject {
                key, version_id, ..
            } => {
                self.delete_object(&target, key, version_id.as_deref())
                    .await
            }
            Op::CopyObject { key, source, .. } => {
                let ends = CopyEnds {
                    source,
                    from: required(&ctx.source_bucket)?,
                    to: &target,
                    key,
                };
                self.copy_object(&ctx, ends).await
            }
            Op::CreateMultipartUpload { key, .. } => {
                self.create_multipart_upload(&ctx, &target, key).await
            }
            Op::UploadPart {
                key,
                upload_id,
                part_number,
                ..
            } => {
                self.upload_part(&ctx, &target, key, upload_id, *part_number, payload)
                    .await
            }
            Op::UploadPartCopy {
                key,
                upload_id,
                part_number,
                source,
                ..
            } => {
                let ends = CopyEnds {
                    source,
                    from: required(&ctx.source_bucket)?,
                    to: &target,
                    key,
                };
                self.upload_part_copy(&ctx, ends, upload_id, *part_number)
                    .await
            }
            Op::CompleteMultipartUpload { key, upload_id, .. } => {
                self.complete_multipart_upload(&ctx, &target, key, upload_id, payload)
                    .await
            }
            Op::AbortMultipartUpload { key, upload_id, .. } => {
                self.abort_multipart_upload(&target, key, upload_id).await
            }
            Op::ListParts {
                key,
                upload_id,
                params,
                ..
            } => self.list_parts(&target, key, upload_id, params).await,
            Op::GetObjectTagging {
                key, version_id, ..
            } => {
                self.get_object_tagging(&target, key, version_id.as_deref())
                    .await
            }
            Op::PutObjectTagging {
                key, version_id, ..
            } => {
                self.put_object_tagging(&ctx, &target, key, version_id.as_deref(), payload)
                    .await
            }
        }
    }

    /// `bucket` ready for this request: its backend, with the signer or store for its
    /// credentials now, and its key space.
    pub(crate) async fn target(
        &self,
        bucket: &ResolvedBucket,
    ) -> Result<BucketTarget<B::Body>, ProxyError> {
        BackendBuilder {
            runtime: self.runtime,
            backends: &self.settings.backends,
            user_agent: &self.settings.user_agent,
            signing_keys: &self.settings.signing_keys,
            now: self.now,
        }
        .build(bucket)
        .await
    }
}

/// The two ends of a copy: the source object and the destination key.
pub(crate) struct CopyEnds<'a, Body> {
    /// The source as the client named it.
    pub(crate) source: &'a CopySource,
    /// The source's bucket.
    pub(crate) from: &'a ResolvedBucket,
    /// The destination's bucket.
    pub(crate) to: &'a BucketTarget<Body>,
    /// The destination key, in the client's key space.
    pub(crate) key: &'a str,
}

fn required(bucket: &Option<ResolvedBucket>) -> Result<&ResolvedBucket, ProxyError> {
    bucket
        .as_ref()
        .ok_or_else(|| ProxyError::Internal("operation reached dispatch without its bucket".into()))
}
