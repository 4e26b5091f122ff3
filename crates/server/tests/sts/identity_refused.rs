//! Web identity tokens the gateway must refuse: each gets the right STS error and no
//! credentials.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use multistore_sts::IssuerTransport;
use multistore_testkit::{Algorithm, IssuerOptions, IssuerScheme, KeyId, OidcIssuer, TokenSpec};

use crate::clients::assume;
use crate::harness::{ANALYSTS, AUDIENCE, Harness, KEY_1, Options, SUBJECT};
use multistore_sts::TokenKey;

const INVALID: (u16, &str) = (400, "InvalidIdentityToken");

#[tokio::test]
async fn a_token_from_an_untrusted_issuer_is_refused_before_any_fetch() {
    let (_harness, gateway) = Harness::start().await;
    let stranger = OidcIssuer::start().await.expect("issuer");
    let token = stranger.mint(&TokenSpec::new(SUBJECT, AUDIENCE));
    let answer = assume(gateway.address, ANALYSTS, &token).await;
    answer.assert_refused(INVALID.0, INVALID.1);
    assert_eq!(
        (stranger.discovery_requests(), stranger.jwks_requests()),
        (0, 0),
        "an untrusted issuer's keys are never fetched"
    );
}

#[tokio::test]
async fn a_token_claiming_a_trusted_issuer_but_signed_by_another_is_refused() {
    let (harness, gateway) = Harness::start().await;
    let forger = OidcIssuer::start().await.expect("issuer");
    let token =
        forger.mint(&TokenSpec::new(SUBJECT, AUDIENCE).with_issuer(harness.issuer.issuer()));
    assume(gateway.address, ANALYSTS, &token)
        .await
        .assert_refused(INVALID.0, INVALID.1);
}

#[tokio::test]
async fn a_wrong_audience_is_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_audiences(&["another-client", "api://x"]));
    let answer = assume(gateway.address, ANALYSTS, &token).await;
    answer.assert_refused(INVALID.0, INVALID.1);
    assert!(answer.body.contains("audience"), "{}", answer.body);
}

#[tokio::test]
async fn an_audience_list_containing_the_required_one_is_accepted() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_audiences(&["another-client", AUDIENCE]));
    assert_eq!(assume(gateway.address, ANALYSTS, &token).await.status, 200);
}

#[tokio::test]
async fn a_subject_outside_the_conditions_is_denied() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.issuer.mint(&TokenSpec::new(
        "repo:attacker/data:ref:refs/heads/main",
        AUDIENCE,
    ));
    assume(gateway.address, ANALYSTS, &token)
        .await
        .assert_refused(403, "AccessDenied");
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_expires_in(Some(-120)).with_issued_at_in(-600));
    let answer = assume(gateway.address, ANALYSTS, &token).await;
    answer.assert_refused(400, "ExpiredTokenException");
}

#[tokio::test]
async fn expiry_within_the_leeway_is_accepted() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_expires_in(Some(-30)).with_issued_at_in(-600));
    assert_eq!(assume(gateway.address, ANALYSTS, &token).await.status, 200);
}

#[tokio::test]
async fn a_token_not_yet_valid_is_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_not_before_in(600));
    assume(gateway.address, ANALYSTS, &token)
        .await
        .assert_refused(INVALID.0, INVALID.1);
}

#[tokio::test]
async fn a_token_issued_in_the_future_is_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_issued_at_in(600).with_expires_in(Some(900)));
    assume(gateway.address, ANALYSTS, &token)
        .await
        .assert_refused(INVALID.0, INVALID.1);
}

#[tokio::test]
async fn a_token_without_expiry_is_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_expires_in(None));
    let answer = assume(gateway.address, ANALYSTS, &token).await;
    answer.assert_refused(INVALID.0, INVALID.1);
    assert!(answer.body.contains("(exp)"), "{}", answer.body);
}

#[tokio::test]
async fn an_unsigned_token_is_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness
        .issuer
        .mint_unsigned(&TokenSpec::new(SUBJECT, AUDIENCE));
    let answer = assume(gateway.address, ANALYSTS, &token).await;
    answer.assert_refused(INVALID.0, INVALID.1);
    assert_eq!(
        harness.issuer.jwks_requests(),
        0,
        "refused before any fetch"
    );
}

#[tokio::test]
async fn hs256_signed_with_the_rsa_public_key_is_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_algorithm(Algorithm::HS256));
    let answer = assume(gateway.address, ANALYSTS, &token).await;
    answer.assert_refused(INVALID.0, INVALID.1);
    assert!(answer.body.contains("Symmetric"), "{}", answer.body);
}

