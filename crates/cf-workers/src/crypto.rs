//! [`RustCryptoProvider`]: `object_store`'s hashing and signing on pure-Rust crates, which
//! build for wasm32 (its own providers, `ring` and `aws-lc-rs`, need a C toolchain there).

use hmac::{Hmac, KeyInit, Mac};
use object_store::client::{
    CryptoProvider, DigestAlgorithm, DigestContext, HmacContext, Signer, SigningAlgorithm,
};
use sha2::{Digest, Sha256};

/// SHA-256 and HMAC-SHA256 for `object_store`'s cloud clients (Azure shared-key
/// signatures, request digests): pass it to the store builder's `with_crypto_provider`.
///
/// RSA signing (`RS256`, for GCS service-account tokens) is refused with `NotSupported`:
/// `object_store` caches those tokens by `std::time::Instant`, which panics on wasm32, so
/// they could not be used on a Worker anyway.
#[derive(Debug, Clone, Copy, Default)]
pub struct RustCryptoProvider;

impl CryptoProvider for RustCryptoProvider {
    fn digest(&self, algorithm: DigestAlgorithm) -> object_store::Result<Box<dyn DigestContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(Sha256Context {
                hasher: Sha256::new(),
                out: Vec::new(),
            })),
            other => Err(not_supported(&format!("digest {other:?}"))),
        }
    }

    fn hmac(
        &self,
        algorithm: DigestAlgorithm,
        secret: &[u8],
    ) -> object_store::Result<Box<dyn HmacContext>> {
        match algorithm {
            DigestAlgorithm::Sha256 => Ok(Box::new(HmacSha256Context {
                mac: <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
                    .map_err(|_| not_supported("an HMAC key of this length"))?,
                out: Vec::new(),
            })),
            other => Err(not_supported(&format!("HMAC {other:?}"))),
        }
    }

    fn sign(
        &self,
        algorithm: SigningAlgorithm,
        _pem: &[u8],
    ) -> object_store::Result<Box<dyn Signer>> {
        Err(not_supported(&format!("{algorithm:?} signatures")))
    }
}

fn not_supported(what: &str) -> object_store::Error {
    object_store::Error::NotSupported {
        source: format!("{what} on Cloudflare Workers").into(),
    }
}

struct Sha256Context {
    hasher: Sha256,
    out: Vec<u8>,
}

impl DigestContext for Sha256Context {
    fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        self.out = std::mem::take(&mut self.hasher).finalize().to_vec();
        Ok(&self.out)
    }
}

struct HmacSha256Context {
    mac: Hmac<Sha256>,
    out: Vec<u8>,
}

impl HmacContext for HmacSha256Context {
    fn update(&mut self, data: &[u8]) {
        self.mac.update(data);
    }

    fn finish(&mut self) -> object_store::Result<&[u8]> {
        self.out = self.mac.clone().finalize().into_bytes().to_vec();
        Ok(&self.out)
    }
}
