//! Session tokens: `TokenKey` must refuse any string that it did not seal (never panic),
//! open what it sealed with the same access key id and only that, and refuse a sealed
//! token with any one character changed.
#![no_main]

use arbitrary::Arbitrary;
use chrono::{DateTime, Duration, TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use multistore::SecretString;
use multistore::config::{AccessScope, Action, TemporaryCredentials};
use multistore_sts::{MAX_SESSION_TOKEN_LEN, TokenKey};

#[derive(Debug, Arbitrary)]
struct Input {
    token: String,
    access_key_id: String,
    sealed: Option<Sealed>,
}

/// Credentials to seal, and what to try on the token.
#[derive(Debug, Arbitrary)]
struct Sealed {
    /// Seal with the previous key rather than the current one.
    previous_key: bool,
    access_key_id: String,
    secret: String,
    expires_in: i32,
    scopes: Vec<(String, Vec<String>, Vec<u8>)>,
    role: String,
    subject: String,
    /// Which character of the token to change, and what to.
    tamper: (u16, u8),
}

const CURRENT: [u8; 32] = [1; 32];
const PREVIOUS: [u8; 32] = [2; 32];

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

fn check_sealed(keys: &TokenKey, sealed: &Sealed) {
    let credentials = TemporaryCredentials {
        access_key_id: sealed.access_key_id.clone(),
        secret_access_key: SecretString::new(sealed.secret.as_str()),
        session_token: SecretString::default(),
        expiration: now() + Duration::seconds(sealed.expires_in.into()),
        allowed_scopes: sealed
            .scopes
            .iter()
            .map(|(bucket, prefixes, actions)| AccessScope {
                bucket: bucket.clone(),
                prefixes: prefixes.clone(),
                actions: actions
                    .iter()
                    .map(|&a| Action::ALL[usize::from(a) % Action::ALL.len()])
                    .collect(),
            })
            .collect(),
        assumed_role_id: sealed.role.clone(),
        source_identity: sealed.subject.clone(),
    };
    let sealer = if sealed.previous_key {
        TokenKey::new(&PREVIOUS)
    } else {
        TokenKey::new(&CURRENT)
    };
    let Ok(token) = sealer.seal(&credentials) else {
        return;
    };
    let token = token.expose();
    assert!(token.len() <= MAX_SESSION_TOKEN_LEN);

    match keys.unseal(token, &sealed.access_key_id, now()) {
        Ok(opened) => {
            assert!(sealed.expires_in > 0);
            assert_eq!(opened.access_key_id, credentials.access_key_id);
            assert_eq!(
                opened.secret_access_key.expose(),
                credentials.secret_access_key.expose()
            );
            assert_eq!(opened.session_token.expose(), token);
            assert_eq!(opened.expiration, credentials.expiration);
            assert_eq!(opened.allowed_scopes, credentials.allowed_scopes);
            assert_eq!(opened.assumed_role_id, credentials.assumed_role_id);
            assert_eq!(opened.source_identity, credentials.source_identity);
        }
        Err(_) => assert!(sealed.expires_in <= 0),
    }

    let other_id = format!("{}X", sealed.access_key_id);
    assert!(keys.unseal(token, &other_id, now()).is_err());

    let (position, replacement) = sealed.tamper;
    let mut tampered = token.as_bytes().to_vec();
    let index = usize::from(position) % tampered.len();
    tampered[index] = replacement;
    if tampered != token.as_bytes()
        && let Ok(tampered) = String::from_utf8(tampered)
    {
        assert!(
            keys.unseal(&tampered, &sealed.access_key_id, now())
                .is_err()
        );
    }
}

fuzz_target!(|input: Input| {
    let keys = TokenKey::new(&CURRENT).with_previous(&PREVIOUS).unwrap();
    assert!(
        keys.unseal(&input.token, &input.access_key_id, now())
            .is_err()
    );
    if let Some(sealed) = &input.sealed {
        check_sealed(&keys, sealed);
    }
});
