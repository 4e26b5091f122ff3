//! CopyObject within a bucket: bytes and metadata travel with the copy.

use http::{Method, StatusCode};
use multistore::auth::sigv4::encode_path;
use object_store::path::Path;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};

use crate::harness::{BACKEND_PREFIX, Harness, Kind, READER, SCOPED, WRITER};
use crate::xml;

both_backends!(copy_keeps_metadata, raw_copy_of_odd_keys, copy_needs_rights);

async fn copy_keeps_metadata(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let source = Path::from("copy/source.json");
    let mut attributes = Attributes::new();
    attributes.insert(Attribute::ContentType, "application/json".into());
    attributes.insert(Attribute::CacheControl, "no-cache".into());
    attributes.insert(Attribute::Metadata("origin".into()), "e2e".into());
    store
        .put_opts(
            &source,
            PutPayload::from_static(b"{\"copied\": true}"),
            PutOptions::from(attributes.clone()),
        )
        .await
        .expect("put");

    let target = Path::from("copy/target.json");
    store.copy(&source, &target).await.expect("copy");
    let got = store.get(&target).await.expect("get copy");
    assert_eq!(got.attributes, attributes, "metadata is copied");
    assert_eq!(got.bytes().await.expect("body"), "{\"copied\": true}");
    // The source is untouched.
    let original = store.get(&source).await.expect("get source");
    assert_eq!(original.bytes().await.expect("body"), "{\"copied\": true}");
}

async fn raw_copy_of_odd_keys(kind: Kind) {
    let h = Harness::start(kind).await;
    let source = "copy/src with space+plus&amp";
    let target = "copy/dst #1 ünïcode";
    h.object(Method::PUT, h.bucket(), source)
        .header("content-type", "text/plain")
        .header("x-amz-meta-kept", "yes")
        .body("odd copy")
        .signed(WRITER)
        .send()
        .await
        .ok();

    let copied = h
        .object(Method::PUT, h.bucket(), target)
        .header(
            "x-amz-copy-source",
            &format!("/{}/{}", h.bucket(), encode_path(source)),
        )
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text();
    assert!(!copied.contains(BACKEND_PREFIX), "{copied}");
    assert!(
        xml::value(&copied, "ETag").is_some(),
        "CopyObjectResult: {copied}"
    );
    let got = h
        .object(Method::GET, h.bucket(), target)
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(got.text(), "odd copy");
    assert_eq!(got.header("x-amz-meta-kept"), Some("yes"));
    assert_eq!(got.header("content-type"), Some("text/plain"));

    // REPLACE takes the request's metadata instead.
    let replaced_key = "copy/replaced";
    h.object(Method::PUT, h.bucket(), replaced_key)
        .header(
            "x-amz-copy-source",
            &format!("/{}/{}", h.bucket(), encode_path(source)),
        )
        .header("x-amz-metadata-directive", "REPLACE")
        .header("content-type", "application/x-replaced")
        .header("x-amz-meta-fresh", "new")
        .signed(WRITER)
        .send()
        .await
        .ok();
    let replaced = h
        .object(Method::HEAD, h.bucket(), replaced_key)
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(
        replaced.header("content-type"),
        Some("application/x-replaced")
    );
    assert_eq!(replaced.header("x-amz-meta-fresh"), Some("new"));
    assert_eq!(replaced.header("x-amz-meta-kept"), None);

    let missing = h
        .object(Method::PUT, h.bucket(), "copy/never")
        .header(
            "x-amz-copy-source",
            &format!("/{}/copy/no-such-source", h.bucket()),
        )
        .signed(WRITER)
        .send()
        .await;
    missing.assert_error(StatusCode::NOT_FOUND, "NoSuchKey");
    assert!(
        !missing.text().contains(BACKEND_PREFIX),
        "{}",
        missing.text()
    );
}

async fn copy_needs_rights(kind: Kind) {
    let h = Harness::start(kind).await;
    h.store(WRITER)
        .put(
            &Path::from("private/secret"),
            PutPayload::from_static(b"secret"),
        )
        .await
        .expect("put");
    let before = h.snapshot();
    // A reader may read the source but not write the copy.
    h.object(Method::PUT, h.bucket(), "private/copy")
        .header(
            "x-amz-copy-source",
            &format!("/{}/private/secret", h.bucket()),
        )
        .signed(READER)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    // The scoped key may write its prefix but not read outside it.
    h.object(Method::PUT, h.bucket(), "scoped/stolen")
        .header(
            "x-amz-copy-source",
            &format!("/{}/private/secret", h.bucket()),
        )
        .signed(SCOPED)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    assert_eq!(h.snapshot(), before);
}
