//! A backend nobody answers for: `503 ServiceUnavailable`, and nothing about the backend
//! in the answer.

use http::{Method, StatusCode};

use crate::harness::{Harness, Kind, S3_DOWN, WRITER};
use crate::raw::Response;

#[track_caller]
fn assert_unavailable(h: &Harness, response: &Response) {
    response.assert_error(StatusCode::SERVICE_UNAVAILABLE, "ServiceUnavailable");
    let text = response.text();
    let port = h.down_address.port().to_string();
    assert!(
        !text.contains(&port) && !text.contains("127.0.0.1"),
        "the error names no backend: {text}"
    );
    for (name, value) in &response.headers {
        let value = value.to_str().unwrap_or_default();
        assert!(
            !value.contains(&port),
            "header {name} leaks the backend: {value}"
        );
    }
}

#[tokio::test]
async fn closed_backend_port_is_service_unavailable() {
    let h = Harness::start(Kind::S3).await;
    let get = h
        .object(Method::GET, S3_DOWN, "any/key")
        .signed(WRITER)
        .send()
        .await;
    assert_unavailable(&h, &get);
    let put = h
        .object(Method::PUT, S3_DOWN, "any/key")
        .body("lost")
        .signed(WRITER)
        .send()
        .await;
    assert_unavailable(&h, &put);
    let list = h
        .on_bucket(Method::GET, S3_DOWN)
        .query("list-type=2")
        .signed(WRITER)
        .send()
        .await;
    assert_unavailable(&h, &list);
    let create = h
        .object(Method::POST, S3_DOWN, "any/key")
        .query("uploads=")
        .signed(WRITER)
        .send()
        .await;
    assert_unavailable(&h, &create);
    // HEAD has no body, but the status says it.
    h.object(Method::HEAD, S3_DOWN, "any/key")
        .signed(WRITER)
        .send()
        .await
        .assert_status(StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn backend_address_never_reaches_clients() {
    let h = Harness::start(Kind::S3).await;
    let backend = h.backend_address.to_string();
    let responses = [
        h.object(Method::GET, h.bucket(), "missing")
            .signed(WRITER)
            .send()
            .await,
        h.object(Method::PUT, h.bucket(), "x")
            .body("x")
            .signed(WRITER)
            .send()
            .await,
        h.object(Method::GET, h.bucket(), "x")
            .signed(WRITER)
            .send()
            .await,
        h.object(Method::POST, h.bucket(), "m")
            .query("uploads=")
            .signed(WRITER)
            .send()
            .await,
        h.on_bucket(Method::GET, h.bucket())
            .query("list-type=2")
            .signed(WRITER)
            .send()
            .await,
    ];
    for response in responses {
        assert!(!response.text().contains(&backend), "{}", response.text());
        for (name, value) in &response.headers {
            let value = value.to_str().unwrap_or_default();
            assert!(!value.contains(&backend), "header {name}: {value}");
        }
    }
}
