//! CopyObject and UploadPartCopy. Both ends must be on the same S3 endpoint (the backend
//! copies server-side) or both on object stores (the gateway streams the bytes).

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};

use super::dispatch::{Dispatcher, S3Call};
use super::headers::write_headers;
use super::multipart::part_call;
use super::objects::refuse_versions;
use super::response::GatewayResponse;
use super::target::{Backend, BucketTarget, S3Target};
use crate::ProxyError;
use crate::api::response::{render_copy_object_result, render_copy_part_result};
use crate::api::{CopySource, CopySourceRange};
use crate::auth::sigv4::{encode_path, encode_query_component};
use crate::backend::{ProxyBackend, s3_xml};
use crate::middleware::DispatchContext;
use crate::registry::BucketRegistry;
use crate::route_handler::ProxyResponse;

/// Response headers of a copy that describe the new object.
const COPY_RESPONSE_HEADERS: &[&str] = &[
    "x-amz-copy-source-version-id",
    "x-amz-version-id",
    "x-amz-server-side-encryption",
];

/// `x-amz-copy-source-if-*` conditions and the plain precondition each one is, for a
/// copy the gateway performs by reading the source itself.
const SOURCE_CONDITIONS: [(&str, HeaderName); 4] = [
    ("x-amz-copy-source-if-match", header::IF_MATCH),
    ("x-amz-copy-source-if-none-match", header::IF_NONE_MATCH),
    (
        "x-amz-copy-source-if-modified-since",
        header::IF_MODIFIED_SINCE,
    ),
    (
        "x-amz-copy-source-if-unmodified-since",
        header::IF_UNMODIFIED_SINCE,
    ),
];

fn cross_backend() -> ProxyError {
    ProxyError::NotImplemented(
        "Copying between buckets on different backends is not supported by this gateway.".into(),
    )
}

/// The two ends of a copy: the source object and the destination key.
pub(crate) struct CopyEnds<'a> {
    /// The source as the client named it.
    pub(crate) source: &'a CopySource,
    /// The source's bucket.
    pub(crate) from: &'a BucketTarget,
    /// The destination's bucket.
    pub(crate) to: &'a BucketTarget,
    /// The destination key, in the client's key space.
    pub(crate) key: &'a str,
}

/// What an S3 backend answered to a copy.
struct S3Copied {
    etag: String,
    last_modified: DateTime<Utc>,
    headers: HeaderMap,
}

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn copy_object(
        &self,
        ctx: &DispatchContext,
        ends: CopyEnds<'_>,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let source_key = ends.from.backend_key(&ends.source.key)?;
        let dest_key = ends.to.backend_key(ends.key)?;
        let answer = match (&ends.from.backend, &ends.to.backend) {
            (Backend::S3(from), Backend::S3(to))
                if from.endpoint.same_bucket_endpoint(&to.endpoint) =>
            {
                let call = S3Call::new(Method::PUT, Some(&dest_key));
                let copied = self
                    .s3_copy(ctx, from, to, &source_key, ends.source, call)
                    .await?;
                let document = render_copy_object_result(&copied.etag, &copied.last_modified);
                let mut answer = ProxyResponse::xml(StatusCode::OK, document);
                for name in COPY_RESPONSE_HEADERS {
                    if let Some(value) = copied.headers.get(*name) {
                        answer.headers.insert(*name, value.clone());
                    }
                }
                answer
            }
            (Backend::Store(from), Backend::Store(to)) => {
                refuse_versions(ends.source.version_id.as_deref())?;
                let copied = to.copy(from, &source_key, &dest_key, &ctx.headers).await?;
                let document = render_copy_object_result(&copied.etag, &copied.last_modified);
                ProxyResponse::xml(StatusCode::OK, document)
            }
            _ => return Err(cross_backend()),
        };
        Ok(GatewayResponse::Response(answer))
    }

    /// UploadPartCopy. A malformed `x-amz-copy-source-range` is refused before anything
    /// is sent; whether the range fits in the source is the backend's to say (the store
    /// layer's, or the S3 backend's).
    pub(crate) async fn upload_part_copy(
        &self,
        ctx: &DispatchContext,
        ends: CopyEnds<'_>,
        upload_id: &str,
        part_number: u16,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let range = CopySourceRange::from_headers(&ctx.headers)?;
        let source_key = ends.from.backend_key(&ends.source.key)?;
        let dest_key = ends.to.backend_key(ends.key)?;
        let (etag, last_modified) = match (&ends.from.backend, &ends.to.backend) {
            (Backend::S3(from), Backend::S3(to))
                if from.endpoint.same_bucket_endpoint(&to.endpoint) =>
            {
                let call = part_call(&dest_key, part_number, upload_id);
                let copied = self
                    .s3_copy(ctx, from, to, &source_key, ends.source, call)
                    .await?;
                (copied.etag, copied.last_modified)
            }
            (Backend::Store(from), Backend::Store(to)) => {
                refuse_versions(ends.source.version_id.as_deref())?;
                let conditions = source_conditions(&ctx.headers);
                let (stream, length) = from
                    .read_copy_source(&source_key, &conditions, range)
                    .await?;
                let etag = to
                    .upload_part(
                        &dest_key,
                        upload_id,
                        part_number,
                        stream,
                        Some(length),
                        &HeaderMap::new(),
                    )
                    .await?;
                (etag, Utc::now())
            }
            _ => return Err(cross_backend()),
        };
        let document = render_copy_part_result(&etag, &last_modified);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    /// A server-side copy on one S3 endpoint: `call` (a PutObject or an UploadPart on the
    /// destination) with `x-amz-copy-source` naming the source in the backend.
    async fn s3_copy(
        &self,
        ctx: &DispatchContext,
        from: &S3Target,
        to: &S3Target,
        source_key: &str,
        source: &CopySource,
        call: S3Call<'_>,
    ) -> Result<S3Copied, ProxyError> {
        let mut headers = write_headers(&ctx.headers);
        headers.insert(
            "x-amz-copy-source",
            copy_source_header(from, source_key, source)?,
        );
        let response = self
            .s3_call(to, call.headers(headers), Bytes::new())
            .await?;
        let (etag, last_modified) = s3_xml::parse_copy_result(&response.body)?;
        Ok(S3Copied {
            etag,
            last_modified,
            headers: response.headers,
        })
    }
}

/// `x-amz-copy-source` naming the source in the backend: `/bucket/key[?versionId=v]`.
fn copy_source_header(
    from: &S3Target,
    source_key: &str,
    source: &CopySource,
) -> Result<HeaderValue, ProxyError> {
    let mut value = format!(
        "/{}/{}",
        from.endpoint.bucket_name(),
        encode_path(source_key)
    );
    if let Some(version) = &source.version_id {
        value.push_str("?versionId=");
        value.push_str(&encode_query_component(version));
    }
    HeaderValue::from_str(&value).map_err(|_| ProxyError::Internal("copy source header".into()))
}

/// The `x-amz-copy-source-if-*` conditions of a copy as plain preconditions on its source.
fn source_conditions(client: &HeaderMap) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for (copy_condition, plain) in SOURCE_CONDITIONS {
        if let Some(value) = client.get(copy_condition) {
            headers.insert(plain, value.clone());
        }
    }
    headers
}
