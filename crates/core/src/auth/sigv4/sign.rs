//! Signing outbound requests with SigV4 headers.

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use super::canonical::{
    CanonicalRequest, amz_date, credential_scope, push_signed_headers, string_to_sign,
};
use super::signing_key::SigningKeyCache;
use crate::{ProxyError, SecretString};

/// Headers never signed, as the AWS SDKs do: proxies and HTTP stacks may change them.
const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// The key pair (and optional session token) a request is signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningCredentials {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: SecretString,
    /// Session token of temporary credentials.
    pub session_token: Option<SecretString>,
}

/// What to sign: a request about to be sent.
#[derive(Debug)]
pub struct OutboundRequest<'a> {
    /// HTTP method.
    pub method: &'a Method,
    /// The path exactly as it will be sent (already encoded).
    pub path: &'a str,
    /// The query exactly as it will be sent, without `?`.
    pub raw_query: &'a str,
    /// Headers to send; must include `host`. Signing adds `x-amz-date`,
    /// `x-amz-content-sha256`, `x-amz-security-token` and `authorization`.
    pub headers: &'a mut HeaderMap,
    /// The payload hash line: hex SHA-256, `UNSIGNED-PAYLOAD`, or a streaming sentinel.
    pub payload_hash: &'a str,
}

impl OutboundRequest<'_> {
    /// Signs the request for `region` and `service` at time `now`.
    pub fn sign(
        self,
        credentials: &SigningCredentials,
        region: &str,
        service: &str,
        now: DateTime<Utc>,
        cache: &SigningKeyCache,
    ) -> Result<(), ProxyError> {
        let amz_date = amz_date(&now);
        let date = &amz_date[..8];
        let header = |value: &str| {
            HeaderValue::from_str(value)
                .map_err(|_| ProxyError::Internal("unsignable header value".into()))
        };
        // Static names: a `&str` key would be copied into a new name on every request.
        self.headers
            .insert(HeaderName::from_static("x-amz-date"), header(&amz_date)?);
        self.headers.insert(
            HeaderName::from_static("x-amz-content-sha256"),
            header(self.payload_hash)?,
        );
        if let Some(token) = &credentials.session_token {
            self.headers.insert(
                HeaderName::from_static("x-amz-security-token"),
                header(token.expose())?,
            );
        }
        self.headers.remove(http::header::AUTHORIZATION);

        let mut signed: Vec<&str> = self
            .headers
            .keys()
            .map(http::HeaderName::as_str)
            .filter(|name| !UNSIGNED_HEADERS.contains(name))
            .collect();
        signed.sort_unstable();
        signed.dedup();
        let canonical = CanonicalRequest {
            method: self.method.as_str(),
            path: self.path,
            raw_query: self.raw_query,
            headers: self.headers,
            signed_headers: &signed,
            payload_hash: self.payload_hash,
        }
        .to_text()
        .map_err(|_| ProxyError::Internal("signed header vanished".into()))?;
        let scope = credential_scope(date, region, service);
        let signature = cache
            .get(&credentials.secret_access_key, date, region, service)
            .sign(&string_to_sign(&amz_date, &scope, &canonical));
        let mut authorization = String::with_capacity(256);
        for part in [
            "AWS4-HMAC-SHA256 Credential=",
            &credentials.access_key_id,
            "/",
            &scope,
            ", SignedHeaders=",
        ] {
            authorization.push_str(part);
        }
        push_signed_headers(&mut authorization, &signed);
        authorization.push_str(", Signature=");
        authorization.push_str(&signature);
        let authorization = header(&authorization)?;
        self.headers
            .insert(http::header::AUTHORIZATION, authorization);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
