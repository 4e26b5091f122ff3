//! UploadPartCopy's `x-amz-copy-source-range`, refused as S3 refuses it on every backend:
//! a malformed range before anything is sent (`400 InvalidArgument`), a range past the
//! source by whoever holds the source (the store layer, or the S3 backend), also
//! `400 InvalidArgument`. Nothing is copied either way.

use http::{Method, StatusCode};
use multistore::auth::sigv4::encode_path;

use crate::harness::{Harness, Kind, WRITER};
use crate::xml;

both_backends!(copy_source_ranges_are_checked);

async fn copy_source_ranges_are_checked(kind: Kind) {
    let h = Harness::start(kind).await;
    h.object(Method::PUT, h.bucket(), "range/source")
        .body("0123456789")
        .signed(WRITER)
        .send()
        .await
        .ok();
    let upload = h.create_upload("range/target").await;
    let source = format!("/{}/{}", h.bucket(), encode_path("range/source"));
    let copy = |range: &str| {
        h.object(Method::PUT, h.bucket(), "range/target")
            .query(&format!("partNumber=1&{upload}"))
            .header("x-amz-copy-source", &source)
            .header("x-amz-copy-source-range", range)
            .signed(WRITER)
            .send()
    };
    let before = h.snapshot();

    // ceph s3-tests `test_multipart_copy_improper_range`, plus first > last.
    for range in [
        "0-2",
        "bytes=0",
        "bytes=hello-world",
        "bytes=0-bar",
        "bytes=hello-",
        "bytes=0-2,3-5",
        "bytes=5-",
        "bytes=-5",
        "bytes=4-3",
    ] {
        let refused = copy(range).await;
        refused.assert_error(StatusCode::BAD_REQUEST, "InvalidArgument");
        assert!(
            refused
                .text()
                .contains("must be of the form bytes=first-last"),
            "{range}: {}",
            refused.text()
        );
    }
    // ceph s3-tests `test_multipart_copy_invalid_range`: past the end of the source.
    for range in ["bytes=0-10", "bytes=0-21", "bytes=10-12"] {
        let refused = copy(range).await;
        refused.assert_error(StatusCode::BAD_REQUEST, "InvalidArgument");
        assert!(
            refused
                .text()
                .contains("Range specified is not valid for source object of size: 10"),
            "{range}: {}",
            refused.text()
        );
    }
    assert_eq!(h.snapshot(), before, "a refused copy changed a backend");
    let parts = h
        .object(Method::GET, h.bucket(), "range/target")
        .query(&upload)
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text();
    assert!(xml::values(&parts, "PartNumber").is_empty(), "{parts}");

    // The last byte exactly is in range.
    let copied = copy("bytes=3-9").await.ok().text();
    assert!(xml::value(&copied, "ETag").is_some(), "{copied}");
    let parts = h
        .object(Method::GET, h.bucket(), "range/target")
        .query(&upload)
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text();
    assert_eq!(xml::values(&parts, "Size"), ["7"], "{parts}");
}
