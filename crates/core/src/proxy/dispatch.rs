//! The last stage: an authorized operation sent to its bucket's backend.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use super::body::{BodyFailure, collect_capped};
use super::copy::CopyEnds;
use super::gateway::Settings;
use super::headers::response_headers;
use super::response::GatewayResponse;
use super::target::{BucketTarget, S3Target};
use crate::ProxyError;
use crate::api::{RequestInfo, S3Operation};
use crate::auth::sigv4::{EMPTY_SHA256, VerifiedSignature, encode_query_component, sha256_hex};
use crate::backend::{BackendRequest, ForwardBody, ProxyBackend, RawResponse, s3_xml};
use crate::middleware::{Dispatch, DispatchContext};
use crate::registry::{BucketRegistry, ResolvedBucket};

/// The most bytes of a backend error body read to learn its code.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Sends authorized operations to backends; one per request. Each operation family's
/// methods live in that family's file.
pub(crate) struct Dispatcher<'a, B, R> {
    pub(crate) runtime: &'a B,
    pub(crate) buckets: &'a R,
    pub(crate) settings: &'a Settings,
    pub(crate) info: &'a RequestInfo,
    /// The request's arrival; the time outbound requests are signed at.
    pub(crate) now: DateTime<Utc>,
}

impl<'a, B, R> Dispatcher<'a, B, R> {
    pub(crate) fn new(
        runtime: &'a B,
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

impl<B: ProxyBackend, R: BucketRegistry> Dispatch for Terminal<'_, B, R> {
    type Body = B::Body;

    async fn dispatch(self, ctx: DispatchContext) -> Result<GatewayResponse<B::Body>, ProxyError> {
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
                self.read_object(&ctx, &target, key, params, Method::GET)
                    .await
            }
            Op::HeadObject { key, params, .. } => {
                self.read_object(&ctx, &target, key, params, Method::HEAD)
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
                let from = self.target(required(&ctx.source_bucket)?).await?;
                let ends = CopyEnds {
                    source,
                    from: &from,
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
                let from = self.target(required(&ctx.source_bucket)?).await?;
                let ends = CopyEnds {
                    source,
                    from: &from,
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

    /// `bucket` ready for requests, with the signer or store for its credentials now.
    async fn target(&self, bucket: &ResolvedBucket) -> Result<BucketTarget, ProxyError> {
        BucketTarget::resolve(self.runtime, &self.settings.backends, bucket, self.now).await
    }

    /// A signed request to an S3 backend.
    pub(crate) fn s3_request(
        &self,
        target: &S3Target,
        call: S3Call<'_>,
        payload_hash: &str,
    ) -> Result<BackendRequest, ProxyError> {
        let S3Call {
            method,
            key,
            query,
            mut headers,
        } = call;
        let host = HeaderValue::from_str(&target.endpoint.host())
            .map_err(|_| ProxyError::Internal("endpoint host is not a header value".into()))?;
        headers.insert(header::HOST, host);
        headers.insert(header::USER_AGENT, self.settings.user_agent.clone());
        let mut request = BackendRequest {
            method,
            url: target.endpoint.url(key, &query),
            headers,
        };
        target.signer.sign(
            &mut request,
            payload_hash,
            self.now,
            &self.settings.signing_keys,
        )?;
        Ok(request)
    }

    /// Sends a small request to an S3 backend and reads the whole answer; backend errors,
    /// including S3's "200 with an `<Error>` body", become the client's errors.
    pub(crate) async fn s3_call(
        &self,
        target: &S3Target,
        mut call: S3Call<'_>,
        body: Bytes,
    ) -> Result<RawResponse, ProxyError> {
        // The runtime sets the length of the body it actually sends.
        call.headers.remove(header::CONTENT_LENGTH);
        let payload_hash = if body.is_empty() {
            EMPTY_SHA256.to_owned()
        } else {
            sha256_hex(&body)
        };
        let request = self.s3_request(target, call, &payload_hash)?;
        let response = self.runtime.send_raw(request, body).await?;
        if !response.status.is_success() {
            return Err(s3_xml::backend_error(response.status, &response.body));
        }
        Ok(response)
    }

    /// Streams a request to an S3 backend and its response back. Success and `304` pass
    /// through with filtered headers; errors become the client's S3 errors, so that
    /// backend names in error documents never reach clients. When a body the gateway
    /// produced (a decoded `aws-chunked` upload) fails on the way, the request fails with
    /// the body's error, not with the transport's or the backend's reaction to it.
    pub(crate) async fn s3_forward(
        &self,
        target: &S3Target,
        call: S3Call<'_>,
        body: ForwardBody<B::Body>,
        payload_hash: &str,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let request = self.s3_request(target, call, payload_hash)?;
        let failure = BodyFailure::default();
        let body = match body {
            ForwardBody::Stream { stream, length } => ForwardBody::Stream {
                stream: failure.watch(stream),
                length,
            },
            other => other,
        };
        let mut response = match self.runtime.forward(request, body).await {
            Ok(response) => response,
            Err(error) => return Err(failure.take().unwrap_or(error)),
        };
        if response.status.is_success() || response.status == StatusCode::NOT_MODIFIED {
            response.headers = response_headers(response.headers);
            return Ok(GatewayResponse::Forward(response));
        }
        let body = collect_capped(B::body_into_stream(response.body), MAX_ERROR_BODY)
            .await
            .unwrap_or_default();
        Err(failure
            .take()
            .unwrap_or_else(|| s3_xml::backend_error(response.status, &body)))
    }
}

/// One request to an S3 backend, before signing.
pub(crate) struct S3Call<'a> {
    method: Method,
    /// The backend key, or `None` for a request on the bucket itself.
    key: Option<&'a str>,
    /// The query, encoded as it will be sent.
    query: String,
    headers: HeaderMap,
}

impl<'a> S3Call<'a> {
    /// A request on `key`, or on the bucket itself when `None`.
    pub(crate) fn new(method: Method, key: Option<&'a str>) -> Self {
        Self {
            method,
            key,
            query: String::new(),
            headers: HeaderMap::new(),
        }
    }

    /// Adds the query parameter `name=value`, encoded.
    pub(crate) fn query(mut self, name: &str, value: &str) -> Self {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.push_str(&encode_query_component(name));
        self.query.push('=');
        self.query.push_str(&encode_query_component(value));
        self
    }

    /// Adds `name=value` when there is a value.
    pub(crate) fn optional_query(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Sends `headers` with the request.
    pub(crate) fn headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }
}

fn required(bucket: &Option<ResolvedBucket>) -> Result<&ResolvedBucket, ProxyError> {
    bucket
        .as_ref()
        .ok_or_else(|| ProxyError::Internal("operation reached dispatch without its bucket".into()))
}
