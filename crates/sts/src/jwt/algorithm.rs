//! The signature algorithms accepted on web identity tokens, and the key each needs.

use jsonwebtoken::Algorithm;

use crate::StsError;

/// An accepted JWS algorithm. `none` and the HMAC family are refused outright: a public
/// key must never double as a shared secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    Rs256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    Rs384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    Rs512,
    /// RSASSA-PSS with SHA-256.
    Ps256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
}

/// The kind of public key an algorithm verifies with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyType {
    /// An RSA key (`kty: RSA`).
    Rsa,
    /// An EC key on P-256 (`kty: EC`, `crv: P-256`).
    EcP256,
    /// An EC key on P-384 (`kty: EC`, `crv: P-384`).
    EcP384,
}

impl SigningAlgorithm {
    /// The algorithm a token header names.
    pub(crate) fn from_header(alg: &str) -> Result<Self, StsError> {
        Ok(match alg {
            "RS256" => Self::Rs256,
            "RS384" => Self::Rs384,
            "RS512" => Self::Rs512,
            "PS256" => Self::Ps256,
            "ES256" => Self::Es256,
            "ES384" => Self::Es384,
            "none" | "None" | "NONE" => {
                return Err(StsError::InvalidIdentityToken(
                    "Unsigned tokens (alg none) are not accepted.".into(),
                ));
            }
            hmac if hmac.starts_with("HS") => {
                return Err(StsError::InvalidIdentityToken(format!(
                    "Symmetric signatures ({hmac}) are not accepted."
                )));
            }
            _ => {
                return Err(StsError::InvalidIdentityToken(
                    "The token's signature algorithm is not supported.".into(),
                ));
            }
        })
    }

    /// The name used in JOSE headers and JWKs.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Rs384 => "RS384",
            Self::Rs512 => "RS512",
            Self::Ps256 => "PS256",
            Self::Es256 => "ES256",
            Self::Es384 => "ES384",
        }
    }

    /// The key type this algorithm verifies with.
    pub(crate) fn key_type(self) -> KeyType {
        match self {
            Self::Rs256 | Self::Rs384 | Self::Rs512 | Self::Ps256 => KeyType::Rsa,
            Self::Es256 => KeyType::EcP256,
            Self::Es384 => KeyType::EcP384,
        }
    }

    /// The same algorithm in `jsonwebtoken`'s terms.
    pub(crate) fn jsonwebtoken(self) -> Algorithm {
        match self {
            Self::Rs256 => Algorithm::RS256,
            Self::Rs384 => Algorithm::RS384,
            Self::Rs512 => Algorithm::RS512,
            Self::Ps256 => Algorithm::PS256,
            Self::Es256 => Algorithm::ES256,
            Self::Es384 => Algorithm::ES384,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_asymmetric_algorithms() {
        for name in ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"] {
            assert_eq!(SigningAlgorithm::from_header(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn refuses_none_hmac_and_unknown() {
        for name in [
            "none", "HS256", "HS384", "HS512", "EdDSA", "PS384", "rs256", "",
        ] {
            assert!(
                matches!(
                    SigningAlgorithm::from_header(name),
                    Err(StsError::InvalidIdentityToken(_))
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn key_types_follow_the_algorithm() {
        assert_eq!(SigningAlgorithm::Ps256.key_type(), KeyType::Rsa);
        assert_eq!(SigningAlgorithm::Es256.key_type(), KeyType::EcP256);
        assert_eq!(SigningAlgorithm::Es384.key_type(), KeyType::EcP384);
    }
}
