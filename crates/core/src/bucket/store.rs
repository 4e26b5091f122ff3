//! [`StoreBucket`] as a [`BucketBackend`]: S3 semantics over an `object_store` store, for
//! any runtime body type.

use std::any::Any;

use bytes::Bytes;
use chrono::Utc;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};

use super::requests::{CopyRequest, DeleteOutcome, ObjectRead, PartCopy, Upload};
use super::requests::{UploadsRequest, VersionsRequest};
use super::{BucketBackend, Copied, NULL_VERSION, cross_backend};
use crate::api::ListPartsParams;
use crate::api::request_body::{Checksums, CompletedPart, ObjectToDelete, Tag};
use crate::api::response::{
    BucketVersioning, DeleteErrorEntry, DeletedEntry, PartsPage, UploadsPage, VersionEntry,
    VersionKind, VersionsPage,
};
use crate::backend::{BackendListRequest, BackendPage};
use crate::maybe_send::BoxFuture;
use crate::response::GatewayResponse;
use crate::route_handler::{ProxyResponse, ProxyResponseBody};
use crate::store::{ReadOptions, StoreBucket};
use crate::{MaybeSend, ProxyError};

/// `x-amz-copy-source-if-*` conditions and the plain precondition each one is, for a copy
/// the gateway performs by reading the source itself.
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

impl<Body: MaybeSend + 'static> BucketBackend<Body> for StoreBucket {
    fn read<'a>(
        &'a self,
        key: &'a str,
        read: ObjectRead<'a>,
    ) -> BoxFuture<'a, Result<GatewayResponse<Body>, ProxyError>> {
        Box::pin(async move {
            only_null_version(read.params.version_id.as_deref())?;
            let options = ReadOptions {
                mode: read.mode,
                headers: read.headers,
                part_number: read.params.part_number,
            };
            let object = StoreBucket::read(self, key, &options).await?;
            let mut headers = object.headers;
            for (name, value) in &read.params.response_overrides {
                if let Ok(value) = HeaderValue::from_str(value) {
                    headers.insert(name.clone(), value);
                }
            }
            let body = match object.body {
                Some(stream) => ProxyResponseBody::Stream(stream),
                None => ProxyResponseBody::Empty,
            };
            Ok(GatewayResponse::Response(ProxyResponse {
                status: object.status,
                headers,
                body,
            }))
        })
    }

    fn write<'a>(
        &'a self,
        key: &'a str,
        upload: Upload<'a, Body>,
    ) -> BoxFuture<'a, Result<GatewayResponse<Body>, ProxyError>> {
        Box::pin(async move {
            let length = upload.length;
            let (body, headers) = upload.into_checked_stream();
            let etag = StoreBucket::write(self, key, &headers, body, length).await?;
            Ok(with_etag(&etag))
        })
    }

    fn delete<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<GatewayResponse<Body>, ProxyError>> {
        Box::pin(async move {
            only_null_version(version_id)?;
            StoreBucket::delete(self, key).await?;
            Ok(GatewayResponse::Response(ProxyResponse::empty(
                StatusCode::NO_CONTENT,
            )))
        })
    }

    fn delete_many<'a>(
        &'a self,
        objects: Vec<ObjectToDelete>,
    ) -> BoxFuture<'a, Result<DeleteOutcome, ProxyError>> {
        Box::pin(async move {
            let mut outcome = DeleteOutcome::default();
            for object in objects {
                let deleted = match only_null_version(object.version_id.as_deref()) {
                    Ok(()) => StoreBucket::delete(self, &object.key).await,
                    Err(error) => Err(error),
                };
                match deleted {
                    Ok(()) => outcome.deleted.push(DeletedEntry::from(object)),
                    Err(error) => outcome.errors.push(DeleteErrorEntry::from_error(
                        object.key,
                        object.version_id,
                        &error,
                    )),
                }
            }
            Ok(outcome)
        })
    }

    fn get_tagging<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Vec<Tag>, ProxyError>> {
        Box::pin(async move {
            only_null_version(version_id)?;
            StoreBucket::get_tagging(self, key).await
        })
    }

    fn put_tagging<'a>(
        &'a self,
        key: &'a str,
        version_id: Option<&'a str>,
        _document: Bytes,
        tags: Vec<Tag>,
    ) -> BoxFuture<'a, Result<(), ProxyError>> {
        Box::pin(async move {
            only_null_version(version_id)?;
            StoreBucket::put_tagging(self, key, tags).await
        })
    }

    fn create_multipart<'a>(
        &'a self,
        key: &'a str,
        headers: &'a HeaderMap,
    ) -> BoxFuture<'a, Result<String, ProxyError>> {
        Box::pin(StoreBucket::create_multipart(self, key, headers))
    }

    fn upload_part<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        part_number: u16,
        upload: Upload<'a, Body>,
    ) -> BoxFuture<'a, Result<GatewayResponse<Body>, ProxyError>> {
        Box::pin(async move {
            let length = upload.length;
            let (body, headers) = upload.into_checked_stream();
            let etag =
                StoreBucket::upload_part(self, key, upload_id, part_number, body, length, &headers)
                    .await?;
            Ok(with_etag(&etag))
        })
    }

    fn complete_multipart<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        parts: &'a [CompletedPart],
        _document: Bytes,
        headers: &'a HeaderMap,
    ) -> BoxFuture<'a, Result<(String, Checksums), ProxyError>> {
        Box::pin(async move {
            let etag =
                StoreBucket::complete_multipart(self, key, upload_id, parts, headers).await?;
            Ok((etag, Checksums::default()))
        })
    }

    fn abort_multipart<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
    ) -> BoxFuture<'a, Result<(), ProxyError>> {
        Box::pin(StoreBucket::abort_multipart(self, key, upload_id))
    }

    fn list_parts<'a>(
        &'a self,
        key: &'a str,
        upload_id: &'a str,
        params: &'a ListPartsParams,
    ) -> BoxFuture<'a, Result<PartsPage, ProxyError>> {
        Box::pin(StoreBucket::list_parts(self, key, upload_id, params))
    }

    fn list_uploads<'a>(
        &'a self,
        request: UploadsRequest<'a>,
    ) -> BoxFuture<'a, Result<UploadsPage, ProxyError>> {
        Box::pin(StoreBucket::list_uploads(
            self,
            request.prefix,
            request.delimiter,
            request.key_marker,
            request.upload_id_marker,
            request.max_uploads,
        ))
    }

    fn list<'a>(
        &'a self,
        request: &'a BackendListRequest,
    ) -> BoxFuture<'a, Result<BackendPage, ProxyError>> {
        Box::pin(StoreBucket::list(self, request))
    }

    fn list_versions<'a>(
        &'a self,
        request: VersionsRequest<'a>,
    ) -> BoxFuture<'a, Result<VersionsPage, ProxyError>> {
        Box::pin(async move {
            // After a key's `null` version comes the next key; no other version id exists.
            if request
                .version_id_marker
                .is_some_and(|marker| marker != NULL_VERSION)
            {
                return Err(ProxyError::InvalidArgument(
                    "Invalid version id specified".into(),
                ));
            }
            let listing = BackendListRequest {
                prefix: request.prefix.to_owned(),
                delimiter: request.delimiter.map(str::to_owned),
                start_after: request.key_marker.map(str::to_owned),
                max_keys: request.max_keys,
            };
            Ok(null_versions(StoreBucket::list(self, &listing).await?))
        })
    }

    fn versioning(&self) -> BoxFuture<'_, Result<BucketVersioning, ProxyError>> {
        // As a bucket whose versioning was never enabled.
        Box::pin(async { Ok(BucketVersioning::default()) })
    }

    fn copy<'a>(
        &'a self,
        request: CopyRequest<'a, Body>,
    ) -> BoxFuture<'a, Result<Copied, ProxyError>> {
        Box::pin(async move {
            let from = store_source(&request)?;
            let copied = StoreBucket::copy(
                self,
                from,
                request.source_key,
                request.dest_key,
                request.headers,
            )
            .await?;
            Ok(Copied {
                etag: copied.etag,
                last_modified: copied.last_modified,
                headers: HeaderMap::new(),
            })
        })
    }

    fn copy_part<'a>(
        &'a self,
        request: CopyRequest<'a, Body>,
        part: PartCopy<'a>,
    ) -> BoxFuture<'a, Result<Copied, ProxyError>> {
        Box::pin(async move {
            let from = store_source(&request)?;
            let conditions = source_conditions(request.headers);
            let (stream, length) = from
                .read_copy_source(request.source_key, &conditions, part.range)
                .await?;
            let etag = StoreBucket::upload_part(
                self,
                request.dest_key,
                part.upload_id,
                part.part_number,
                stream,
                Some(length),
                &HeaderMap::new(),
            )
            .await?;
            Ok(Copied {
                etag,
                last_modified: Utc::now(),
                headers: HeaderMap::new(),
            })
        })
    }
}

