//! The issuer's signing keys: one RSA, one P-256 and one P-384 key, each replaceable.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use getrandom::SysRng;
use jsonwebtoken::{Algorithm, EncodingKey};
use p256::elliptic_curve::Generate;
use p256::pkcs8::EncodePrivateKey;
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// The RSA modulus size of generated keys.
const RSA_BITS: usize = 2048;

/// The kinds of key the issuer holds, one of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyFamily {
    Rsa,
    P256,
    P384,
}

impl KeyFamily {
    /// The key that signs with `algorithm` (HMAC algorithms use the RSA key's public half as
    /// their secret: the algorithm-confusion attack).
    pub(crate) fn of(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::ES256 => Self::P256,
            Algorithm::ES384 => Self::P384,
            _ => Self::Rsa,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Rsa => "rsa",
            Self::P256 => "p256",
            Self::P384 => "p384",
        }
    }
}

/// One signing key and its published form.
pub(crate) struct SigningKey {
    pub(crate) kid: String,
    pub(crate) encoding: EncodingKey,
    pub(crate) jwk: Value,
    /// The RSA public key, PKCS#1 DER (empty for EC keys).
    pub(crate) public_der: Vec<u8>,
}

impl SigningKey {
    pub(crate) fn generate(family: KeyFamily, serial: u32) -> Self {
        let kid = format!("{}-{serial}", family.name());
        let b64 = |bytes: &[u8]| URL_SAFE_NO_PAD.encode(bytes);
        match family {
            KeyFamily::Rsa => {
                let key = rsa::PrivateKey::new(&mut SysRng, RSA_BITS).expect("RSA key generation");
                let public = key.to_public_key();
                Self {
                    jwk: json!({
                        "kty": "RSA", "use": "sig", "kid": kid,
                        "n": b64(&public.n_bytes()), "e": b64(&public.e_bytes()),
                    }),
                    encoding: EncodingKey::from_rsa_der(
                        key.to_pkcs1_der().expect("PKCS#1").as_bytes(),
                    ),
                    public_der: public.to_pkcs1_der().expect("PKCS#1").as_bytes().to_vec(),
                    kid,
                }
            }
            KeyFamily::P256 => {
                let key = p256::SecretKey::try_generate_from_rng(&mut SysRng).expect("randomness");
                let point = p256::elliptic_curve::sec1::ToSec1Point::to_sec1_point(
                    &key.public_key(),
                    false,
                );
                Self {
                    jwk: json!({
                        "kty": "EC", "use": "sig", "alg": "ES256", "crv": "P-256", "kid": kid,
                        "x": b64(point.x().expect("x")), "y": b64(point.y().expect("y")),
                    }),
                    encoding: EncodingKey::from_ec_der(
                        key.to_pkcs8_der().expect("PKCS#8").as_bytes(),
                    ),
                    public_der: Vec::new(),
                    kid,
                }
            }
            KeyFamily::P384 => {
                let key = p384::SecretKey::try_generate_from_rng(&mut SysRng).expect("randomness");
                let point = p384::elliptic_curve::sec1::ToSec1Point::to_sec1_point(
                    &key.public_key(),
                    false,
                );
                Self {
                    jwk: json!({
                        "kty": "EC", "use": "sig", "alg": "ES384", "crv": "P-384", "kid": kid,
                        "x": b64(point.x().expect("x")), "y": b64(point.y().expect("y")),
                    }),
                    encoding: EncodingKey::from_ec_der(
                        key.to_pkcs8_der().expect("PKCS#8").as_bytes(),
                    ),
                    public_der: Vec::new(),
                    kid,
                }
            }
        }
    }
}

/// The issuer's current keys.
pub(crate) struct KeyRing {
    rsa: SigningKey,
    p256: SigningKey,
    p384: SigningKey,
}

impl KeyRing {
    pub(crate) fn generate() -> Self {
        Self {
            rsa: SigningKey::generate(KeyFamily::Rsa, 1),
            p256: SigningKey::generate(KeyFamily::P256, 1),
            p384: SigningKey::generate(KeyFamily::P384, 1),
        }
    }

    pub(crate) fn key(&self, family: KeyFamily) -> &SigningKey {
        match family {
            KeyFamily::Rsa => &self.rsa,
            KeyFamily::P256 => &self.p256,
            KeyFamily::P384 => &self.p384,
        }
    }

    /// Replaces the key of `family` with `key`; the old one is no longer published.
    pub(crate) fn replace(&mut self, family: KeyFamily, key: SigningKey) {
        match family {
            KeyFamily::Rsa => self.rsa = key,
            KeyFamily::P256 => self.p256 = key,
            KeyFamily::P384 => self.p384 = key,
        }
    }

    /// The JWKS document.
    pub(crate) fn jwks(&self) -> Value {
        json!({ "keys": [self.rsa.jwk, self.p256.jwk, self.p384.jwk] })
    }
}
