//! ListObjectVersions, in the client's key space.
//!
//! The backend is asked for its versions under the bucket's backend prefix (a backend
//! that keeps none lists each object as its one `null` version, as S3 does for a bucket
//! whose versioning was never enabled), and the answer is mapped back as ListObjects maps
//! keys.

use http::StatusCode;

use super::dispatch::Dispatcher;
use super::listing::{Resume, unseen_prefixes};
use crate::ProxyError;
use crate::api::ListVersionsParams;
use crate::api::list_rewrite::{BackendListing, BackendMarker};
use crate::api::response::{VersionsPage, render_list_versions};
use crate::backend::ProxyBackend;
use crate::bucket::{BucketTarget, VersionsRequest};
use crate::registry::{BucketRegistry, DEFAULT_BUCKET_OWNER};
use crate::response::GatewayResponse;
use crate::route_handler::ProxyResponse;

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn list_versions(
        &self,
        target: &BucketTarget<B::Body>,
        params: &ListVersionsParams,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let resume = match &params.key_marker {
            Some(marker) => Resume::after_marker(marker, params.delimiter.as_deref()),
            None => Resume::Start,
        };
        let page = self.client_versions(target, params, &resume).await?;
        let document = render_list_versions(&target.name, params, &page, &DEFAULT_BUCKET_OWNER);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    /// The backend's versions, mapped into the client's key space.
    async fn client_versions(
        &self,
        target: &BucketTarget<B::Body>,
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
                let probe = VersionsRequest {
                    prefix: &backend_prefix,
                    delimiter: None,
                    key_marker: None,
                    version_id_marker: None,
                    max_keys: 1,
                };
                let found = target.backend.list_versions(probe).await?;
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
        let request = VersionsRequest {
            prefix: &backend_prefix,
            delimiter,
            key_marker: key_marker.as_deref(),
            version_id_marker,
            max_keys: params.max_keys,
        };
        let backend = target.backend.list_versions(request).await?;
        Ok(map_versions(
            target,
            resume,
            version_id_marker.is_some(),
            backend,
        ))
    }
}

/// Maps a backend page of versions into the client's key space.
///
/// Entries the client has already seen are dropped, whether or not the backend skipped
/// them (resuming after a common prefix skips everything under it), except the versions of
/// the marker key itself that follow `version-id-marker`.
fn map_versions<Body>(
    target: &BucketTarget<Body>,
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