/// A page of objects as a page of versions, each object its one `null` version.
fn null_versions(page: BackendPage) -> VersionsPage {
    let last_key = page.objects.last().map(|object| object.key.clone());
    let last_prefix = page.common_prefixes.last().cloned();
    // The next page starts after the last entry, key or common prefix; after a key, at
    // its `null` version.
    let (next_key_marker, next_version_id_marker) = match (last_key, last_prefix) {
        _ if !page.is_truncated => (None, None),
        (Some(key), Some(prefix)) if prefix > key => (Some(prefix), None),
        (Some(key), _) => (Some(key), Some(NULL_VERSION.to_owned())),
        (None, prefix) => (prefix, None),
    };
    VersionsPage {
        entries: page
            .objects
            .into_iter()
            .map(|object| VersionEntry {
                key: object.key,
                version_id: NULL_VERSION.to_owned(),
                is_latest: true,
                last_modified: object.last_modified,
                kind: VersionKind::Object {
                    etag: object.etag,
                    size: object.size,
                    storage_class: object.storage_class,
                },
            })
            .collect(),
        common_prefixes: page.common_prefixes,
        is_truncated: next_key_marker.is_some(),
        next_key_marker,
        next_version_id_marker,
    }
}

/// The source of a copy into a store bucket: another store bucket (the bytes stream
/// between them), at its `null` version.
fn store_source<'a, Body>(request: &CopyRequest<'a, Body>) -> Result<&'a StoreBucket, ProxyError> {
    let from: &dyn Any = request.from;
    let from = from
        .downcast_ref::<StoreBucket>()
        .ok_or_else(cross_backend)?;
    only_null_version(request.source.version_id.as_deref())?;
    Ok(from)
}

/// Store buckets keep no versions: each object is only its `null` version, which S3 lets
/// a request name or leave out.
fn only_null_version(version_id: Option<&str>) -> Result<(), ProxyError> {
    match version_id {
        None | Some(NULL_VERSION) => Ok(()),
        Some(_) => Err(ProxyError::NotImplemented(
            "Object versions are not supported by this bucket's backend.".into(),
        )),
    }
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

/// A `200` with an `ETag` and no body.
fn with_etag<Body>(etag: &str) -> GatewayResponse<Body> {
    let mut response = ProxyResponse::empty(StatusCode::OK);
    if let Ok(value) = HeaderValue::from_str(etag) {
        response.headers.insert(header::ETAG, value);
    }
    GatewayResponse::Response(response)
}
