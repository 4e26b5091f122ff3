//! Server-side copies between buckets on one S3 endpoint.

use std::any::Any;

use bytes::Bytes;
use http::{HeaderValue, Method};

use super::S3Bucket;
use super::call::S3Call;
use super::multipart::part_call;
use crate::ProxyError;
use crate::api::CopySource;
use crate::auth::sigv4::{encode_path, encode_query_component};
use crate::backend::{ProxyBackend, s3_xml};
use crate::bucket::headers::write_headers;
use crate::bucket::requests::{CopyRequest, PartCopy};
use crate::bucket::{Copied, cross_backend};

/// Response headers of a copy that describe the new object.
const COPY_RESPONSE_HEADERS: &[&str] = &[
    "x-amz-copy-source-version-id",
    "x-amz-version-id",
    "x-amz-server-side-encryption",
];

impl<R: ProxyBackend> S3Bucket<R> {
    /// A CopyObject (`part` absent) or UploadPartCopy: `x-amz-copy-source` names the
    /// source in the backend, which copies the bytes itself. The source must be on this
    /// bucket's endpoint. The client's `x-amz-copy-source-*` headers (conditions, range)
    /// pass through for the backend to check.
    pub(super) async fn copy_object(
        &self,
        request: CopyRequest<'_, R::Body>,
        part: Option<PartCopy<'_>>,
    ) -> Result<Copied, ProxyError> {
        let from: &dyn Any = request.from;
        let from = from
            .downcast_ref::<Self>()
            .filter(|from| from.endpoint.same_bucket_endpoint(&self.endpoint))
            .ok_or_else(cross_backend)?;
        let call = match part {
            None => S3Call::new(Method::PUT, Some(request.dest_key)),
            Some(part) => part_call(request.dest_key, part.part_number, part.upload_id),
        };
        let mut headers = write_headers(request.headers);
        headers.insert(
            "x-amz-copy-source",
            from.copy_source_header(request.source_key, request.source)?,
        );
        let response = self.call(call.headers(headers), Bytes::new()).await?;
        let (etag, last_modified) = s3_xml::parse_copy_result(&response.body)?;
        let mut passed_on = http::HeaderMap::new();
        for name in COPY_RESPONSE_HEADERS {
            if let Some(value) = response.headers.get(*name) {
                passed_on.insert(*name, value.clone());
            }
        }
        Ok(Copied {
            etag,
            last_modified,
            headers: passed_on,
        })
    }

    /// `x-amz-copy-source` naming `key` of this bucket: `/bucket/key[?versionId=v]`.
    fn copy_source_header(
        &self,
        key: &str,
        source: &CopySource,
    ) -> Result<HeaderValue, ProxyError> {
        let mut value = format!("/{}/{}", self.endpoint.bucket_name(), encode_path(key));
        if let Some(version) = &source.version_id {
            value.push_str("?versionId=");
            value.push_str(&encode_query_component(version));
        }
        HeaderValue::from_str(&value).map_err(|_| ProxyError::Internal("copy source header".into()))
    }
}
