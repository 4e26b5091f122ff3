//! Minting credentials through the gateway's STS route and using them for S3 at once.

use chrono::{DateTime, Utc};
use http::Method;
use multistore_testkit::Algorithm;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::clients::{Minted, assume, assume_with, form, s3, send};
use crate::harness::{ADMINS, ANALYSTS, AUDIENCE, DATA, HOME, Harness, SUBJECT};

/// Puts, gets and lists `key` in `bucket` with `credentials`.
async fn round_trip(gateway: std::net::SocketAddr, bucket: &str, key: &str, credentials: &Minted) {
    let store = s3(gateway, bucket, credentials);
    let path = Path::from(key);
    store
        .put(&path, PutPayload::from_static(b"sealed and delivered"))
        .await
        .expect("put with temporary credentials");
    let body = store
        .get(&path)
        .await
        .expect("get with temporary credentials")
        .bytes()
        .await
        .expect("body");
    assert_eq!(&body[..], b"sealed and delivered");
    let folder = key.rsplit_once('/').map(|(folder, _)| Path::from(folder));
    let listed = store
        .list_with_delimiter(folder.as_ref())
        .await
        .expect("list");
    assert!(listed.objects.iter().any(|object| object.location == path));
}

#[tokio::test]
async fn tokens_of_every_supported_algorithm_mint_working_credentials() {
    let (harness, gateway) = Harness::start().await;
    for algorithm in [
        Algorithm::RS256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::ES384,
    ] {
        let token = harness.token(|spec| spec.with_algorithm(algorithm));
        let credentials = assume(gateway.address, ANALYSTS, &token)
            .await
            .credentials();
        assert!(credentials.access_key_id.starts_with("ASIA"));
        round_trip(
            gateway.address,
            DATA,
            &format!("from-{algorithm:?}.txt"),
            &credentials,
        )
        .await;
    }
    assert_eq!(
        harness.issuer.jwks_requests(),
        1,
        "the key set is fetched once and cached"
    );
}

#[tokio::test]
async fn the_answer_has_the_aws_shape() {
    let (harness, gateway) = Harness::start().await;
    let answer = assume(gateway.address, ANALYSTS, &harness.token(|spec| spec)).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.headers["content-type"], "text/xml");
    assert!(answer.body.starts_with(
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <AssumeRoleWithWebIdentityResult>"
    ));
    assert_eq!(answer.element("SubjectFromWebIdentityToken"), Some(SUBJECT));
    assert_eq!(answer.element("Audience"), Some(AUDIENCE));
    assert_eq!(answer.element("Provider"), Some(harness.issuer.issuer()));
    assert_eq!(
        answer.element("Arn"),
        Some("arn:aws:sts::123456789012:assumed-role/analysts/integration-test")
    );
    assert!(
        answer
            .element("AssumedRoleId")
            .is_some_and(|id| id.starts_with("AROA") && id.ends_with(":integration-test"))
    );
    let request_id = answer.element("RequestId").expect("request id");
    assert_eq!(answer.headers["x-amzn-requestid"], request_id);
    let credentials = answer.credentials();
    assert_eq!(credentials.secret_access_key.len(), 40);
    let expiration = DateTime::parse_from_rfc3339(&credentials.expiration).expect("RFC 3339");
    assert!(
        credentials.expiration.ends_with('Z'),
        "{}",
        credentials.expiration
    );
    let lasts = expiration.with_timezone(&Utc) - Utc::now();
    assert!((3590..=3600).contains(&lasts.num_seconds()), "default 1 h");
}

#[tokio::test]
async fn the_query_string_and_the_sts_path_work_too() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec);
    // GET /.sts?… with a bare role id.
    let query = form(ANALYSTS, &token, &[]);
    let answer = send(
        gateway.address,
        Method::GET,
        &format!("/.sts?{query}"),
        &[],
        "",
    )
    .await;
    round_trip(gateway.address, DATA, "via-get.txt", &answer.credentials()).await;
    // GET /?Action=AssumeRoleWithWebIdentity&…
    let answer = send(gateway.address, Method::GET, &format!("/?{query}"), &[], "").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    // A form POST to /.sts.
    let answer = send(
        gateway.address,
        Method::POST,
        "/.sts",
        &[("content-type", "application/x-www-form-urlencoded")],
        form(ANALYSTS, &token, &[]),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[tokio::test]
async fn durations_are_clamped_to_the_role() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec);
    for (requested, expected) in [("60", 900), ("5400", 5400), ("999999", 7200)] {
        let credentials = assume_with(
            gateway.address,
            ANALYSTS,
            &token,
            &[("DurationSeconds", requested)],
        )
        .await
        .credentials();
        let expiration = DateTime::parse_from_rfc3339(&credentials.expiration)
            .expect("RFC 3339")
            .with_timezone(&Utc);
        let lasts = (expiration - Utc::now()).num_seconds();
        assert!(
            (expected - 10..=expected).contains(&lasts),
            "{requested}: {lasts}"
        );
    }
}

#[tokio::test]
async fn claim_templates_grant_each_user_their_own_folder() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.token(|spec| spec.with_claim("user", "alice"));
    let credentials = assume(gateway.address, ANALYSTS, &token)
        .await
        .credentials();
    round_trip(gateway.address, HOME, "users/alice/notes.txt", &credentials).await;
    let store = s3(gateway.address, HOME, &credentials);
    let refused = store
        .put(
            &Path::from("users/bob/notes.txt"),
            PutPayload::from_static(b"x"),
        )
        .await;
    assert!(refused.is_err(), "another user's folder");
}

#[tokio::test]
async fn a_role_without_conditions_admits_any_subject_of_its_issuers() {
    let (harness, gateway) = Harness::start().await;
    let token = harness.issuer.mint(&multistore_testkit::TokenSpec::new(
        "someone-else",
        "any-audience",
    ));
    let credentials = assume(gateway.address, ADMINS, &token).await.credentials();
    round_trip(gateway.address, DATA, "admin.txt", &credentials).await;
}
