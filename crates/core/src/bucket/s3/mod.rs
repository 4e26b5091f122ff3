//! [`S3Bucket`]: a bucket on AWS S3 or an S3-compatible store, reached over the S3 wire
//! protocol.
//!
//! Object bodies stream through the runtime untouched (the client's payload hash signed
//! through, so the backend verifies it); small XML exchanges are read whole, and their
//! answers parsed, so that backend bucket names never reach clients. One file per
//! operation family, as in `crate::proxy`.

mod call;
mod copy;
mod listing;
mod multipart;
mod objects;

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue, StatusCode, header};

use super::body::{BodyFailure, collect_capped};
use super::headers::response_headers;
use super::requests::{CopyRequest, DeleteOutcome, ObjectRead, PartCopy, Upload};
use super::requests::{UploadsRequest, VersionsRequest};
use super::{BucketBackend, Copied};
use crate::ProxyError;
use crate::api::ListPartsParams;
use crate::api::request_body::{Checksums, CompletedPart, ObjectToDelete, Tag};
use crate::api::response::{BucketVersioning, PartsPage, UploadsPage, VersionsPage};
use crate::auth::sigv4::{EMPTY_SHA256, SigningKeyCache, sha256_hex};
use crate::backend::{
    BackendListRequest, BackendPage, BackendRequest, ForwardBody, ProxyBackend, RawResponse,
    S3Endpoint, Signer, s3_xml,
};
use crate::maybe_send::BoxFuture;
use crate::response::GatewayResponse;
use call::S3Call;

/// The most bytes of a backend error body read to learn its code.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// A bucket reached over the S3 wire protocol through runtime `R`.
pub(crate) struct S3Bucket<R> {
    runtime: Arc<R>,
    endpoint: S3Endpoint,
    signer: Arc<dyn Signer>,
    user_agent: HeaderValue,
    signing_keys: Arc<SigningKeyCache>,
    /// The time requests are signed at: the client request's arrival.
    now: DateTime<Utc>,
}

impl<R> std::fmt::Debug for S3Bucket<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Bucket")
            .field("endpoint", &self.endpoint)
            .field("signer", &self.signer)
            .finish_non_exhaustive()
    }
}

impl<R: ProxyBackend> S3Bucket<R> {
    /// The bucket at `endpoint`, its requests signed by `signer` at time `now` and sent
    /// with `user_agent`.
    pub(crate) fn new(
        runtime: Arc<R>,
        endpoint: S3Endpoint,
        signer: Arc<dyn Signer>,
        user_agent: HeaderValue,
        signing_keys: Arc<SigningKeyCache>,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            runtime,
            endpoint,
            signer,
            user_agent,
            signing_keys,
            now,
        }
    }

    /// A signed request.
    fn request(&self, call: S3Call<'_>, payload_hash: &str) -> Result<BackendRequest, ProxyError> {
        let S3Call {
            method,
            key,
            query,
            mut headers,
        } = call;
        let host = HeaderValue::from_str(&self.endpoint.host())
            .map_err(|_| ProxyError::Internal("endpoint host is not a header value".into()))?;
        headers.insert(header::HOST, host);
        headers.insert(header::USER_AGENT, self.user_agent.clone());
        let mut request = BackendRequest {
            method,
            url: self.endpoint.url(key, &query),
            headers,
        };
        self.signer
            .sign(&mut request, payload_hash, self.now, &self.signing_keys)?;
        Ok(request)
    }

    /// Sends a small request and reads the whole answer; backend errors, including S3's
    /// "200 with an `<Error>` body", become the client's errors.
    async fn call(&self, mut call: S3Call<'_>, body: Bytes) -> Result<RawResponse, ProxyError> {
        // The runtime sets the length of the body it actually sends.
        call.headers.remove(header::CONTENT_LENGTH);
        let payload_hash = if body.is_empty() {
            EMPTY_SHA256.to_owned()
        } else {
            sha256_hex(&body)
        };
        let request = self.request(call, &payload_hash)?;
        let response = self.runtime.send_raw(request, body).await?;
        if !response.status.is_success() {
            return Err(s3_xml::backend_error(response.status, &response.body));
        }
        Ok(response)
    }

    /// Streams a request and its response. Success and `304` pass through with filtered
    /// headers; errors become the client's S3 errors, so that backend names in error
    /// documents never reach clients. When a body the gateway produced (a decoded
    /// `aws-chunked` upload) fails on the way, the request fails with the body's error,
    /// not with the transport's or the backend's reaction to it.
    async fn forward(
        &self,
        call: S3Call<'_>,
        body: ForwardBody<R::Body>,
        payload_hash: &str,
    ) -> Result<GatewayResponse<R::Body>, ProxyError> {
        let request = self.request(call, payload_hash)?;
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
        let body = collect_capped(R::body_into_stream(response.body), MAX_ERROR_BODY)
            .await
            .unwrap_or_default();
        Err(failure
            .take()
            .unwrap_or_else(|| s3_xml::backend_error(response.status, &body)))
    }
}

