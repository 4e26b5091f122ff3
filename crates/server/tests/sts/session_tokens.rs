//! Session tokens presented to S3: tampered, truncated, foreign, expired or moved to
//! another access key id, each refused with the right S3 error; and the authorization the
//! minted credentials carry.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{Duration, Utc};
use multistore::SecretString;
use multistore::config::TemporaryCredentials;
use multistore_sts::TokenKey;
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};

use crate::clients::{Minted, assume, s3, signed_get};
use crate::harness::{ADMINS, ANALYSTS, DATA, Gateway, HOME, Harness, KEY_1, KEY_2, RESTRICTED};

/// A gateway and credentials minted through it.
async fn minted() -> (Harness, Gateway, Minted) {
    let (harness, gateway) = Harness::start().await;
    let credentials = assume(gateway.address, ANALYSTS, &harness.token(|spec| spec))
        .await
        .credentials();
    (harness, gateway, credentials)
}

/// GET /data/ (a listing) with `credentials`; the S3 status and error code.
async fn list(gateway: &Gateway, credentials: &Minted) -> (u16, Option<String>) {
    let answer = signed_get(gateway.address, &format!("/{DATA}"), &credentials.signing()).await;
    (answer.status, answer.code().map(str::to_owned))
}

fn refused(code: &str) -> (u16, Option<String>) {
    (400, Some(code.to_owned()))
}

#[tokio::test]
async fn the_minted_token_is_accepted() {
    let (_harness, gateway, credentials) = minted().await;
    assert_eq!(list(&gateway, &credentials).await, (200, None));
}

#[tokio::test]
async fn a_tampered_session_token_is_refused() {
    let (_harness, gateway, mut credentials) = minted().await;
    let mut raw = URL_SAFE_NO_PAD
        .decode(&credentials.session_token)
        .expect("base64url");
    let middle = raw.len() / 2;
    raw[middle] ^= 0x01;
    credentials.session_token = URL_SAFE_NO_PAD.encode(raw);
    assert_eq!(list(&gateway, &credentials).await, refused("InvalidToken"));
}

#[tokio::test]
async fn a_truncated_session_token_is_refused() {
    let (_harness, gateway, mut credentials) = minted().await;
    credentials
        .session_token
        .truncate(credentials.session_token.len() - 4);
    assert_eq!(list(&gateway, &credentials).await, refused("InvalidToken"));
}

#[tokio::test]
async fn a_session_token_sealed_with_a_foreign_key_is_refused() {
    let (_harness, gateway, mut credentials) = minted().await;
    let foreign = TokenKey::new(&[9; 32]);
    credentials.session_token = foreign
        .seal(&TemporaryCredentials {
            access_key_id: credentials.access_key_id.clone(),
            secret_access_key: SecretString::new(credentials.secret_access_key.clone()),
            session_token: SecretString::default(),
            expiration: Utc::now() + Duration::hours(1),
            allowed_scopes: vec![],
            assumed_role_id: ADMINS.into(),
            source_identity: "forged".into(),
        })
        .expect("seal")
        .expose()
        .to_owned();
    assert_eq!(list(&gateway, &credentials).await, refused("InvalidToken"));
}

#[tokio::test]
async fn an_expired_session_token_is_refused() {
    let (_harness, gateway, _) = minted().await;
    // Sealed with the gateway's own key, but already past its expiry.
    let expired = TemporaryCredentials {
        access_key_id: "ASIAEXPIREDEXPIRED00".into(),
        secret_access_key: SecretString::new("expired-secret"),
        session_token: SecretString::default(),
        expiration: Utc::now() - Duration::seconds(1),
        allowed_scopes: vec![],
        assumed_role_id: ANALYSTS.into(),
        source_identity: "someone".into(),
    };
    let token = TokenKey::new(&KEY_1).seal(&expired).expect("seal");
    let credentials = Minted {
        access_key_id: expired.access_key_id.clone(),
        secret_access_key: "expired-secret".into(),
        session_token: token.expose().to_owned(),
        expiration: String::new(),
    };
    assert_eq!(list(&gateway, &credentials).await, refused("ExpiredToken"));
}

#[tokio::test]
async fn a_session_token_presented_with_another_access_key_id_is_refused() {
    let (harness, gateway, first) = minted().await;
    let second = assume(gateway.address, ANALYSTS, &harness.token(|spec| spec))
        .await
        .credentials();
    // The second session's token with the first session's key pair.
    let swapped = Minted {
        session_token: second.session_token.clone(),
        ..first.clone()
    };
    assert_eq!(list(&gateway, &swapped).await, refused("InvalidToken"));
    // And a made-up access key id signed with the right secret.
    let renamed = Minted {
        access_key_id: "ASIAAAAAAAAAAAAAAAAA".into(),
        ..first
    };
    assert_eq!(list(&gateway, &renamed).await, refused("InvalidToken"));
}

#[tokio::test]
async fn a_role_not_in_a_buckets_allowed_roles_is_denied() {
    let (harness, gateway, analysts) = minted().await;
    // The analysts' scopes cover the bucket, but the bucket admits admins only.
    let answer = signed_get(
        gateway.address,
        &format!("/{RESTRICTED}"),
        &analysts.signing(),
    )
    .await;
    assert_eq!((answer.status, answer.code()), (403, Some("AccessDenied")));
    let read = s3(gateway.address, RESTRICTED, &analysts)
        .get(&Path::from("anything"))
        .await;
    assert!(read.is_err());

    let token = harness
        .issuer
        .mint(&multistore_testkit::TokenSpec::new("admin", "x"));
    let admins = assume(gateway.address, ADMINS, &token).await.credentials();
    let answer = signed_get(
        gateway.address,
        &format!("/{RESTRICTED}"),
        &admins.signing(),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn a_crafted_claim_cannot_escape_its_folder() {
    let (harness, gateway) = Harness::start().await;
    for crafted in [
        "..",
        "../bob",
        "alice/../bob",
        "*",
        "al*",
        "{user}",
        "alice/",
    ] {
        let token = harness.token(|spec| spec.with_claim("user", crafted));
        let credentials = assume(gateway.address, ANALYSTS, &token)
            .await
            .credentials();
        let store = s3(gateway.address, HOME, &credentials);
        for key in ["users/bob/x", "users/alice/x", "x"] {
            let put = store
                .put(&Path::from(key), PutPayload::from_static(b"x"))
                .await;
            assert!(put.is_err(), "{crafted:?} wrote {key}");
        }
        let answer = signed_get(gateway.address, &format!("/{HOME}"), &credentials.signing()).await;
        assert_eq!(
            (answer.status, answer.code()),
            (403, Some("AccessDenied")),
            "{crafted:?}"
        );
    }
}

#[tokio::test]
async fn a_second_gateway_with_the_same_key_accepts_the_token() {
    let (harness, gateway, credentials) = minted().await;
    drop(gateway);
    let other = harness.gateway(TokenKey::new(&KEY_1)).await;
    assert_eq!(list(&other, &credentials).await, (200, None));
    let stranger = harness.gateway(TokenKey::new(&KEY_2)).await;
    assert_eq!(list(&stranger, &credentials).await, refused("InvalidToken"));
}
