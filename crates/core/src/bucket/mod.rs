//! A resolved bucket ready for requests: its backend, behind one trait, and its key space.
//!
//! [`BucketBackend`] is the one abstraction every S3 operation is written against, as
//! `object_store` writes its users against `ObjectStore`. Two kinds of backend implement
//! it, each in its own module:
//!
//! * [`S3Bucket`] speaks the S3 wire protocol: it signs each request, streams object
//!   bodies through the runtime ([`crate::backend::ProxyBackend::forward`]) and reads
//!   small XML answers whole ([`crate::backend::ProxyBackend::send_raw`]);
//! * [`crate::store::StoreBucket`] serves S3 semantics over any `object_store` store.
//!
//! Keys given to a backend are backend keys (the bucket's prefix applied); the operations
//! in `crate::proxy` map them from and back to the client's key space with [`KeySpace`].
//! A third kind of backend is one more implementation of the trait, in one more module.

mod body;
mod headers;
mod requests;
mod s3;
mod store;
mod target;

use std::any::Any;
use std::fmt::Debug;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::HeaderMap;

pub(crate) use body::{
    BodyCoverage, collect_capped, content_length, decoded_length, read_verified,
};
pub(crate) use requests::{
    CopyRequest, DeleteOutcome, ObjectRead, PartCopy, Upload, UploadsRequest, VersionsRequest,
};
pub(crate) use s3::S3Bucket;
pub(crate) use target::{BackendBuilder, BucketTarget};

use crate::api::ListPartsParams;
use crate::api::request_body::{Checksums, CompletedPart, ObjectToDelete, Tag};
use crate::api::response::{BucketVersioning, PartsPage, UploadsPage, VersionsPage};
use crate::backend::{BackendListRequest, BackendPage};
use crate::maybe_send::BoxFuture;
use crate::response::GatewayResponse;
use crate::{MaybeSend, MaybeSync, ProxyError};

/// The version id S3 gives objects written while versioning was off, and the only version
/// of an object on a backend that keeps none.
pub(crate) const NULL_VERSION: &str = "null";

/// What a backend answered to a copy.
#[derive(Debug, Clone)]
pub(crate) struct Copied {
    /// The new object's (or part's) ETag, quoted.
    pub(crate) etag: String,
    /// When it was written.
    pub(crate) last_modified: DateTime<Utc>,
    /// Response headers worth passing on (version ids, server-side encryption).
    pub(crate) headers: HeaderMap,
}

/// One bucket's backend: every S3 object operation, on backend keys.
///
/// Streaming operations (reads, writes, parts, deletes) answer with the
/// [`GatewayResponse`] the client gets: `Forward` when the runtime streams the backend's
/// own response, `Response` when the backend implementation made it. The others answer
/// with typed values that `crate::proxy` renders as S3 XML in the client's key space.
///
/// Methods return boxed futures so that buckets of any kind sit behind one
/// `Arc<dyn BucketBackend<Body>>`; `Body` is the runtime's body type.
pub(crate) trait BucketBackend<Body>: MaybeSend + MaybeSync + Debug + Any {
    /// GetObject and HeadObject.
    fn read<'a>(
        &'a self,
        key: &'a str,
        read: ObjectRead<'a>,
    ) -> BoxFuture<'a, Result<GatewayResponse<Body>, ProxyError>>;

    /// PutObject.
    fn write<'a>(
        &'a self,
        key: &'a str,
        upload: Upload<'a, Body>,
    ) -> BoxFuture<'a, Result<GatewayResponse<Body>, ProxyError>>;

    /// DeleteObject, of one version if named.
    fn delete<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<GatewayResponse<Body>, ProxyError>>;

    /// DeleteObjects of keys already authorized, each with its outcome (backend keys).
    fn delete_many<'a>(
        &'a self,
        objects: Vec<ObjectToDelete>,
    ) -> BoxFuture<'a, Result<DeleteOutcome, ProxyError>>;

    /// GetObjectTagging.
    fn get_tagging<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Tag>, ProxyError>>;

    /// PutObjectTagging: `tags`, parsed from the client's `document`.
    fn put_tagging<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
        document: Bytes,
        tags: Vec<Tag>,
    ) -> BoxFuture<'a, Result<(), ProxyError>>;

    /// CreateMultipartUpload with the client's `headers`; the new upload id.
    fn create_multipart<'a>(
        &'a self,
        key: &'a str,
        headers: &'a HeaderMap,
    ) -> BoxFuture<'a, Result<String, ProxyError>>;

    /// UploadPart.
    fn upload_part<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        part_number: u16,
        upload: Upload<'a, Body>,
    ) -> BoxFuture<'a, Result<GatewayResponse<Body>, ProxyError>>;

    /// CompleteMultipartUpload of `parts`, parsed from the client's `document`; the
    /// object's ETag and whole-object checksums.
    fn complete_multipart<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        parts: &'a [CompletedPart],
        document: Bytes,
        headers: &'a HeaderMap,
    ) -> BoxFuture<'a, Result<(String, Checksums), ProxyError>>;

    /// AbortMultipartUpload.
    fn abort_multipart<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
    ) -> BoxFuture<'a, Result<(), ProxyError>>;

    /// ListParts.
    fn list_parts<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        params: &'a ListPartsParams,
    ) -> BoxFuture<'a, Result<PartsPage, ProxyError>>;

    /// One page of ListMultipartUploads (backend keys).
    fn list_uploads<'a>(
        &'a self,
        request: UploadsRequest<'a>,
    ) -> BoxFuture<'a, Result<UploadsPage, ProxyError>>;

    /// One page of the bucket's objects (backend keys).
    fn list<'a>(
        &'a self,
        request: &'a BackendListRequest,
    ) -> BoxFuture<'a, Result<BackendPage, ProxyError>>;

    /// One page of ListObjectVersions (backend keys). A backend that keeps no versions
    /// lists each object as its one [`NULL_VERSION`].
    fn list_versions<'a>(
        &'a self,
        request: VersionsRequest<'a>,
    ) -> BoxFuture<'a, Result<VersionsPage, ProxyError>>;

    /// GetBucketVersioning.
    fn versioning(&self) -> BoxFuture<'_, Result<BucketVersioning, ProxyError>>;

    /// CopyObject into this bucket from `request.from`, which may be of any kind: a backend
    /// copies from the sources it can reach (recognised by upcasting `from` to `dyn Any`) and
    /// refuses others with [`cross_backend`].
    fn copy<'a>(
        &'a self,
        request: CopyRequest<'a, Body>,
    ) -> BoxFuture<'a, Result<Copied, ProxyError>>;

    /// UploadPartCopy into `part` of an upload in this bucket from `request.from`.
    fn copy_part<'a>(
        &'a self,
        request: CopyRequest<'a, Body>,
        part: PartCopy<'a>,
    ) -> BoxFuture<'a, Result<Copied, ProxyError>>;
}

/// The refusal of a copy between backends that cannot reach each other.
pub(crate) fn cross_backend() -> ProxyError {
    ProxyError::NotImplemented(
        "Copying between buckets on different backends is not supported by this gateway.".into(),
    )
}
