//! The STS route with time under the test's control: key caching and its TTL, falling
//! back to stale keys, the refetch rate limit, token times, minting and the size bound.
//! (End-to-end tests against a real HTTPS issuer live in `multistore-server`.)

mod support;

use chrono::Duration;
use http::Method;
use multistore::api::RequestInfo;
use multistore::route_handler::RouteHandler;
use multistore_sts::Clock;
use serde_json::json;

use support::{DISCOVERY, JWKS, Key, ROLE, Setup, role, scope, t0};

#[test]
fn keys_are_cached_for_the_ttl_then_refetched() {
    let setup = Setup::new(role(vec![]));
    assert_eq!(setup.assume_now().status, 200);
    setup.clock.set(t0() + Duration::minutes(14));
    assert_eq!(setup.assume_now().status, 200);
    assert_eq!(
        (
            setup.documents.fetches(DISCOVERY),
            setup.documents.fetches(JWKS)
        ),
        (1, 1)
    );
    setup.clock.set(t0() + Duration::minutes(16));
    assert_eq!(setup.assume_now().status, 200);
    assert_eq!(setup.documents.fetches(JWKS), 2, "refreshed after the TTL");
}

#[test]
fn a_failed_refresh_keeps_the_previous_keys_for_a_while() {
    let setup = Setup::new(role(vec![]));
    assert_eq!(setup.assume_now().status, 200);
    setup.documents.fail(JWKS, 503);
    setup.clock.set(t0() + Duration::minutes(20));
    assert_eq!(
        setup.assume_now().status,
        200,
        "stale keys during an outage"
    );
    setup.clock.set(t0() + Duration::minutes(15 + 61));
    let answer = setup.assume_now();
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("IDPCommunicationError"))
    );
    assert!(answer.element("AccessKeyId").is_none());
}

#[test]
fn unknown_kids_refetch_at_most_once_a_minute() {
    let setup = Setup::new(role(vec![]));
    let rotated = Key::new("k2", 8);
    let token = |setup: &Setup| rotated.token_at(setup.clock.now(), json!({}));
    // k2 is not published yet: one refetch, still unknown.
    assert_eq!(
        setup.assume(&token(&setup), "").code(),
        Some("InvalidIdentityToken")
    );
    assert_eq!(setup.documents.fetches(JWKS), 2);
    // Published now, but the last refetch was 20 s ago.
    setup
        .documents
        .serve(JWKS, &json!({"keys": [setup.key.jwk, rotated.jwk]}));
    setup.clock.set(t0() + Duration::seconds(20));
    assert_eq!(
        setup.assume(&token(&setup), "").code(),
        Some("InvalidIdentityToken")
    );
    assert_eq!(setup.documents.fetches(JWKS), 2, "rate-limited");
    // A minute later the refetch finds it.
    setup.clock.set(t0() + Duration::seconds(61));
    assert_eq!(setup.assume(&token(&setup), "").status, 200);
    assert_eq!(setup.documents.fetches(JWKS), 3);
}

#[test]
fn token_times_are_checked_against_the_clock_with_leeway() {
    let setup = Setup::new(role(vec![]));
    let token = setup.key.token_at(t0(), json!({}));
    setup.clock.set(t0() + Duration::seconds(300 + 59));
    assert_eq!(setup.assume(&token, "").status, 200, "within the leeway");
    setup.clock.set(t0() + Duration::seconds(300 + 60));
    let answer = setup.assume(&token, "");
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("ExpiredTokenException"))
    );
    assert!(
        answer.body.contains("2026-03-01T09:05:00Z"),
        "{}",
        answer.body
    );
}

#[test]
fn minted_credentials_open_with_the_token_key() {
    let setup = Setup::new(role(vec![
        scope("data", &[]),
        scope("home", &["users/{user}/"]),
        scope("home", &["teams/{team}/"]),
    ]));
    let token = setup
        .key
        .token_at(t0(), json!({"user": "alice", "team": "../admin"}));
    let answer = setup.assume(&token, "&DurationSeconds=1800");
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(answer.element("Expiration"), Some("2026-03-01T09:30:00Z"));
    let access_key_id = answer.element("AccessKeyId").unwrap();
    let session_token = answer.element("SessionToken").unwrap();
    let credentials = setup
        .token_key
        .unseal(session_token, access_key_id, t0())
        .unwrap();
    assert_eq!(credentials.secret_access_key, answer.secret());
    assert_eq!(credentials.assumed_role_id, ROLE);
    assert_eq!(
        credentials.source_identity,
        "repo:example/data:ref:refs/heads/main"
    );
    assert_eq!(
        credentials.allowed_scopes,
        [scope("data", &[]), scope("home", &["users/alice/"])],
        "the crafted team claim dropped its grant"
    );
    assert!(
        setup
            .token_key
            .unseal(session_token, access_key_id, t0() + Duration::minutes(30))
            .is_err(),
        "expired after DurationSeconds"
    );
}

#[test]
fn a_role_too_large_for_a_session_token_is_refused() {
    let scopes = (0..60)
        .map(|i| scope(&format!("bucket-number-{i}"), &["some/longer/prefix/"]))
        .collect();
    let setup = Setup::new(role(scopes));
    let answer = setup.assume_now();
    assert_eq!(
        (answer.status, answer.code()),
        (400, Some("PackedPolicyTooLarge"))
    );
}

#[test]
fn the_discovery_document_must_name_the_issuer() {
    let setup = Setup::new(role(vec![]));
    setup.documents.serve(
        DISCOVERY,
        &json!({"issuer": "https://elsewhere.test", "jwks_uri": JWKS}),
    );
    assert_eq!(setup.assume_now().code(), Some("IDPCommunicationError"));
    assert_eq!(setup.documents.fetches(JWKS), 0);
}

#[test]
fn oversized_documents_are_refused() {
    let setup = Setup::new(role(vec![]));
    let padding = "x".repeat(200 * 1024);
    setup
        .documents
        .serve(JWKS, &json!({"keys": [setup.key.jwk], "padding": padding}));
    let answer = setup.assume_now();
    assert_eq!(answer.code(), Some("IDPCommunicationError"));
    assert!(answer.body.contains("larger than"), "{}", answer.body);
}

#[test]
fn only_sts_requests_are_routed() {
    let setup = Setup::new(role(vec![]));
    let request = |method: Method, path: &str, query: Option<&str>, form: bool| {
        let mut request = RequestInfo::new(method, path);
        request.raw_query = query.map(str::to_owned);
        if form {
            request.headers.insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/x-www-form-urlencoded"),
            );
        }
        setup.handler.matches(&request)
    };
    assert!(request(Method::GET, "/.sts", None, false));
    assert!(request(Method::POST, "/.sts", None, false));
    assert!(request(Method::POST, "/", None, true));
    assert!(request(
        Method::GET,
        "/",
        Some("Action=AssumeRoleWithWebIdentity&RoleArn=x"),
        false
    ));
    // S3: ListBuckets, a bucket, DeleteObjects, other methods.
    assert!(!request(Method::GET, "/", None, false));
    assert!(!request(Method::GET, "/", Some("list-type=2"), false));
    assert!(!request(Method::GET, "/.sts/key", None, false));
    assert!(!request(Method::POST, "/", Some("delete"), false));
    assert!(!request(Method::PUT, "/.sts", None, false));
    assert!(!request(Method::DELETE, "/", None, true));
}
