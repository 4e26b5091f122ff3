//! SigV4 signing keys: derivation, caching, and signature computation.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Mutex;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::canonical::Hex32;
use subtle::ConstantTimeEq;

use crate::SecretString;

type HmacSha256 = Hmac<Sha256>;

/// A derived SigV4 signing key (valid for one date, region and service).
#[derive(Clone)]
pub struct SigningKey([u8; 32]);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

impl SigningKey {
    /// Derives `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    pub fn derive(secret: &SecretString, date: &str, region: &str, service: &str) -> Self {
        let k_secret = format!("AWS4{}", secret.expose());
        let k_date = hmac(k_secret.as_bytes(), date.as_bytes());
        let k_region = hmac(&k_date, region.as_bytes());
        let k_service = hmac(&k_region, service.as_bytes());
        Self(hmac(&k_service, b"aws4_request"))
    }

    /// The lower-case hex signature of `string_to_sign`.
    pub fn sign(&self, string_to_sign: &str) -> String {
        self.signature(string_to_sign).as_str().to_owned()
    }

    /// Whether `signature` (hex, as sent) is the signature of `string_to_sign`, compared in
    /// constant time.
    pub fn verify(&self, string_to_sign: &str, signature: &str) -> bool {
        let expected = self.signature(string_to_sign);
        expected
            .as_str()
            .as_bytes()
            .ct_eq(signature.as_bytes())
            .into()
    }

    fn signature(&self, string_to_sign: &str) -> Hex32 {
        Hex32::new(&hmac(&self.0, string_to_sign.as_bytes()))
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Derived signing keys by (secret, date, region, service), so verifying a request costs
/// one HMAC chain per key per day rather than per request.
#[derive(Debug, Default)]
pub struct SigningKeyCache {
    keys: Mutex<HashMap<CacheKey, SigningKey>>,
}

/// Entries kept before the cache is emptied; keys roll over daily, so this bounds memory
/// rather than tracking recency.
const MAX_CACHED_KEYS: usize = 4096;

/// The cache's key: date, region, service and secret in one string (one allocation per
/// lookup rather than four), each of the first three preceded by its length so that no two
/// tuples spell the same key. It is zeroized on drop, like the secret it holds.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CacheKey(SecretString);

impl CacheKey {
    fn new(secret: &SecretString, date: &str, region: &str, service: &str) -> Self {
        let lengths = date.len() + region.len() + service.len() + secret.expose().len();
        let mut key = String::with_capacity(16 + lengths);
        for part in [date, region, service] {
            let _ = write!(key, "{}:{part}", part.len());
        }
        key.push_str(secret.expose());
        Self(SecretString::new(key))
    }
}

impl SigningKeyCache {
    /// The signing key for these inputs, derived once and then reused.
    pub fn get(
        &self,
        secret: &SecretString,
        date: &str,
        region: &str,
        service: &str,
    ) -> SigningKey {
        let key = CacheKey::new(secret, date, region, service);
        let mut keys = self.keys.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = keys.get(&key) {
            return found.clone();
        }
        if keys.len() >= MAX_CACHED_KEYS {
            keys.clear();
        }
        let derived = SigningKey::derive(secret, date, region, service);
        keys.insert(key, derived.clone());
        derived
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The derivation example from the AWS SigV4 documentation.
    #[test]
    fn derives_the_documented_key() {
        let key = SigningKey::derive(
            &SecretString::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            "20120215",
            "us-east-1",
            "iam",
        );
        assert_eq!(
            hex::encode(key.0),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn cache_returns_the_same_key() {
        let cache = SigningKeyCache::default();
        let secret = SecretString::new("s");
        let a = cache.get(&secret, "20240101", "us-east-1", "s3");
        let b = cache.get(&secret, "20240101", "us-east-1", "s3");
        assert_eq!(a.0, b.0);
        let other = cache.get(&SecretString::new("t"), "20240101", "us-east-1", "s3");
        assert_ne!(a.0, other.0);
        // Parts that concatenate alike are still different keys.
        for (region, service) in [("us-east-1s", "3"), ("us-east-", "1s3")] {
            let shifted = cache.get(&secret, "20240101", region, service);
            let expected = SigningKey::derive(&secret, "20240101", region, service);
            assert_eq!(shifted.0, expected.0, "{region} {service}");
            assert_ne!(shifted.0, a.0);
        }
    }

    #[test]
    fn verify_rejects_any_difference() {
        let key = SigningKey::derive(&SecretString::new("s"), "20240101", "r", "s3");
        let sig = key.sign("text");
        assert!(key.verify("text", &sig));
        assert!(!key.verify("text", &sig[..63]));
        assert!(!key.verify("texT", &sig));
    }
}
