//! Listings and the bucket's versioning state over the S3 wire protocol.

use bytes::Bytes;
use http::Method;

use super::S3Bucket;
use super::call::S3Call;
use crate::ProxyError;
use crate::api::response::{BucketVersioning, VersionsPage};
use crate::backend::{BackendListRequest, BackendPage, ProxyBackend, s3_xml};
use crate::bucket::requests::VersionsRequest;

impl<R: ProxyBackend> S3Bucket<R> {
    /// ListObjectsV2 with `encoding-type=url`, paged by `start-after`.
    pub(super) async fn objects(
        &self,
        request: &BackendListRequest,
    ) -> Result<BackendPage, ProxyError> {
        let call = S3Call::new(Method::GET, None)
            .query("list-type", "2")
            .query("encoding-type", "url")
            .query("max-keys", &request.max_keys.to_string())
            .query("prefix", &request.prefix)
            .optional_query("delimiter", request.delimiter.as_deref())
            .optional_query("start-after", request.start_after.as_deref());
        let response = self.call(call, Bytes::new()).await?;
        s3_xml::parse_list_objects_v2(&response.body)
    }

    pub(super) async fn object_versions(
        &self,
        request: VersionsRequest<'_>,
    ) -> Result<VersionsPage, ProxyError> {
        let call = S3Call::new(Method::GET, None)
            .query("versions", "")
            .query("encoding-type", "url")
            .query("max-keys", &request.max_keys.to_string())
            .query("prefix", request.prefix)
            .optional_query("delimiter", request.delimiter)
            .optional_query("key-marker", request.key_marker)
            .optional_query("version-id-marker", request.version_id_marker);
        let response = self.call(call, Bytes::new()).await?;
        s3_xml::parse_list_versions(&response.body)
    }

    pub(super) async fn bucket_versioning(&self) -> Result<BucketVersioning, ProxyError> {
        let call = S3Call::new(Method::GET, None).query("versioning", "");
        let response = self.call(call, Bytes::new()).await?;
        s3_xml::parse_bucket_versioning(&response.body)
    }
}
