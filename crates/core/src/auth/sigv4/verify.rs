//! Checking a request's signature claims against the clock and the signer's secret.

use chrono::{DateTime, Duration, Utc};

use super::canonical::{CanonicalRequest, UnsignableHeader, string_to_sign};
use super::chunked::ChunkSignatureVerifier;
use super::claims::{AuthLocation, SignatureClaims};
use super::signing_key::{SigningKey, SigningKeyCache};
use crate::api::RequestInfo;
use crate::{ProxyError, SecretString};

/// How far a request's time may be from the gateway's clock, as in S3.
pub const MAX_CLOCK_SKEW: Duration = Duration::minutes(15);

/// A request whose signature verified, with what chunk verification needs.
#[derive(Debug, Clone)]
pub struct VerifiedSignature {
    claims: SignatureClaims,
    signing_key: SigningKey,
}

impl VerifiedSignature {
    /// The verified claims.
    pub fn claims(&self) -> &SignatureClaims {
        &self.claims
    }

    /// A verifier for the body's chunk signatures, seeded with the request signature.
    pub fn chunk_verifier(&self) -> ChunkSignatureVerifier {
        ChunkSignatureVerifier::new(
            self.signing_key.clone(),
            self.claims.amz_date.clone(),
            self.claims.credential.scope(),
            self.claims.signature.clone(),
        )
    }
}

impl SignatureClaims {
    /// Checks everything that needs no secret: request time against `now`, the credential
    /// scope's date, service and region (`region` when the gateway is configured with
    /// one), and that every `x-amz-*` header present is signed.
    pub fn check(
        &self,
        info: &RequestInfo,
        now: DateTime<Utc>,
        region: Option<&str>,
    ) -> Result<(), ProxyError> {
        let scope_error = |message: String| match self.location {
            AuthLocation::Header => ProxyError::AuthorizationHeaderMalformed(message),
            AuthLocation::Query { .. } => ProxyError::AuthorizationQueryParametersError(message),
        };
        if self.credential.date != self.amz_date[..8] {
            return Err(scope_error(format!(
                "Invalid credential date \"{}\". This date is not the same as X-Amz-Date: \"{}\".",
                self.credential.date,
                &self.amz_date[..8]
            )));
        }
        if self.credential.service != "s3" {
            return Err(scope_error(format!(
                "The service \"{}\" is incorrect; expecting \"s3\".",
                self.credential.service
            )));
        }
        if let Some(expected) = region
            && self.credential.region != expected
        {
            return Err(scope_error(format!(
                "The region \"{}\" is wrong; expecting \"{expected}\".",
                self.credential.region
            )));
        }
        match self.location {
            AuthLocation::Header => {
                if (self.request_time - now).abs() > MAX_CLOCK_SKEW {
                    return Err(ProxyError::RequestTimeTooSkewed);
                }
            }
            AuthLocation::Query { expires_secs } => {
                if self.request_time - now > MAX_CLOCK_SKEW {
                    return Err(ProxyError::AccessDenied("Request is not valid yet".into()));
                }
                if now > self.request_time + Duration::seconds(expires_secs.into()) {
                    return Err(ProxyError::AccessDenied("Request has expired".into()));
                }
            }
        }
        let unsigned: Vec<&str> = info
            .headers
            .keys()
            .map(http::HeaderName::as_str)
            .filter(|name| name.starts_with("x-amz-"))
            .filter(|name| !self.signed_headers.iter().any(|signed| signed == name))
            .collect();
        if !unsigned.is_empty() {
            return Err(ProxyError::AccessDenied(format!(
                "There were headers present in the request which were not signed: {}",
                unsigned.join(", ")
            )));
        }
        Ok(())
    }

    /// Verifies the signature with the signer's `secret`, in constant time.
    pub fn verify(
        self,
        info: &RequestInfo,
        secret: &SecretString,
        cache: &SigningKeyCache,
    ) -> Result<VerifiedSignature, ProxyError> {
        let signed_headers: Vec<&str> = self.signed_headers.iter().map(String::as_str).collect();
        let canonical = CanonicalRequest {
            method: info.method.as_str(),
            path: &info.raw_path,
            raw_query: info.raw_query.as_deref().unwrap_or_default(),
            headers: &info.headers,
            signed_headers: &signed_headers,
            payload_hash: self.payload.as_header_value(),
        }
        .to_text()
        .map_err(|unsignable| {
            ProxyError::SignatureDoesNotMatch(match unsignable {
                UnsignableHeader::Missing(name) => {
                    format!("The signed header `{name}` is not present in the request.")
                }
                UnsignableHeader::NotUtf8(name) => {
                    format!("The signed header `{name}` has a value that is not UTF-8.")
                }
            })
        })?;
        let scope = self.credential.scope();
        let signing_key = cache.get(
            secret,
            &self.credential.date,
            &self.credential.region,
            &self.credential.service,
        );
        if !signing_key.verify(
            &string_to_sign(&self.amz_date, &scope, &canonical),
            &self.signature,
        ) {
            return Err(ProxyError::SignatureDoesNotMatch(
                "The request signature we calculated does not match the signature you provided. \
                 Check your key and signing method."
                    .into(),
            ));
        }
        Ok(VerifiedSignature {
            claims: self,
            signing_key,
        })
    }
}
