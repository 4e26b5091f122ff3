//! Identifiers and secrets the service makes up: access key ids, secret keys, request ids.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use multistore::SecretString;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::StsError;

/// The RFC 4648 base32 alphabet, which AWS access key ids use.
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `N` bytes from the operating system's (or the JavaScript host's) secure generator.
pub(crate) fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>, StsError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut())
        .map_err(|error| StsError::Internal(format!("no randomness: {error}")))?;
    Ok(bytes)
}

/// A temporary access key id: `ASIA` and 16 base32 characters (80 random bits), shaped
/// like AWS's.
pub(crate) fn access_key_id() -> Result<String, StsError> {
    Ok(format!("ASIA{}", base32(&*random_bytes::<10>()?)))
}

/// A temporary secret access key: 40 characters of base64 (240 random bits), as AWS's.
pub(crate) fn secret_access_key() -> Result<SecretString, StsError> {
    Ok(SecretString::new(STANDARD.encode(*random_bytes::<30>()?)))
}

/// A request id in the UUID shape AWS uses.
pub(crate) fn request_id() -> String {
    let bytes = random_bytes::<16>().map(|b| *b).unwrap_or_default();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The stable id of a role, shaped like AWS's (`AROA` and 17 base32 characters).
pub(crate) fn role_unique_id(role_id: &str) -> String {
    let digest = Sha256::digest(role_id.as_bytes());
    let mut id = base32(&digest[..15]);
    id.truncate(17);
    format!("AROA{id}")
}

/// Base32 without padding; `bytes.len()` should be a multiple of 5.
fn base32(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 8 / 5);
    for chunk in bytes.chunks(5) {
        let mut buffer = [0u8; 5];
        buffer[..chunk.len()].copy_from_slice(chunk);
        let bits = buffer
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        for i in (0..8).rev() {
            text.push(char::from(BASE32[((bits >> (i * 5)) & 31) as usize]));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc_4648() {
        assert_eq!(base32(b"fooba"), "MZXW6YTB");
        assert_eq!(base32(b"\0\0\0\0\0"), "AAAAAAAA");
    }

    #[test]
    fn access_keys_look_like_aws_temporary_keys() {
        let id = access_key_id().unwrap();
        assert_eq!(id.len(), 20);
        assert!(id.starts_with("ASIA"));
        assert!(id.bytes().all(|b| BASE32.contains(&b)));
        assert_ne!(id, access_key_id().unwrap());
        assert_eq!(secret_access_key().unwrap().expose().len(), 40);
    }

    #[test]
    fn request_ids_are_uuid_shaped() {
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(id.matches('-').count(), 4);
    }

    #[test]
    fn role_ids_are_stable() {
        assert_eq!(role_unique_id("analysts"), role_unique_id("analysts"));
        assert_ne!(role_unique_id("analysts"), role_unique_id("admins"));
        assert_eq!(role_unique_id("analysts").len(), 21);
    }
}