#[tokio::test]
async fn an_algorithm_that_does_not_match_the_key_is_refused() {
    let (harness, gateway) = Harness::start().await;
    // Signed with the P-256 key, but naming the RSA key.
    let rsa_kid = harness.issuer.kid(Algorithm::RS256);
    let token = harness.token(|spec| {
        spec.with_algorithm(Algorithm::ES256)
            .with_kid(KeyId::Named(rsa_kid))
    });
    let answer = assume(gateway.address, ANALYSTS, &token).await;
    answer.assert_refused(INVALID.0, INVALID.1);
    assert!(
        answer.body.contains("does not match its key"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn an_unknown_kid_without_rotation_is_refused_after_one_refetch() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_kid(KeyId::Named("no-such-key".into())));
    assume(gateway.address, ANALYSTS, &token)
        .await
        .assert_refused(INVALID.0, INVALID.1);
    assert_eq!(
        harness.issuer.jwks_requests(),
        2,
        "fetched, then refetched once"
    );
    let another = harness.token(|spec| spec.with_kid(KeyId::Named("made-up-too".into())));
    assume(gateway.address, ANALYSTS, &another)
        .await
        .assert_refused(INVALID.0, INVALID.1);
    assert_eq!(
        harness.issuer.jwks_requests(),
        2,
        "refetches are rate-limited"
    );
}

#[tokio::test]
async fn a_tampered_signature_is_refused() {
    let (harness, gateway) = Harness::start().await;
    for algorithm in [Algorithm::RS256, Algorithm::ES256] {
        let token = harness.token(|spec| spec.with_algorithm(algorithm));
        let (signed, signature) = token.rsplit_once('.').expect("three parts");
        let mut raw = URL_SAFE_NO_PAD.decode(signature).expect("base64url");
        raw[5] ^= 0x40;
        let tampered = format!("{signed}.{}", URL_SAFE_NO_PAD.encode(raw));
        assume(gateway.address, ANALYSTS, &tampered)
            .await
            .assert_refused(INVALID.0, INVALID.1);
    }
}

#[tokio::test]
async fn tampered_claims_are_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec);
    let parts: Vec<&str> = token.split('.').collect();
    let claims =
        String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).expect("base64url")).expect("UTF-8");
    let widened = claims.replace("\"exp\":", "\"exp\":1");
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(widened),
        parts[2]
    );
    assume(gateway.address, ANALYSTS, &tampered)
        .await
        .assert_refused(INVALID.0, INVALID.1);
}

#[tokio::test]
async fn an_unknown_role_is_denied() {
    let (harness, gateway) = Harness::start().await;
    assume(gateway.address, "no-such-role", &harness.token(|spec| spec))
        .await
        .assert_refused(403, "AccessDenied");
}

#[tokio::test]
async fn a_plain_http_issuer_is_never_contacted() {
    let harness = Harness::with(Options {
        issuer: IssuerOptions {
            scheme: IssuerScheme::PlainHttp,
            ..IssuerOptions::default()
        },
        ..Options::default()
    })
    .await;
    let gateway = harness.gateway(TokenKey::new(&KEY_1)).await;
    let answer = assume(gateway.address, ANALYSTS, &harness.token(|spec| spec)).await;
    answer.assert_refused(400, "IDPCommunicationError");
    assert!(
        answer.body.contains("not served over HTTPS"),
        "{}",
        answer.body
    );
    assert_eq!(harness.issuer.discovery_requests(), 0);
}

#[tokio::test]
async fn jwks_over_plain_http_is_refused() {
    // The keys live on a plain-HTTP server; the trusted HTTPS issuer points at them.
    let plain = OidcIssuer::start_with(IssuerOptions {
        scheme: IssuerScheme::PlainHttp,
        ..IssuerOptions::default()
    })
    .await
    .expect("issuer");
    let harness = Harness::with(Options {
        issuer: IssuerOptions {
            jwks_uri: Some(plain.jwks_url()),
            ..IssuerOptions::default()
        },
        ..Options::default()
    })
    .await;
    let gateway = harness.gateway(TokenKey::new(&KEY_1)).await;
    let answer = assume(gateway.address, ANALYSTS, &harness.token(|spec| spec)).await;
    answer.assert_refused(400, "IDPCommunicationError");
    assert_eq!(harness.issuer.discovery_requests(), 1);
    assert_eq!(
        plain.jwks_requests(),
        0,
        "the plain-HTTP keys are never fetched"
    );
}

#[tokio::test]
async fn plain_http_issuers_work_when_explicitly_allowed() {
    let harness = Harness::with(Options {
        issuer: IssuerOptions {
            scheme: IssuerScheme::PlainHttp,
            ..IssuerOptions::default()
        },
        transport: IssuerTransport::AllowPlainHttp,
        ..Options::default()
    })
    .await;
    let gateway = harness.gateway(TokenKey::new(&KEY_1)).await;
    let answer = assume(gateway.address, ANALYSTS, &harness.token(|spec| spec)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn an_unreachable_issuer_is_an_idp_communication_error() {
    let harness = Harness::with(Options::default()).await;
    let gateway = harness.gateway(TokenKey::new(&KEY_1)).await;
    let token = harness.token(|spec| spec);
    let Harness { issuer, .. } = harness;
    drop(issuer);
    assume(gateway.address, ANALYSTS, &token)
        .await
        .assert_refused(400, "IDPCommunicationError");
}

#[tokio::test]
async fn malformed_requests_are_refused() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec);
    crate::clients::assume_with(
        gateway.address,
        ANALYSTS,
        &token,
        &[("DurationSeconds", "soon")],
    )
    .await
    .assert_refused(400, "InvalidParameterValue");
    assume(gateway.address, ANALYSTS, "not-a-jwt")
        .await
        .assert_refused(INVALID.0, INVALID.1);
}
