//! ListObjects (V1) and ListObjectsV2: one backend page per client page, in the client's
//! key space.
//!
//! Pages resume from a point in the client's key space: V1's `marker`, V2's `start-after`,
//! or the gateway's continuation token, which is the last key or common prefix of the
//! previous page (never a backend key, so backend prefixes stay hidden). Resuming after a
//! common prefix skips everything under it, whether or not the backend does.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::StatusCode;

use super::dispatch::Dispatcher;
use crate::ProxyError;
use crate::api::list_rewrite::{BackendListing, BackendMarker};
use crate::api::response::{ListPage, ObjectEntry, render_list_objects};
use crate::api::{ListObjectsParams, ListVersion};
use crate::backend::{BackendListRequest, BackendPage, ProxyBackend};
use crate::bucket::BucketTarget;
use crate::registry::{BucketRegistry, DEFAULT_BUCKET_OWNER};
use crate::response::GatewayResponse;
use crate::route_handler::ProxyResponse;

/// Where a listing page starts, in the client's key space.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Resume {
    /// From the first key.
    #[default]
    Start,
    /// After this key.
    AfterKey(String),
    /// After this common prefix and everything under it.
    AfterPrefix(String),
}

impl Resume {
    fn of(params: &ListObjectsParams) -> Result<Self, ProxyError> {
        match &params.version {
            ListVersion::V1 {
                marker: Some(marker),
            } => Ok(Self::after_marker(marker, params.delimiter.as_deref())),
            ListVersion::V1 { marker: None } => Ok(Self::Start),
            ListVersion::V2 {
                continuation_token: Some(token),
                ..
            } => decode_token(token),
            ListVersion::V2 {
                start_after: Some(key),
                ..
            } => Ok(Self::AfterKey(key.clone())),
            ListVersion::V2 { .. } => Ok(Self::Start),
        }
    }

    /// After a marker that names a key, or a common prefix when it ends with the
    /// delimiter (the `NextMarker` of a page that ended on one).
    pub(crate) fn after_marker(marker: &str, delimiter: Option<&str>) -> Self {
        match delimiter {
            Some(d) if marker.ends_with(d) => Self::AfterPrefix(marker.to_owned()),
            _ => Self::AfterKey(marker.to_owned()),
        }
    }

    pub(crate) fn point(&self) -> Option<&str> {
        match self {
            Self::Start => None,
            Self::AfterKey(key) | Self::AfterPrefix(key) => Some(key),
        }
    }

    /// Whether a client entry lies at or before this point.
    pub(crate) fn covers(&self, entry: &str) -> bool {
        match self {
            Self::Start => false,
            Self::AfterKey(key) => entry <= key.as_str(),
            Self::AfterPrefix(prefix) => {
                entry <= prefix.as_str() || entry.starts_with(prefix.as_str())
            }
        }
    }
}

/// A continuation token: the page's last entry, tagged key or prefix, base64url.
fn encode_token(last: &Resume) -> String {
    let text = match last {
        Resume::Start => String::new(),
        Resume::AfterKey(key) => format!("k:{key}"),
        Resume::AfterPrefix(prefix) => format!("p:{prefix}"),
    };
    URL_SAFE_NO_PAD.encode(text)
}

fn decode_token(token: &str) -> Result<Resume, ProxyError> {
    let invalid =
        || ProxyError::InvalidArgument("The continuation token provided is incorrect".into());
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    match text.split_at_checked(2) {
        Some(("k:", key)) => Ok(Resume::AfterKey(key.to_owned())),
        Some(("p:", prefix)) => Ok(Resume::AfterPrefix(prefix.to_owned())),
        _ => Err(invalid()),
    }
}

/// A listing page in the client's key space.
#[derive(Debug, Default)]
pub(crate) struct ClientPage {
    /// The objects, client keys.
    pub(crate) objects: Vec<ObjectEntry>,
    /// The common prefixes, client keys.
    pub(crate) common_prefixes: Vec<String>,
    /// Whether more entries follow.
    pub(crate) is_truncated: bool,
    /// Where the next page resumes.
    pub(crate) last: Resume,
}

