//! PutObject, GetObject, HeadObject, DeleteObject: round trips, metadata, ranges.

use http::{Method, StatusCode};
use object_store::path::Path;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};

use crate::harness::{BACKEND_PREFIX, Harness, Kind, WRITER};

both_backends!(
    put_get_head_delete,
    metadata_round_trip,
    ranged_get,
    empty_object
);

async fn put_get_head_delete(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let path = Path::from("round/trip.txt");
    let put = store
        .put(&path, PutPayload::from_static(b"hello, gateway"))
        .await
        .expect("put");

    let got = store.get(&path).await.expect("get");
    assert_eq!(got.meta.size, 14);
    assert_eq!(got.bytes().await.expect("body"), "hello, gateway");
    let head = store.head(&path).await.expect("head");
    assert_eq!(head.size, 14);
    assert_eq!(head.e_tag, put.e_tag, "HEAD reports the ETag PUT returned");

    // The bytes are a file under the bucket's backend prefix, named by the key.
    let file = h.data_dir().join("round/trip.txt");
    assert_eq!(
        std::fs::read(&file).expect("object file"),
        b"hello, gateway"
    );
    if kind == Kind::S3 {
        assert!(
            !h.backend_bucket_dir().join("round").exists(),
            "the key lives under the backend prefix {BACKEND_PREFIX}, not at the top"
        );
    }

    let raw = h
        .object(Method::HEAD, h.bucket(), "round/trip.txt")
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(raw.header("content-length"), Some("14"));
    assert!(raw.header("x-amz-request-id").is_some());
    assert!(raw.header("last-modified").is_some());

    store.delete(&path).await.expect("delete");
    assert!(matches!(
        store.get(&path).await,
        Err(object_store::Error::NotFound { .. })
    ));
    assert!(!file.exists(), "deleted from the backend");
    let missing = h
        .object(Method::GET, h.bucket(), "round/trip.txt")
        .signed(WRITER)
        .send()
        .await;
    missing.assert_error(StatusCode::NOT_FOUND, "NoSuchKey");
    assert!(
        !missing.text().contains(BACKEND_PREFIX),
        "errors name the client's key: {}",
        missing.text()
    );
    // Deleting what is not there succeeds, as on S3.
    store.delete(&path).await.expect("delete again");
}

async fn metadata_round_trip(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let path = Path::from("meta/report.csv");
    let mut attributes = Attributes::new();
    attributes.insert(Attribute::ContentType, "text/csv; charset=utf-8".into());
    attributes.insert(Attribute::CacheControl, "max-age=3600, public".into());
    attributes.insert(
        Attribute::ContentDisposition,
        "attachment; filename=\"report.csv\"".into(),
    );
    attributes.insert(Attribute::Metadata("owner".into()), "e2e-suite".into());
    attributes.insert(Attribute::Metadata("color".into()), "deep blue".into());
    store
        .put_opts(
            &path,
            PutPayload::from_static(b"a,b\n1,2\n"),
            PutOptions::from(attributes.clone()),
        )
        .await
        .expect("put with attributes");

    let got = store.get(&path).await.expect("get");
    assert_eq!(
        got.attributes, attributes,
        "object_store sees every attribute"
    );

    for method in [Method::GET, Method::HEAD] {
        let response = h
            .object(method.clone(), h.bucket(), "meta/report.csv")
            .signed(WRITER)
            .send()
            .await
            .ok();
        for (name, value) in [
            ("content-type", "text/csv; charset=utf-8"),
            ("cache-control", "max-age=3600, public"),
            ("content-disposition", "attachment; filename=\"report.csv\""),
            ("x-amz-meta-owner", "e2e-suite"),
            ("x-amz-meta-color", "deep blue"),
            ("content-length", "8"),
        ] {
            assert_eq!(response.header(name), Some(value), "{method} {name}");
        }
    }

    // A response override asked for by a signed GET wins over the stored value.
    let overridden = h
        .object(Method::GET, h.bucket(), "meta/report.csv")
        .query("response-content-type=application%2Foctet-stream")
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(
        overridden.header("content-type"),
        Some("application/octet-stream")
    );
}

async fn ranged_get(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    let path = Path::from("ranges/data.bin");
    store
        .put(&path, PutPayload::from(data.clone()))
        .await
        .expect("put");

    assert_eq!(
        store.get_range(&path, 100..200).await.expect("range"),
        &data[100..200]
    );

    for (range, start, end) in [
        ("bytes=100-199", 100, 199),
        ("bytes=990-", 990, 999),
        ("bytes=-10", 990, 999),
        ("bytes=0-0", 0, 0),
        ("bytes=900-5000", 900, 999),
    ] {
        let response = h
            .object(Method::GET, h.bucket(), "ranges/data.bin")
            .header("range", range)
            .signed(WRITER)
            .send()
            .await;
        assert_eq!(response.status, StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            response.header("content-range"),
            Some(format!("bytes {start}-{end}/1000").as_str()),
            "{range}"
        );
        assert_eq!(
            response.header("content-length"),
            Some((end - start + 1).to_string().as_str())
        );
        assert_eq!(&response.body[..], &data[start..=end], "{range}");
    }

    let unsatisfiable = h
        .object(Method::GET, h.bucket(), "ranges/data.bin")
        .header("range", "bytes=5000-6000")
        .signed(WRITER)
        .send()
        .await;
    unsatisfiable.assert_error(StatusCode::RANGE_NOT_SATISFIABLE, "InvalidRange");
}

async fn empty_object(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let path = Path::from("empty/nothing");
    store.put(&path, PutPayload::new()).await.expect("put");
    let got = store.get(&path).await.expect("get");
    assert_eq!(got.meta.size, 0);
    assert!(got.bytes().await.expect("body").is_empty());
    let raw = h
        .object(Method::GET, h.bucket(), "empty/nothing")
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(raw.header("content-length"), Some("0"));
    assert!(raw.body.is_empty());
}
