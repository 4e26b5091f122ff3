//! The session token's wire format (version 1).
//!
//! ```text
//! token     = base64url-nopad( version || key_id || nonce || ciphertext || tag )
//! version   = 0x01                              1 byte
//! key_id    = first 4 bytes of SHA-256("multistore-sts token key id" || 0x00 || key)
//! nonce     = 12 random bytes                   (AES-256-GCM, one per token)
//! plaintext = JSON of the TemporaryCredentials  (the session token itself omitted)
//! aad       = version || key_id || access_key_id
//! tag       = 16 bytes
//! ```
//!
//! Binding the access key id into the additional authenticated data means a token opens
//! only when presented with the access key id it was minted with; binding the version and
//! key id means neither can be swapped.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::StsError;

/// The format version this crate writes and reads.
const VERSION: u8 = 1;
/// Bytes of the key id.
pub(crate) const KEY_ID_LEN: usize = 4;
/// Bytes of the AES-GCM nonce.
pub(crate) const NONCE_LEN: usize = 12;
/// Bytes of the AES-GCM authentication tag.
const TAG_LEN: usize = 16;
/// Bytes before the ciphertext.
const HEADER_LEN: usize = 1 + KEY_ID_LEN + NONCE_LEN;

/// The longest session token minted or accepted, in characters (base64url, so also bytes).
///
/// AWS clients send the token in the `x-amz-security-token` header and presigned URLs put
/// it in the query string, where proxies commonly cap a URL at 8 KiB; 4096 characters
/// leaves room for the rest of the URL. Tokens longer than this are rejected unread.
pub const MAX_SESSION_TOKEN_LEN: usize = 4096;

/// The largest serialized credentials that fit in [`MAX_SESSION_TOKEN_LEN`]: 3039 bytes of
/// JSON. Fixed fields take about 250 bytes plus the role id and subject, and each scope
/// about 60 bytes plus its bucket, prefixes and actions (roughly 100 bytes for a bucket, one
/// prefix and three actions), so a role grants about 25 such scopes. Minting refuses
/// (`PackedPolicyTooLarge`) rather than produce a longer token.
pub const MAX_SEALED_PAYLOAD_LEN: usize = MAX_SESSION_TOKEN_LEN / 4 * 3 - HEADER_LEN - TAG_LEN;

/// A decoded token, not yet opened.
#[derive(Debug)]
pub(crate) struct SealedParts {
    /// Which key sealed it.
    pub(crate) key_id: [u8; KEY_ID_LEN],
    /// The AES-GCM nonce.
    pub(crate) nonce: [u8; NONCE_LEN],
    /// Ciphertext followed by the tag.
    pub(crate) ciphertext: Vec<u8>,
}

/// Writes a token.
pub(crate) fn encode(
    key_id: &[u8; KEY_ID_LEN],
    nonce: &[u8; NONCE_LEN],
    ciphertext: &[u8],
) -> String {
    let mut raw = Vec::with_capacity(HEADER_LEN + ciphertext.len());
    raw.push(VERSION);
    raw.extend_from_slice(key_id);
    raw.extend_from_slice(nonce);
    raw.extend_from_slice(ciphertext);
    URL_SAFE_NO_PAD.encode(raw)
}

/// Reads a token's layout; anything malformed is [`StsError::InvalidSessionToken`].
pub(crate) fn decode(token: &str) -> Result<SealedParts, StsError> {
    if token.len() > MAX_SESSION_TOKEN_LEN {
        return Err(StsError::InvalidSessionToken);
    }
    let raw = URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| StsError::InvalidSessionToken)?;
    if raw.len() < HEADER_LEN + TAG_LEN || raw[0] != VERSION {
        return Err(StsError::InvalidSessionToken);
    }
    let mut key_id = [0; KEY_ID_LEN];
    key_id.copy_from_slice(&raw[1..1 + KEY_ID_LEN]);
    let mut nonce = [0; NONCE_LEN];
    nonce.copy_from_slice(&raw[1 + KEY_ID_LEN..HEADER_LEN]);
    Ok(SealedParts {
        key_id,
        nonce,
        ciphertext: raw[HEADER_LEN..].to_vec(),
    })
}

/// The additional authenticated data of a token for `access_key_id`.
pub(crate) fn associated_data(key_id: &[u8; KEY_ID_LEN], access_key_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(1 + KEY_ID_LEN + access_key_id.len());
    aad.push(VERSION);
    aad.extend_from_slice(key_id);
    aad.extend_from_slice(access_key_id.as_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_is_consistent() {
        assert_eq!(MAX_SEALED_PAYLOAD_LEN, 3039);
        let longest = encode(&[0; 4], &[0; 12], &[0; MAX_SEALED_PAYLOAD_LEN + TAG_LEN]);
        assert_eq!(longest.len(), MAX_SESSION_TOKEN_LEN);
    }

    #[test]
    fn round_trips() {
        let token = encode(&[1, 2, 3, 4], &[7; 12], b"ciphertext-and-tag..");
        let parts = decode(&token).unwrap();
        assert_eq!(parts.key_id, [1, 2, 3, 4]);
        assert_eq!(parts.nonce, [7; 12]);
        assert_eq!(parts.ciphertext, b"ciphertext-and-tag..");
    }

    #[test]
    fn rejects_malformed_tokens() {
        let good = encode(&[1, 2, 3, 4], &[7; 12], &[0; 40]);
        for bad in [
            String::new(),
            "not base64!".to_owned(),
            good[..20].to_owned(),
            format!("{good}="),
            "A".repeat(MAX_SESSION_TOKEN_LEN + 4),
        ] {
            assert!(decode(&bad).is_err(), "{bad}");
        }
        let mut raw = URL_SAFE_NO_PAD.decode(&good).unwrap();
        raw[0] = 2;
        assert!(decode(&URL_SAFE_NO_PAD.encode(raw)).is_err());
    }
}
