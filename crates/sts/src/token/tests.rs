use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{Duration, TimeZone, Utc};
use multistore::SecretString;
use multistore::config::{AccessScope, Action, TemporaryCredentials};

use super::*;

const AKID: &str = "ASIAQWERTYUIOPASDFGH";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
}

fn credentials(scopes: usize) -> TemporaryCredentials {
    TemporaryCredentials {
        access_key_id: AKID.into(),
        secret_access_key: SecretString::new("s3cr3t/with+base64=chars"),
        session_token: SecretString::default(),
        expiration: now() + Duration::hours(1),
        allowed_scopes: (0..scopes)
            .map(|i| AccessScope {
                bucket: format!("bucket-{i}"),
                prefixes: vec![format!("users/alice-{i}/")],
                actions: vec![Action::GetObject, Action::ListBucket, Action::PutObject],
            })
            .collect(),
        assumed_role_id: "analysts".into(),
        source_identity: "repo:example/data:ref:refs/heads/main".into(),
    }
}

fn key(byte: u8) -> [u8; 32] {
    [byte; 32]
}

#[test]
fn round_trips_every_field() {
    let tokens = TokenKey::new(&key(1));
    let sealed = credentials(3);
    let token = tokens.seal(&sealed).unwrap();
    let opened = tokens.unseal(token.expose(), AKID, now()).unwrap();
    assert_eq!(opened.session_token, token);
    assert_eq!(
        TemporaryCredentials {
            session_token: SecretString::default(),
            ..opened
        },
        sealed
    );
}

#[test]
fn each_token_is_fresh() {
    let tokens = TokenKey::new(&key(1));
    let a = tokens.seal(&credentials(1)).unwrap();
    let b = tokens.seal(&credentials(1)).unwrap();
    assert_ne!(a, b, "a fresh nonce per token");
}

#[test]
fn is_bound_to_its_access_key_id() {
    let tokens = TokenKey::new(&key(1));
    let token = tokens.seal(&credentials(1)).unwrap();
    let error = tokens
        .unseal(token.expose(), "ASIAANOTHERKEYID0000", now())
        .unwrap_err();
    assert!(matches!(error, StsError::InvalidSessionToken));
}

#[test]
fn any_flipped_bit_is_rejected() {
    let tokens = TokenKey::new(&key(1));
    let token = tokens.seal(&credentials(1)).unwrap();
    let raw = URL_SAFE_NO_PAD.decode(token.expose()).unwrap();
    // Version, key id, nonce, ciphertext and tag.
    for at in [
        0,
        1,
        4,
        5,
        16,
        17,
        raw.len() / 2,
        raw.len() - 17,
        raw.len() - 1,
    ] {
        let mut tampered = raw.clone();
        tampered[at] ^= 0x01;
        let error = tokens
            .unseal(&URL_SAFE_NO_PAD.encode(&tampered), AKID, now())
            .unwrap_err();
        assert!(matches!(error, StsError::InvalidSessionToken), "byte {at}");
    }
}

#[test]
fn truncated_tokens_are_rejected() {
    let tokens = TokenKey::new(&key(1));
    let token = tokens.seal(&credentials(1)).unwrap();
    let token = token.expose();
    for len in [0, 1, 10, 23, token.len() / 2, token.len() - 1] {
        assert!(
            tokens.unseal(&token[..len], AKID, now()).is_err(),
            "{len} chars"
        );
    }
}

#[test]
fn a_foreign_key_cannot_open() {
    let ours = TokenKey::new(&key(1));
    let theirs = TokenKey::new(&key(2));
    let token = theirs.seal(&credentials(1)).unwrap();
    assert!(matches!(
        ours.unseal(token.expose(), AKID, now()),
        Err(StsError::InvalidSessionToken)
    ));
}

#[test]
fn expired_tokens_are_rejected() {
    let tokens = TokenKey::new(&key(1));
    let token = tokens.seal(&credentials(1)).unwrap();
    let later = now() + Duration::hours(1);
    assert!(matches!(
        tokens.unseal(token.expose(), AKID, later),
        Err(StsError::ExpiredSessionToken)
    ));
    assert!(
        tokens
            .unseal(token.expose(), AKID, later - Duration::seconds(1))
            .is_ok()
    );
}

#[test]
fn rotation_keeps_old_tokens_until_their_key_is_dropped() {
    let old = TokenKey::new(&key(1));
    let old_token = old.seal(&credentials(1)).unwrap();

    let rotated = TokenKey::new(&key(2)).with_previous(&key(1)).unwrap();
    assert!(rotated.unseal(old_token.expose(), AKID, now()).is_ok());
    let new_token = rotated.seal(&credentials(1)).unwrap();
    assert!(
        old.unseal(new_token.expose(), AKID, now()).is_err(),
        "new tokens use the new key"
    );

    let dropped = TokenKey::new(&key(2));
    assert!(matches!(
        dropped.unseal(old_token.expose(), AKID, now()),
        Err(StsError::InvalidSessionToken)
    ));
    assert!(dropped.unseal(new_token.expose(), AKID, now()).is_ok());
}

#[test]
fn reads_a_key_list() {
    let list = format!("{}, {}", STANDARD.encode(key(2)), STANDARD.encode(key(1)));
    let tokens = TokenKey::from_base64_list(&list).unwrap();
    assert_eq!(tokens.key_ids().len(), 2);
    let old_token = TokenKey::new(&key(1)).seal(&credentials(1)).unwrap();
    assert!(tokens.unseal(old_token.expose(), AKID, now()).is_ok());
    let token = tokens.seal(&credentials(1)).unwrap();
    assert!(
        TokenKey::new(&key(2))
            .unseal(token.expose(), AKID, now())
            .is_ok(),
        "the first key is current"
    );
}

#[test]
fn malformed_key_lists_are_explained_without_the_key() {
    let good = STANDARD.encode(key(1));
    let short = STANDARD.encode([9u8; 16]);
    for (list, expected) in [
        ("", "the key is empty"),
        ("not base64!", "the key is not valid base64"),
        (
            short.as_str(),
            "the key decodes to 16 bytes; a key is 32 bytes",
        ),
        (&format!("{good},"), "key 2 of 2 is empty"),
        (&format!("{good},{good}"), "the same key is listed twice"),
    ] {
        let error = TokenKey::from_base64_list(list).unwrap_err().to_string();
        assert!(error.contains(expected), "{list:?}: {error}");
        assert!(!error.contains(&short) && !error.contains(&good));
    }
}

#[test]
fn debug_shows_ids_only() {
    let shown = format!("{:?}", TokenKey::new(&key(7)));
    assert!(shown.starts_with("TokenKey { key_ids: ["), "{shown}");
    assert!(!shown.contains("0707"));
}

#[test]
fn the_size_bound_refuses_to_mint() {
    let tokens = TokenKey::new(&key(1));
    let mut largest = 0;
    for scopes in 0..100 {
        match tokens.seal(&credentials(scopes)) {
            Ok(token) => {
                assert!(token.expose().len() <= MAX_SESSION_TOKEN_LEN);
                largest = scopes;
            }
            Err(StsError::PackedPolicyTooLarge(_)) => break,
            Err(other) => panic!("{other}"),
        }
    }
    assert!(
        (20..40).contains(&largest),
        "{largest} scopes of ~100 bytes fit"
    );
    assert!(matches!(
        tokens.seal(&credentials(largest + 1)),
        Err(StsError::PackedPolicyTooLarge(_))
    ));
}
