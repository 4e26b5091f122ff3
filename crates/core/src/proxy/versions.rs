//! ListObjectVersions, in the client's key space.
//!
//! S3 backends are asked for their versions, under the bucket's backend prefix, and the
//! answer is mapped back as ListObjects maps keys. Store backends keep no versions: they
//! answer as S3 answers for a bucket whose versioning was never enabled, every object its
//! one `null` version, paged like ListObjects.

use bytes::Bytes;
use http::{Method, StatusCode};

use super::dispatch::{Dispatcher, S3Call};
use super::listing::{Resume, unseen_prefixes};
use super::response::GatewayResponse;
use super::target::{Backend, BucketTarget, S3Target};
use crate::ProxyError;
use crate::api::ListVersionsParams;
use crate::api::list_rewrite::{BackendListing, BackendMarker};
use crate::api::response::{VersionEntry, VersionKind, VersionsPage, render_list_versions};
use crate::backend::{ProxyBackend, s3_xml};
use crate::registry::{BucketRegistry, DEFAULT_BUCKET_OWNER};
use crate::route_handler::ProxyResponse;

/// The version id S3 gives objects written while versioning was off.
pub(crate) const NULL_VERSION: &str = "null";

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn list_versions(
        &self,
        target: &BucketTarget,
        params: &ListVersionsParams,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let resume = match &params.key_marker {
            Some(marker) => Resume::after_marker(marker, params.delimiter.as_deref()),
            None => Resume::Start,
        };
        let page = match &target.backend {
            Backend::S3(s3) => self.backend_versions(target, s3, params, &resume).await?,
            Backend::Store(_) => self.null_versions(target, params, &resume).await?,
        };
        let document = render_list_versions(&target.name, params, &page, &DEFAULT_BUCKET_OWNER);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    /// The S3 backend's versions, mapped into the client's key space.
    async fn backend_versions(
        &self,
        target: &BucketTarget,
        s3: &S3Target,
        params: &ListVersionsParams,
        resume: &Resume,
    ) -> Result<VersionsPage, ProxyError> {
        let delimiter = params.delimiter.as_deref();
        let backend_prefix = match target.keys.listing(&params.prefix, delimiter) {
            BackendListing::Nothing => return Ok(VersionsPage::default()),
            BackendListing::Collapsed {
                common_prefix,
                backend_prefix,
            } => {
                // Any version or delete marker under it makes the one common prefix.
                let call = versions_call(&backend_prefix, None, None, None, 1);
                let response = self.s3_call(s3, call, Bytes::new()).await?;
                let found = s3_xml::parse_list_versions(&response.body)?;
                let any = !found.entries.is_empty() || !found.common_prefixes.is_empty();
                let visible = any && params.max_keys > 0 && !resume.covers(&common_prefix);
                return Ok(VersionsPage {
                    common_prefixes: visible.then_some(common_prefix).into_iter().collect(),
                    ..VersionsPage::default()
                });
            }
            BackendListing::Prefix(backend_prefix) => backend_prefix,
        };
        let key_marker = match params.key_marker.as_deref().map(|m| target.keys.marker(m)) {
            None | Some(BackendMarker::Start) => None,
            Some(BackendMarker::After(key)) => Some(key),
            Some(BackendMarker::PastEnd) => return Ok(VersionsPage::default()),
        };
        // A version id marker belongs to the key marker; it means nothing without it.
        let version_id_marker = key_marker.as_ref().and(params.version_id_marker.as_deref());
        let call = versions_call(
            &backend_prefix,
            delimiter,
            key_marker.as_deref(),
            version_id_marker,
            params.max_keys,
        );
        let response = self.s3_call(s3, call, Bytes::new()).await?;
        let backend = s3_xml::parse_list_versions(&response.body)?;
        Ok(client_versions(
            target,
            resume,
            version_id_marker.is_some(),
            backend,
        ))
    }

    /// A store bucket's objects, each as its one `null` version.
    async fn null_versions(
        &self,
        target: &BucketTarget,
        params: &ListVersionsParams,
        resume: &Resume,
    ) -> Result<VersionsPage, ProxyError> {
        // After a key's `null` version comes the next key; no other version id exists.
        if params
            .version_id_marker
            .as_deref()
            .is_some_and(|marker| marker != NULL_VERSION)
        {
            return Err(ProxyError::InvalidArgument(
                "Invalid version id specified".into(),
            ));
        }
        let delimiter = params.delimiter.as_deref();
        let page = self
            .client_listing(target, &params.prefix, delimiter, params.max_keys, resume)
            .await?;
        let entries = page
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
            .collect();
        let (next_key_marker, next_version_id_marker) = match page.last {
            _ if !page.is_truncated => (None, None),
            Resume::AfterKey(key) => (Some(key), Some(NULL_VERSION.to_owned())),
            Resume::AfterPrefix(prefix) => (Some(prefix), None),
            Resume::Start => (None, None),
        };
        Ok(VersionsPage {
            entries,
            common_prefixes: page.common_prefixes,
            is_truncated: next_key_marker.is_some(),
            next_key_marker,
            next_version_id_marker,
        })
    }
}

/// A ListObjectVersions request to the backend.
fn versions_call<'a>(
    backend_prefix: &str,
    delimiter: Option<&str>,
    key_marker: Option<&str>,
    version_id_marker: Option<&str>,
    max_keys: usize,
) -> S3Call<'a> {
    S3Call::new(Method::GET, None)
        .query("versions", "")
        .query("encoding-type", "url")
        .query("max-keys", &max_keys.to_string())
        .query("prefix", backend_prefix)
        .optional_query("delimiter", delimiter)
        .optional_query("key-marker", key_marker)
        .optional_query("version-id-marker", version_id_marker)
}

/// Maps a backend page of versions into the client's key space.
///
/// Entries the client has already seen are dropped, whether or not the backend skipped
/// them (resuming after a common prefix skips everything under it), except the versions of
/// the marker key itself that follow `version-id-marker`.
fn client_versions(
    target: &BucketTarget,
    resume: &Resume,
    after_a_version: bool,
    backend: VersionsPage,
) -> VersionsPage {
    let marker_key = resume.point().filter(|_| after_a_version);
    let entries = backend
        .entries
        .into_iter()
        .filter_map(|mut entry| {
            entry.key = target.keys.to_client(&entry.key)?;
            let seen = resume.covers(&entry.key) && marker_key != Some(entry.key.as_str());
            (!seen).then_some(entry)
        })
        .collect();
    let next_key_marker = backend
        .next_key_marker
        .filter(|_| backend.is_truncated)
        .and_then(|key| target.keys.to_client(&key));
    VersionsPage {
        entries,
        common_prefixes: unseen_prefixes(target, resume, &backend.common_prefixes),
        is_truncated: next_key_marker.is_some(),
        next_version_id_marker: next_key_marker.as_ref().and(backend.next_version_id_marker),
        next_key_marker,
    }
}
