//! ListBuckets, HeadBucket, GetBucketLocation, `/healthz`, and request ids.

use std::collections::HashSet;

use http::{Method, StatusCode};

use crate::harness::{
    Harness, Kind, LOCAL_DATA, LOCAL_PUBLIC, READER, S3_DATA, S3_DOWN, S3_PUBLIC, SCOPED, WRITER,
};
use crate::raw::Response;
use crate::xml;

both_backends!(head_bucket_and_location);

fn bucket_names(response: Response) -> Vec<String> {
    let document = response.ok().text();
    xml::sections(&document, "Bucket")
        .into_iter()
        .filter_map(|bucket| xml::value(bucket, "Name"))
        .collect()
}

#[tokio::test]
async fn list_buckets_shows_what_a_key_may_use() {
    let h = Harness::start(Kind::Local).await;
    let list = |key| h.path(Method::GET, "/").signed(key).send();
    assert_eq!(
        bucket_names(list(WRITER).await),
        [LOCAL_DATA, LOCAL_PUBLIC, S3_DATA, S3_DOWN, S3_PUBLIC]
    );
    assert_eq!(bucket_names(list(READER).await), [LOCAL_DATA, S3_DATA]);
    assert_eq!(bucket_names(list(SCOPED).await), [LOCAL_DATA, S3_DATA]);
    // Anonymous callers see the buckets anyone may read.
    assert_eq!(
        bucket_names(h.path(Method::GET, "/").send().await),
        [LOCAL_PUBLIC, S3_PUBLIC]
    );
}

async fn head_bucket_and_location(kind: Kind) {
    let h = Harness::start(kind).await;
    for key in [WRITER, READER, SCOPED] {
        let head = h
            .on_bucket(Method::HEAD, h.bucket())
            .signed(key)
            .send()
            .await;
        head.assert_status(StatusCode::OK);
        assert_eq!(head.header("x-amz-bucket-region"), Some("us-east-1"));
    }
    h.on_bucket(Method::HEAD, h.public_bucket())
        .send()
        .await
        .assert_status(StatusCode::OK);
    h.on_bucket(Method::HEAD, h.bucket())
        .send()
        .await
        .assert_status(StatusCode::FORBIDDEN);
    h.on_bucket(Method::HEAD, "no-such-bucket")
        .signed(WRITER)
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
    h.on_bucket(Method::GET, "no-such-bucket")
        .query("list-type=2")
        .signed(WRITER)
        .send()
        .await
        .assert_error(StatusCode::NOT_FOUND, "NoSuchBucket");

    let location = h
        .on_bucket(Method::GET, h.bucket())
        .query("location=")
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text();
    assert!(location.contains("<LocationConstraint"), "{location}");
    let region = xml::value(&location, "LocationConstraint").unwrap_or_default();
    assert!(
        region.is_empty() || region == "us-east-1",
        "us-east-1 (or empty, as S3 writes it): {location}"
    );
}

#[tokio::test]
async fn healthz_and_request_ids() {
    let h = Harness::start(Kind::Local).await;
    let health = h.path(Method::GET, "/healthz").send().await;
    health.assert_status(StatusCode::OK);
    assert_eq!(health.text(), "ok\n");
    h.path(Method::HEAD, "/healthz")
        .send()
        .await
        .assert_status(StatusCode::OK);

    let responses = vec![
        health,
        h.path(Method::GET, "/").signed(WRITER).send().await,
        h.on_bucket(Method::GET, LOCAL_DATA)
            .query("list-type=2")
            .signed(WRITER)
            .send()
            .await,
        h.object(Method::GET, LOCAL_DATA, "missing")
            .signed(WRITER)
            .send()
            .await,
        h.object(Method::HEAD, S3_DATA, "missing")
            .signed(WRITER)
            .send()
            .await,
        h.object(Method::PUT, LOCAL_DATA, "x")
            .body("x")
            .send()
            .await,
        h.object(Method::PUT, S3_DATA, "x")
            .body("x")
            .signed(WRITER)
            .send()
            .await,
        h.object(Method::GET, S3_DATA, "x")
            .signed(WRITER)
            .send()
            .await,
        h.path(Method::GET, "/%ZZ").send().await,
    ];
    let mut ids = HashSet::new();
    for response in &responses {
        let id = response
            .header("x-amz-request-id")
            .unwrap_or_else(|| panic!("a request id on {} {}", response.status, response.text()));
        assert!(ids.insert(id.to_owned()), "request ids are unique: {id}");
    }
}
