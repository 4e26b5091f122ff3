//! [`IssuerFetcher`]: how `multistore-sts` reaches identity providers from the server.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, CONTENT_LENGTH, USER_AGENT};
use http::{HeaderValue, Request, StatusCode};
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use multistore_sts::{FetchError, FetchLimits, HttpsFetcher, IssuerTransport};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};

/// How long establishing a connection to an identity provider may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Fetches OpenID discovery documents and JWKS over HTTPS.
///
/// TLS trusts the operating system's certificate store, and `SSL_CERT_FILE` /
/// `SSL_CERT_DIR` when set (so an identity provider behind a private CA works once its CA
/// is in the file). Plain `http://` is refused unless built with
/// [`IssuerTransport::AllowPlainHttp`]. Redirects are not followed, any status but 200 is a
/// failure, and the body and the whole exchange are bounded by the caller's limits.
#[derive(Debug, Clone)]
pub struct IssuerFetcher {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    transport: IssuerTransport,
}

impl IssuerFetcher {
    /// A fetcher trusting the system's certificate store.
    pub fn new(transport: IssuerTransport) -> std::io::Result<Self> {
        Self::with_extra_roots(transport, &[])
    }

    /// A fetcher trusting the system's certificate store and the PEM certificates in
    /// `extra_roots_pem` (a test CA, say).
    pub fn with_extra_roots(
        transport: IssuerTransport,
        extra_roots_pem: &[u8],
    ) -> std::io::Result<Self> {
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        for error in &native.errors {
            tracing::warn!(%error, "cannot read some trusted certificates");
        }
        roots.add_parsable_certificates(native.certs);
        for certificate in CertificateDer::pem_slice_iter(extra_roots_pem) {
            roots
                .add(certificate.map_err(std::io::Error::other)?)
                .map_err(std::io::Error::other)?;
        }
        if roots.is_empty() {
            tracing::warn!(
                "no trusted certificates found (set SSL_CERT_FILE?): OIDC issuers cannot be \
                 reached over HTTPS"
            );
        }
        let tls =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(std::io::Error::other)?
                .with_root_certificates(roots)
                .with_no_client_auth();

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        http.set_nodelay(true);
        let builder = HttpsConnectorBuilder::new().with_tls_config(tls);
        let https = match transport {
            IssuerTransport::HttpsOnly => builder.https_only(),
            IssuerTransport::AllowPlainHttp => builder.https_or_http(),
        }
        .enable_http1()
        .wrap_connector(http);
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(https),
            transport,
        })
    }

    async fn exchange(&self, url: &str, max_bytes: usize) -> Result<Bytes, FetchError> {
        self.transport.check(url)?;
        let request = Request::get(url)
            .header(ACCEPT, "application/json")
            .header(
                USER_AGENT,
                HeaderValue::from_static(multistore::proxy::DEFAULT_USER_AGENT),
            )
            .body(Empty::new())
            .map_err(|error| FetchError::Transport(error.into()))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|error| FetchError::Transport(error.into()))?;
        if response.status() != StatusCode::OK {
            return Err(FetchError::Status(response.status().as_u16()));
        }
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.parse::<u64>().ok());
        if declared.is_some_and(|length| length > max_bytes as u64) {
            return Err(FetchError::TooLarge(max_bytes));
        }
        let body = Limited::new(response.into_body(), max_bytes)
            .collect()
            .await
            .map_err(|error| {
                if error.is::<LengthLimitError>() {
                    FetchError::TooLarge(max_bytes)
                } else {
                    FetchError::Transport(error)
                }
            })?;
        Ok(body.to_bytes())
    }
}

impl HttpsFetcher for IssuerFetcher {
    async fn get(&self, url: &str, limits: FetchLimits) -> Result<Bytes, FetchError> {
        tokio::time::timeout(limits.timeout, self.exchange(url, limits.max_bytes))
            .await
            .map_err(|_| FetchError::Timeout)?
    }
}
