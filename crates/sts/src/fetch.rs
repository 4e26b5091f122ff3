//! Fetching identity-provider documents: the trait a runtime implements, and the rule for
//! which URLs may be fetched at all.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use multistore::{MaybeSend, MaybeSync};
use url::Url;

/// A boxed transport failure, kept as the source of a [`FetchError`].
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Whether identity-provider documents may travel over plain HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IssuerTransport {
    /// Only `https://` issuers and JWKS URLs are fetched (the default).
    #[default]
    HttpsOnly,
    /// `http://` is accepted too. Anyone on the network path can then forge tokens: use it
    /// only for a test issuer on loopback.
    AllowPlainHttp,
}

/// The bounds a fetch must respect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    /// The largest response body accepted, in bytes.
    pub max_bytes: usize,
    /// How long the whole exchange (connect, TLS, headers, body) may take.
    pub timeout: Duration,
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL's scheme is not allowed by the [`IssuerTransport`].
    #[error("refusing to fetch {0}: identity provider documents must be served over HTTPS")]
    InsecureUrl(String),
    /// The exchange took longer than [`FetchLimits::timeout`].
    #[error("timed out")]
    Timeout,
    /// The body was larger than [`FetchLimits::max_bytes`].
    #[error("response larger than {0} bytes")]
    TooLarge(usize),
    /// The server answered with a status other than 200.
    #[error("HTTP status {0}")]
    Status(u16),
    /// Connecting, TLS or HTTP failed.
    #[error("transport error: {0}")]
    Transport(#[source] BoxError),
}

/// GETs a document over HTTPS: what a runtime provides so that the crate can read OpenID
/// discovery documents and JWKS without an HTTP client of its own.
///
/// Implementations must honour `limits`, must not follow redirects, must treat any status
/// but 200 as a failure, and must refuse `http://` URLs unless they were configured with
/// [`IssuerTransport::AllowPlainHttp`] (the crate checks the scheme before calling too).
pub trait HttpsFetcher: MaybeSend + MaybeSync + 'static {
    /// The body of `GET url`.
    fn get(
        &self,
        url: &str,
        limits: FetchLimits,
    ) -> impl Future<Output = Result<Bytes, FetchError>> + MaybeSend;
}

impl<F: HttpsFetcher> HttpsFetcher for std::sync::Arc<F> {
    fn get(
        &self,
        url: &str,
        limits: FetchLimits,
    ) -> impl Future<Output = Result<Bytes, FetchError>> + MaybeSend {
        (**self).get(url, limits)
    }
}

impl IssuerTransport {
    /// Parses `url` and checks that it may be fetched: `https://` (or `http://` when
    /// allowed), a host, and no user name or password.
    pub fn check(self, url: &str) -> Result<Url, FetchError> {
        let insecure = || FetchError::InsecureUrl(url.to_owned());
        let parsed = Url::parse(url).map_err(|_| insecure())?;
        let scheme_allowed = match parsed.scheme() {
            "https" => true,
            "http" => self == Self::AllowPlainHttp,
            _ => false,
        };
        if !scheme_allowed
            || parsed.host_str().is_none_or(str::is_empty)
            || !parsed.username().is_empty()
            || parsed.password().is_some()
        {
            return Err(insecure());
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_only_refuses_http() {
        assert!(
            IssuerTransport::HttpsOnly
                .check("https://idp.example")
                .is_ok()
        );
        assert!(matches!(
            IssuerTransport::HttpsOnly.check("http://idp.example"),
            Err(FetchError::InsecureUrl(_))
        ));
        assert!(
            IssuerTransport::AllowPlainHttp
                .check("http://127.0.0.1:9")
                .is_ok()
        );
    }

    #[test]
    fn refuses_other_schemes_and_credentials() {
        for url in [
            "file:///etc/passwd",
            "ftp://idp.example",
            "https://user:pw@idp.example",
            "not a url",
        ] {
            assert!(IssuerTransport::AllowPlainHttp.check(url).is_err(), "{url}");
        }
    }
}
