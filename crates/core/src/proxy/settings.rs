//! The gateway's settings, read by every request.

use std::sync::Arc;

use http::HeaderValue;

use crate::auth::sigv4::SigningKeyCache;
use crate::backend::connect::BackendConnector;

/// Settings every request reads.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) virtual_host_domain: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) max_request_body_size: Option<u64>,
    pub(crate) user_agent: HeaderValue,
    pub(crate) server_timing: bool,
    pub(crate) signing_keys: Arc<SigningKeyCache>,
    pub(crate) backends: Arc<BackendConnector>,
}
