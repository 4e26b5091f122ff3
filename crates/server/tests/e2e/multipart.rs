//! Multipart uploads: a large object through `object_store`, and the listing and abort
//! calls it cannot make.

use futures_util::future::try_join_all;
use http::{Method, StatusCode};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};

use crate::data::pattern;
use crate::harness::{BACKEND_PREFIX, Harness, Kind, WRITER};
use crate::xml;

both_backends!(large_multipart_upload, pending_upload_list_and_abort);

const MIB: usize = 1024 * 1024;

async fn large_multipart_upload(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let data = pattern(17 * MIB);
    let path = Path::from("multi/large.bin");
    let mut upload = store.put_multipart(&path).await.expect("create upload");
    let parts = [0..6 * MIB, 6 * MIB..12 * MIB, 12 * MIB..17 * MIB]
        .map(|range| upload.put_part(PutPayload::from(data.slice(range))));
    try_join_all(parts).await.expect("parts");
    upload.complete().await.expect("complete");

    let got = store.get(&path).await.expect("get");
    assert_eq!(got.meta.size, data.len() as u64);
    let etag = got.meta.e_tag.clone().expect("etag");
    let body = got.bytes().await.expect("body");
    assert!(body == data, "the object reads back byte for byte");
    assert!(etag.ends_with("-3\""), "a multipart ETag: {etag}");

    // A range across the first part boundary.
    let across = store
        .get_range(&path, (6 * MIB - 10) as u64..(6 * MIB + 10) as u64)
        .await
        .expect("range");
    assert_eq!(across, data.slice(6 * MIB - 10..6 * MIB + 10));
}

async fn pending_upload_list_and_abort(kind: Kind) {
    let h = Harness::start(kind).await;
    let key = "multi/pending.bin";
    let before = h.snapshot();

    let created = h
        .object(Method::POST, h.bucket(), key)
        .query("uploads=")
        .header("content-type", "application/x-test")
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text();
    assert!(!created.contains(BACKEND_PREFIX), "{created}");
    assert_eq!(xml::value(&created, "Key").as_deref(), Some(key));
    let upload_id = xml::value(&created, "UploadId").expect("upload id");
    let upload_query = format!(
        "uploadId={}",
        multistore::auth::sigv4::encode_query_component(&upload_id)
    );

    for (number, body) in [(1, "part one"), (2, "second part")] {
        let part = h
            .object(Method::PUT, h.bucket(), key)
            .query(&format!("partNumber={number}&{upload_query}"))
            .body(body)
            .signed(WRITER)
            .send()
            .await
            .ok();
        assert!(part.header("etag").is_some(), "UploadPart returns an ETag");
    }

    let parts = h
        .object(Method::GET, h.bucket(), key)
        .query(&upload_query)
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text();
    assert!(!parts.contains(BACKEND_PREFIX), "{parts}");
    assert_eq!(xml::value(&parts, "Key").as_deref(), Some(key));
    assert_eq!(xml::values(&parts, "PartNumber"), ["1", "2"], "{parts}");
    assert_eq!(xml::values(&parts, "Size"), ["8", "11"], "{parts}");

    let uploads = h
        .on_bucket(Method::GET, h.bucket())
        .query("uploads=")
        .signed(WRITER)
        .send()
        .await;
    match kind {
        Kind::Local => {
            let listing = uploads.ok().text();
            assert_eq!(xml::values(&listing, "Key"), [key], "{listing}");
            assert_eq!(xml::value(&listing, "UploadId"), Some(upload_id.clone()));
        }
        // s3s-fs implements no ListMultipartUploads: its refusal must reach the client
        // as an S3 error, not as a gateway failure.
        Kind::S3 => uploads.assert_error(StatusCode::NOT_IMPLEMENTED, "NotImplemented"),
    }

    // A pending upload is not an object.
    let objects = h
        .on_bucket(Method::GET, h.bucket())
        .query("list-type=2")
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text();
    assert!(xml::listed_keys(&objects).is_empty(), "{objects}");
    h.object(Method::HEAD, h.bucket(), key)
        .signed(WRITER)
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);

    let aborted = h
        .object(Method::DELETE, h.bucket(), key)
        .query(&upload_query)
        .signed(WRITER)
        .send()
        .await;
    assert_eq!(aborted.status, StatusCode::NO_CONTENT, "{}", aborted.text());
    h.object(Method::GET, h.bucket(), key)
        .query(&upload_query)
        .signed(WRITER)
        .send()
        .await
        .assert_error(StatusCode::NOT_FOUND, "NoSuchUpload");
    if kind == Kind::Local {
        let listing = h
            .on_bucket(Method::GET, h.bucket())
            .query("uploads=")
            .signed(WRITER)
            .send()
            .await
            .ok()
            .text();
        assert!(xml::values(&listing, "Key").is_empty(), "{listing}");
    }
    assert_eq!(
        h.snapshot().files(),
        before.files(),
        "no part survives an abort"
    );
}
