//! Conditional reads (If-None-Match, If-Match, If-Modified-Since, If-Unmodified-Since)
//! and conditional writes (If-None-Match: *).

use chrono::{Duration, Utc};
use http::{Method, StatusCode};
use object_store::path::Path;
use object_store::{GetOptions, ObjectStore, ObjectStoreExt, PutMode, PutPayload};

use crate::harness::{Harness, Kind, WRITER};

both_backends!(conditional_get, conditional_put);

/// An HTTP date.
fn http_date(time: chrono::DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

async fn conditional_get(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let path = Path::from("cond/object.txt");
    store
        .put(&path, PutPayload::from_static(b"version one"))
        .await
        .expect("put");
    let head = h
        .object(Method::HEAD, h.bucket(), "cond/object.txt")
        .signed(WRITER)
        .send()
        .await
        .ok();
    let etag = head.header("etag").expect("etag").to_owned();
    let get = |name: &'static str, value: String| {
        h.object(Method::GET, h.bucket(), "cond/object.txt")
            .header(name, &value)
            .signed(WRITER)
            .send()
    };

    let not_modified = get("if-none-match", etag.clone()).await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);
    assert!(not_modified.body.is_empty(), "304 has no body");
    assert_eq!(not_modified.header("etag"), Some(etag.as_str()));

    let changed = get("if-none-match", "\"0123456789abcdef\"".into())
        .await
        .ok();
    assert_eq!(changed.body, "version one");

    get("if-match", "\"0123456789abcdef\"".into())
        .await
        .assert_error(StatusCode::PRECONDITION_FAILED, "PreconditionFailed");
    let matched = get("if-match", etag.clone()).await.ok();
    assert_eq!(matched.body, "version one");

    let later = http_date(Utc::now() + Duration::hours(1));
    let earlier = http_date(Utc::now() - Duration::days(365));
    assert_eq!(
        get("if-modified-since", later.clone()).await.status,
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        get("if-modified-since", earlier.clone()).await.ok().body,
        "version one"
    );
    get("if-unmodified-since", earlier)
        .await
        .assert_error(StatusCode::PRECONDITION_FAILED, "PreconditionFailed");
    get("if-unmodified-since", later).await.ok();

    // The same through object_store.
    let options = GetOptions {
        if_none_match: Some(etag.clone()),
        ..GetOptions::default()
    };
    assert!(matches!(
        store.get_opts(&path, options).await,
        Err(object_store::Error::NotModified { .. })
    ));
    let options = GetOptions {
        if_match: Some("\"0123456789abcdef\"".into()),
        ..GetOptions::default()
    };
    assert!(matches!(
        store.get_opts(&path, options).await,
        Err(object_store::Error::Precondition { .. })
    ));
}

async fn conditional_put(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let path = Path::from("cond/create-once.txt");
    store
        .put_opts(
            &path,
            PutPayload::from_static(b"first"),
            PutMode::Create.into(),
        )
        .await
        .expect("the first create succeeds");
    let second = store
        .put_opts(
            &path,
            PutPayload::from_static(b"second"),
            PutMode::Create.into(),
        )
        .await;
    assert!(
        matches!(second, Err(object_store::Error::AlreadyExists { .. })),
        "the second create fails: {second:?}"
    );

    let before = h.snapshot();
    h.object(Method::PUT, h.bucket(), "cond/create-once.txt")
        .header("if-none-match", "*")
        .body("third")
        .signed(WRITER)
        .send()
        .await
        .assert_error(StatusCode::PRECONDITION_FAILED, "PreconditionFailed");
    assert_eq!(
        h.snapshot(),
        before,
        "a failed conditional PUT changes nothing"
    );

    let got = store
        .get(&path)
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body");
    assert_eq!(got, "first");
}
