//! The outbound HTTP client: pooled connections, TLS with the system's roots, timeouts.

use std::time::Duration;

use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::body::ServerBody;

/// How long outbound requests may take at each stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Establishing a TCP (and TLS) connection.
    pub connect: Duration,
    /// From sending a request until the response headers arrive.
    pub response: Duration,
    /// Between two chunks of a response body.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            response: Duration::from_secs(120),
            idle: Duration::from_secs(60),
        }
    }
}

/// The pooled HTTP(S) client backends are reached with.
pub(crate) type HttpClient = Client<HttpsConnector<HttpConnector>, ServerBody>;

/// Builds the client. TLS trusts the operating system's certificate store (and
/// `SSL_CERT_FILE`); plain HTTP is allowed for backends on private networks.
///
/// The crypto provider is named rather than taken from the process default: a process
/// that also links rustls with `aws-lc-rs` (the `azure` and `gcp` features do, through
/// `object_store`) has no unambiguous default, and rustls would panic.
pub(crate) fn http_client(timeouts: Timeouts) -> std::io::Result<HttpClient> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(timeouts.connect));
    // Small requests and responses must not wait for Nagle's algorithm.
    http.set_nodelay(true);
    http.set_keepalive(Some(Duration::from_secs(60)));
    let https = HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(rustls::crypto::ring::default_provider())?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
    Ok(Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(256)
        .build(https))
}