impl<R: ProxyBackend> BucketBackend<R::Body> for S3Bucket<R> {
    fn read<'a>(
        &'a self,
        key: &'a str,
        read: ObjectRead<'a>,
    ) -> BoxFuture<'a, Result<GatewayResponse<R::Body>, ProxyError>> {
        Box::pin(self.read_object(key, read))
    }

    fn write<'a>(
        &'a self,
        key: &'a str,
        upload: Upload<'a, R::Body>,
    ) -> BoxFuture<'a, Result<GatewayResponse<R::Body>, ProxyError>> {
        Box::pin(self.put_object(key, upload))
    }

    fn delete<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<GatewayResponse<R::Body>, ProxyError>> {
        Box::pin(self.delete_object(key, version_id))
    }

    fn delete_many<'a>(
        &'a self,
        objects: Vec<ObjectToDelete>,
    ) -> BoxFuture<'a, Result<DeleteOutcome, ProxyError>> {
        Box::pin(self.delete_objects(objects))
    }

    fn get_tagging<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Tag>, ProxyError>> {
        Box::pin(self.get_object_tagging(key, version_id))
    }

    fn put_tagging<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
        document: Bytes,
        _tags: Vec<Tag>,
    ) -> BoxFuture<'a, Result<(), ProxyError>> {
        Box::pin(self.put_object_tagging(key, version_id, document))
    }

    fn create_multipart<'a>(
        &'a self,
        key: &'a str,
        headers: &'a HeaderMap,
    ) -> BoxFuture<'a, Result<String, ProxyError>> {
        Box::pin(self.create_upload(key, headers))
    }

    fn upload_part<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        part_number: u16,
        upload: Upload<'a, R::Body>,
    ) -> BoxFuture<'a, Result<GatewayResponse<R::Body>, ProxyError>> {
        Box::pin(self.put_part(key, upload_id, part_number, upload))
    }

    fn complete_multipart<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        _parts: &'a [CompletedPart],
        document: Bytes,
        headers: &'a HeaderMap,
    ) -> BoxFuture<'a, Result<(String, Checksums), ProxyError>> {
        Box::pin(self.complete_upload(key, upload_id, document, headers))
    }

    fn abort_multipart<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
    ) -> BoxFuture<'a, Result<(), ProxyError>> {
        Box::pin(self.abort_upload(key, upload_id))
    }

    fn list_parts<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        params: &'a ListPartsParams,
    ) -> BoxFuture<'a, Result<PartsPage, ProxyError>> {
        Box::pin(self.parts(key, upload_id, params))
    }

    fn list_uploads<'a>(
        &'a self,
        request: UploadsRequest<'a>,
    ) -> BoxFuture<'a, Result<UploadsPage, ProxyError>> {
        Box::pin(self.uploads(request))
    }

    fn list<'a>(
        &'a self,
        request: &'a BackendListRequest,
    ) -> BoxFuture<'a, Result<BackendPage, ProxyError>> {
        Box::pin(self.objects(request))
    }

    fn list_versions<'a>(
        &'a self,
        request: VersionsRequest<'a>,
    ) -> BoxFuture<'a, Result<VersionsPage, ProxyError>> {
        Box::pin(self.object_versions(request))
    }

    fn versioning(&self) -> BoxFuture<'_, Result<BucketVersioning, ProxyError>> {
        Box::pin(self.bucket_versioning())
    }

    fn copy<'a>(
        &'a self,
        request: CopyRequest<'a, R::Body>,
    ) -> BoxFuture<'a, Result<Copied, ProxyError>> {
        Box::pin(self.copy_object(request, None))
    }

    fn copy_part<'a>(
        &'a self,
        request: CopyRequest<'a, R::Body>,
        part: PartCopy<'a>,
    ) -> BoxFuture<'a, Result<Copied, ProxyError>> {
        Box::pin(self.copy_object(request, Some(part)))
    }
}
