//! OpenID Connect discovery: from an issuer to its keys.

use serde::Deserialize;

use super::JwksSettings;
use crate::StsError;
use crate::fetch::{FetchError, FetchLimits, HttpsFetcher, IssuerTransport};
use crate::jwt::{VerificationKey, parse_jwks};

/// The path of the discovery document under the issuer (OpenID Connect Discovery §4).
const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// The discovery document members this crate reads.
#[derive(Deserialize)]
struct DiscoveryDocument {
    issuer: String,
    jwks_uri: String,
}

/// The discovery document's URL for `issuer`.
pub(crate) fn discovery_url(issuer: &str) -> String {
    format!("{}{DISCOVERY_PATH}", issuer.trim_end_matches('/'))
}

/// Fetches `issuer`'s discovery document, then the JWKS it points to.
///
/// Both URLs must pass `transport`; the document's `issuer` must equal `issuer` exactly.
pub(crate) async fn fetch_issuer_keys<F: HttpsFetcher>(
    fetcher: &F,
    issuer: &str,
    transport: IssuerTransport,
    settings: &JwksSettings,
) -> Result<Vec<VerificationKey>, StsError> {
    let limits = FetchLimits {
        max_bytes: settings.max_document_bytes,
        timeout: settings.fetch_timeout,
    };
    let url = discovery_url(issuer);
    let document = get(fetcher, &url, transport, limits, "discovery document").await?;
    let document: DiscoveryDocument = serde_json::from_slice(&document)
        .map_err(|_| StsError::idp("The identity provider's discovery document is not valid."))?;
    if document.issuer != issuer {
        return Err(StsError::idp(
            "The identity provider's discovery document names another issuer.",
        ));
    }
    let jwks = get(fetcher, &document.jwks_uri, transport, limits, "keys").await?;
    parse_jwks(&jwks)
}

async fn get<F: HttpsFetcher>(
    fetcher: &F,
    url: &str,
    transport: IssuerTransport,
    limits: FetchLimits,
    what: &str,
) -> Result<bytes::Bytes, StsError> {
    let fetched = match transport.check(url) {
        Ok(_) => fetcher.get(url, limits).await,
        Err(refused) => Err(refused),
    };
    fetched.map_err(|error| {
        let reason = match &error {
            FetchError::InsecureUrl(_) => "it is not served over HTTPS".to_owned(),
            FetchError::Transport(_) => "the connection failed".to_owned(),
            other => other.to_string(),
        };
        tracing::warn!(%url, %error, "cannot fetch identity provider {what}");
        StsError::IdpCommunication {
            message: format!(
                "Couldn't retrieve verification key from your identity provider: the {what} \
                 could not be fetched ({reason})."
            ),
            source: Some(error),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_lives_under_the_issuer() {
        assert_eq!(
            discovery_url("https://idp.example/tenant/"),
            "https://idp.example/tenant/.well-known/openid-configuration"
        );
        assert_eq!(
            discovery_url("https://token.actions.githubusercontent.com"),
            "https://token.actions.githubusercontent.com/.well-known/openid-configuration"
        );
    }
}
