//! JSON Web Keys: the public keys an identity provider publishes, and verifying a token
//! with the one it names.

use jsonwebtoken::DecodingKey;
use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use serde::Deserialize;

use super::algorithm::{KeyType, SigningAlgorithm};
use super::compact::CompactJws;
use crate::StsError;

/// The smallest RSA modulus accepted, in bytes (2048 bits).
const MIN_RSA_MODULUS_BYTES: usize = 256;

/// A usable public key from a JWKS.
#[derive(Clone)]
pub(crate) struct VerificationKey {
    /// `kid`.
    pub(crate) kid: Option<String>,
    /// What kind of key it is.
    pub(crate) key_type: KeyType,
    /// `alg`, when the provider pinned the key to one algorithm.
    alg: Option<String>,
    key: DecodingKey,
}

impl std::fmt::Debug for VerificationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationKey")
            .field("kid", &self.kid)
            .field("key_type", &self.key_type)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

/// A JWKS document; keys are read one by one so that one odd key does not hide the rest.
#[derive(Deserialize)]
struct JwkSetDocument {
    keys: Vec<serde_json::Value>,
}

/// The JWK members this crate reads.
#[derive(Deserialize)]
struct RawJwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    usage: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    y: Option<String>,
}

/// Reads the signature keys of a JWKS document. Keys this crate cannot use (symmetric,
/// encryption-only, other curves, RSA under 2048 bits, malformed) are skipped.
pub(crate) fn parse_jwks(document: &[u8]) -> Result<Vec<VerificationKey>, StsError> {
    let set: JwkSetDocument = serde_json::from_slice(document)
        .map_err(|_| StsError::idp("The identity provider's JWKS is not a JSON Web Key Set."))?;
    Ok(set
        .keys
        .into_iter()
        .filter_map(|value| serde_json::from_value::<RawJwk>(value).ok())
        .filter_map(VerificationKey::from_raw)
        .collect())
}

impl VerificationKey {
    fn from_raw(raw: RawJwk) -> Option<Self> {
        if raw.usage.as_deref().is_some_and(|usage| usage != "sig") {
            return None;
        }
        let (key_type, key) = match raw.kty.as_str() {
            "RSA" => {
                let modulus = decode(raw.n.as_deref()?)?;
                let significant = modulus.iter().skip_while(|&&b| b == 0).count();
                if significant < MIN_RSA_MODULUS_BYTES {
                    return None;
                }
                let exponent = decode(raw.e.as_deref()?)?;
                (
                    KeyType::Rsa,
                    DecodingKey::from_rsa_raw_components(&modulus, &exponent),
                )
            }
            "EC" => {
                let (key_type, coordinate_len) = match raw.crv.as_deref()? {
                    "P-256" => (KeyType::EcP256, 32),
                    "P-384" => (KeyType::EcP384, 48),
                    _ => return None,
                };
                let (x, y) = (raw.x.as_deref()?, raw.y.as_deref()?);
                if decode(x)?.len() != coordinate_len || decode(y)?.len() != coordinate_len {
                    return None;
                }
                (key_type, DecodingKey::from_ec_components(x, y).ok()?)
            }
            _ => return None,
        };
        Some(Self {
            kid: raw.kid,
            key_type,
            alg: raw.alg,
            key,
        })
    }

    /// Whether this key may verify a signature made with `algorithm`: the key type must
    /// match, and so must the key's `alg` when it has one.
    pub(crate) fn accepts(&self, algorithm: SigningAlgorithm) -> bool {
        self.key_type == algorithm.key_type()
            && self
                .alg
                .as_deref()
                .is_none_or(|alg| alg == algorithm.as_str())
    }

    /// Whether `jws`'s signature verifies with this key.
    pub(crate) fn verifies(&self, jws: &CompactJws<'_>) -> bool {
        if !self.accepts(jws.algorithm) {
            return false;
        }
        // The RustCrypto provider is named explicitly rather than taken from the
        // process-wide default, which another crate's features could change.
        match (DEFAULT_PROVIDER.verifier_factory)(&jws.algorithm.jsonwebtoken(), &self.key) {
            Ok(verifier) => verifier
                .verify(jws.signing_input.as_bytes(), &jws.signature)
                .is_ok(),
            Err(_) => false,
        }
    }
}