impl<B: ProxyBackend, R: BucketRegistry> Dispatcher<'_, B, R> {
    pub(crate) async fn list_objects(
        &self,
        target: &BucketTarget<B::Body>,
        params: &ListObjectsParams,
    ) -> Result<GatewayResponse<B::Body>, ProxyError> {
        let resume = Resume::of(params)?;
        let delimiter = params.delimiter.as_deref();
        let page = self
            .client_listing(target, &params.prefix, delimiter, params.max_keys, &resume)
            .await?;
        let next_marker_or_token = match &params.version {
            _ if !page.is_truncated => None,
            ListVersion::V1 { .. } => delimiter.and(page.last.point()).map(str::to_owned),
            ListVersion::V2 { .. } => Some(encode_token(&page.last)),
        };
        let page = ListPage {
            objects: page.objects,
            common_prefixes: page.common_prefixes,
            is_truncated: page.is_truncated,
            next_marker_or_token,
        };
        let document = render_list_objects(&target.name, params, &page, &DEFAULT_BUCKET_OWNER);
        Ok(GatewayResponse::Response(ProxyResponse::xml(
            StatusCode::OK,
            document,
        )))
    }

    /// One page of the client's keys under `prefix`, from `resume` on.
    pub(crate) async fn client_listing(
        &self,
        target: &BucketTarget<B::Body>,
        prefix: &str,
        delimiter: Option<&str>,
        max_keys: usize,
        resume: &Resume,
    ) -> Result<ClientPage, ProxyError> {
        match target.keys.listing(prefix, delimiter) {
            BackendListing::Nothing => Ok(ClientPage::default()),
            BackendListing::Collapsed {
                common_prefix,
                backend_prefix,
            } => {
                let probe = BackendListRequest {
                    prefix: backend_prefix,
                    delimiter: None,
                    start_after: None,
                    max_keys: 1,
                };
                let found = target.backend.list(&probe).await?;
                let visible = !found.objects.is_empty() && !resume.covers(&common_prefix);
                Ok(ClientPage {
                    common_prefixes: if visible && max_keys > 0 {
                        vec![common_prefix]
                    } else {
                        vec![]
                    },
                    ..ClientPage::default()
                })
            }
            BackendListing::Prefix(backend_prefix) => {
                let start_after = match resume.point().map(|point| target.keys.marker(point)) {
                    None | Some(BackendMarker::Start) => None,
                    Some(BackendMarker::After(key)) => Some(key),
                    Some(BackendMarker::PastEnd) => return Ok(ClientPage::default()),
                };
                let request = BackendListRequest {
                    prefix: backend_prefix,
                    delimiter: delimiter.map(str::to_owned),
                    start_after,
                    max_keys,
                };
                let backend = target.backend.list(&request).await?;
                Ok(client_page(target, resume, backend))
            }
        }
    }
}

/// Maps a backend page into the client's key space and works out where the next page
/// starts.
fn client_page<Body>(
    target: &BucketTarget<Body>,
    resume: &Resume,
    backend: BackendPage,
) -> ClientPage {
    // The next page resumes after the backend page's last entry, even if it was filtered
    // out here, so that every page makes progress.
    let last_object = backend
        .objects
        .last()
        .and_then(|o| target.keys.to_client(&o.key));
    let last_prefix = backend
        .common_prefixes
        .last()
        .and_then(|p| target.keys.to_client(p));
    let last = match (last_object, last_prefix) {
        (Some(key), Some(prefix)) if prefix > key => Resume::AfterPrefix(prefix),
        (Some(key), _) => Resume::AfterKey(key),
        (None, Some(prefix)) => Resume::AfterPrefix(prefix),
        (None, None) => Resume::Start,
    };
    let objects = backend
        .objects
        .into_iter()
        .filter_map(|mut object| {
            object.key = target.keys.to_client(&object.key)?;
            (!resume.covers(&object.key)).then_some(object)
        })
        .collect();
    ClientPage {
        objects,
        common_prefixes: unseen_prefixes(target, resume, &backend.common_prefixes),
        is_truncated: backend.is_truncated && last != Resume::Start,
        last,
    }
}

/// The backend's common prefixes as client prefixes, without those the client has seen.
pub(crate) fn unseen_prefixes<Body>(
    target: &BucketTarget<Body>,
    resume: &Resume,
    backend_prefixes: &[String],
) -> Vec<String> {
    backend_prefixes
        .iter()
        .filter_map(|prefix| target.keys.to_client(prefix))
        .filter(|prefix| !resume.covers(prefix))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_keys_and_prefixes() {
        for resume in [
            Resume::AfterKey("a b/ü+%".into()),
            Resume::AfterPrefix("photos/2024/".into()),
        ] {
            assert_eq!(decode_token(&encode_token(&resume)).unwrap(), resume);
        }
        for bad in ["", "!!", &URL_SAFE_NO_PAD.encode("x:y")] {
            assert_eq!(decode_token(bad).unwrap_err().s3_code(), "InvalidArgument");
        }
    }

    #[test]
    fn resuming_after_a_prefix_skips_what_is_under_it() {
        let resume = Resume::AfterPrefix("photos/2024/".into());
        assert!(resume.covers("photos/2024/"));
        assert!(resume.covers("photos/2024/z.jpg"));
        assert!(resume.covers("photos/2023/"));
        assert!(!resume.covers("photos/2025/"));
        let resume = Resume::AfterKey("m".into());
        assert!(resume.covers("m") && !resume.covers("m0"));
    }
}
