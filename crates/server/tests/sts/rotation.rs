//! Key rotation on both sides: the identity provider's signing keys, and the gateway's
//! session token keys.

use multistore_sts::TokenKey;
use multistore_testkit::Algorithm;

use crate::clients::{Minted, assume, signed_get};
use crate::harness::{ANALYSTS, DATA, Gateway, Harness, KEY_1, KEY_2};

async fn lists(gateway: &Gateway, credentials: &Minted) -> (u16, Option<String>) {
    let answer = signed_get(gateway.address, &format!("/{DATA}"), &credentials.signing()).await;
    (answer.status, answer.code().map(str::to_owned))
}

#[tokio::test]
async fn a_new_kid_at_the_issuer_causes_one_refetch_and_works() {
    for algorithm in [Algorithm::RS256, Algorithm::ES384] {
        let (harness, gateway) = Harness::start().await;
        let old_kid = harness.issuer.kid(algorithm);
        assert_eq!(
            assume(
                gateway.address,
                ANALYSTS,
                &harness.token(|spec| spec.with_algorithm(algorithm))
            )
            .await
            .status,
            200
        );
        let new_kid = harness.issuer.rotate(algorithm).await;
        assert_ne!(old_kid, new_kid);
        let answer = assume(
            gateway.address,
            ANALYSTS,
            &harness.token(|spec| spec.with_algorithm(algorithm)),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(
            harness.issuer.jwks_requests(),
            2,
            "one refetch for the new kid"
        );
        // Tokens of the new key are served from the cache now.
        assert_eq!(
            assume(
                gateway.address,
                ANALYSTS,
                &harness.token(|spec| spec.with_algorithm(algorithm))
            )
            .await
            .status,
            200
        );
        assert_eq!(harness.issuer.jwks_requests(), 2);
    }
}

#[tokio::test]
async fn session_tokens_survive_adding_a_new_current_key_until_the_old_is_removed() {
    let (harness, first) = Harness::start().await;
    let old = assume(first.address, ANALYSTS, &harness.token(|spec| spec))
        .await
        .credentials();

    // Rotate: the new key is current, the old one still opens tokens.
    let rotated = harness
        .gateway(
            TokenKey::new(&KEY_2)
                .with_previous(&KEY_1)
                .expect("two keys"),
        )
        .await;
    assert_eq!(lists(&rotated, &old).await, (200, None));
    let new = assume(rotated.address, ANALYSTS, &harness.token(|spec| spec))
        .await
        .credentials();
    assert_eq!(lists(&rotated, &new).await, (200, None));
    assert_eq!(
        lists(&first, &new).await,
        (400, Some("InvalidToken".into())),
        "new tokens are sealed with the new key"
    );

    // Remove the old key: its tokens are refused, the new ones still work.
    let retired = harness.gateway(TokenKey::new(&KEY_2)).await;
    assert_eq!(
        lists(&retired, &old).await,
        (400, Some("InvalidToken".into()))
    );
    assert_eq!(lists(&retired, &new).await, (200, None));
}