fn decode(value: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .ok()
        .filter(|bytes| !bytes.is_empty())
}

/// The outcome of looking for the key a token names.
#[derive(Debug)]
pub(crate) enum KeyMatch<'k> {
    /// Keys that may verify the token (one, unless the token names no `kid`).
    Found(Vec<&'k VerificationKey>),
    /// The named key exists but is of another type or pinned to another algorithm.
    WrongType,
    /// No such key: the provider may have rotated its keys.
    Unknown,
}

/// The keys of `keys` that may verify a token with `kid` and `algorithm`.
pub(crate) fn select<'k>(
    keys: &'k [VerificationKey],
    kid: Option<&str>,
    algorithm: SigningAlgorithm,
) -> KeyMatch<'k> {
    let named: Vec<&VerificationKey> = keys
        .iter()
        .filter(|key| kid.is_none() || key.kid.as_deref() == kid)
        .collect();
    let usable: Vec<&VerificationKey> = named
        .iter()
        .copied()
        .filter(|key| key.accepts(algorithm))
        .collect();
    match (usable.is_empty(), named.is_empty() || kid.is_none()) {
        (false, _) => KeyMatch::Found(usable),
        (true, false) => KeyMatch::WrongType,
        (true, true) => KeyMatch::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256_X: &str = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
    const P256_Y: &str = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

    fn jwks(keys: &str) -> Vec<VerificationKey> {
        parse_jwks(format!(r#"{{"keys":[{keys}]}}"#).as_bytes()).unwrap()
    }

    fn ec_key(kid: &str, extra: &str) -> String {
        format!(
            r#"{{"kty":"EC","crv":"P-256","kid":"{kid}","x":"{P256_X}","y":"{P256_Y}"{extra}}}"#
        )
    }

    #[test]
    fn reads_ec_keys_and_skips_unusable_ones() {
        let short_rsa = r#"{"kty":"RSA","kid":"small","n":"AQAB","e":"AQAB"}"#;
        let oct = r#"{"kty":"oct","kid":"hmac","k":"c2VjcmV0"}"#;
        let encryption = ec_key("enc", r#","use":"enc""#);
        let keys = jwks(&format!(
            "{},{short_rsa},{oct},{encryption},{{\"kty\":\"OKP\"}},42",
            ec_key("ec1", "")
        ));
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("ec1"));
        assert_eq!(keys[0].key_type, KeyType::EcP256);
    }

    #[test]
    fn a_document_that_is_not_a_jwks_is_an_idp_error() {
        assert!(matches!(
            parse_jwks(b"<html>"),
            Err(StsError::IdpCommunication { .. })
        ));
    }

    #[test]
    fn selects_by_kid_and_type() {
        let keys = jwks(&format!(
            "{},{}",
            ec_key("a", ""),
            ec_key("pinned", r#","alg":"ES384""#)
        ));
        assert!(matches!(
            select(&keys, Some("a"), SigningAlgorithm::Es256),
            KeyMatch::Found(found) if found.len() == 1
        ));
        assert!(matches!(
            select(&keys, Some("a"), SigningAlgorithm::Rs256),
            KeyMatch::WrongType
        ));
        assert!(matches!(
            select(&keys, Some("pinned"), SigningAlgorithm::Es256),
            KeyMatch::WrongType
        ));
        assert!(matches!(
            select(&keys, Some("b"), SigningAlgorithm::Es256),
            KeyMatch::Unknown
        ));
        assert!(matches!(
            select(&keys, None, SigningAlgorithm::Es256),
            KeyMatch::Found(found) if found.len() == 1
        ));
        assert!(matches!(
            select(&keys, None, SigningAlgorithm::Rs256),
            KeyMatch::Unknown
        ));
    }
}
