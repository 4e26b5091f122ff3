//! A local-directory bucket cannot hold an object `a/b` and objects below `a/b/` (a file
//! system has no file that is also a directory): such writes are refused with
//! `409 ParentIsObject` or `409 ObjectExistsAsDirectory`, in S3's XML format, on every
//! write path, and nothing changes on disk. Retrying cannot help, so it is no 503.

use http::{Method, StatusCode};
use multistore::auth::sigv4::encode_path;

use crate::harness::{Harness, Kind, WRITER};
use crate::raw::Response;
use crate::xml;

#[tokio::test]
async fn conflicting_keys_are_refused_on_every_write_path() {
    let h = Harness::start(Kind::Local).await;
    for (key, body) in [("a/b", "file"), ("x/y/z", "deep"), ("src", "source")] {
        h.object(Method::PUT, h.bucket(), key)
            .body(body)
            .signed(WRITER)
            .send()
            .await
            .ok();
    }
    let before = h.snapshot();

    for (key, code) in [
        ("a/b/c", "ParentIsObject"),
        ("a/b/c/d", "ParentIsObject"),
        ("x/y", "ObjectExistsAsDirectory"),
        ("x", "ObjectExistsAsDirectory"),
    ] {
        for answer in [
            put(&h, key).await,
            copy(&h, key).await,
            complete(&h, key).await,
        ] {
            answer.assert_error(StatusCode::CONFLICT, code);
            assert!(answer.text().contains("directory"), "{}", answer.text());
        }
    }
    assert_eq!(
        h.snapshot().files(),
        before.files(),
        "something changed on disk"
    );
    let kept = h.object(Method::GET, h.bucket(), "a/b").signed(WRITER);
    assert_eq!(kept.send().await.ok().text(), "file");
}

async fn put(h: &Harness, key: &str) -> Response {
    h.object(Method::PUT, h.bucket(), key)
        .body("conflict")
        .signed(WRITER)
        .send()
        .await
}

async fn copy(h: &Harness, key: &str) -> Response {
    h.object(Method::PUT, h.bucket(), key)
        .header("x-amz-copy-source", &format!("/{}/src", h.bucket()))
        .signed(WRITER)
        .send()
        .await
}

/// An upload of one part to `key`, completed; the completion's answer. A refused
/// completion leaves the upload, which is aborted.
async fn complete(h: &Harness, key: &str) -> Response {
    let upload = h.create_upload(key).await;
    let part = h
        .object(Method::PUT, h.bucket(), key)
        .query(&format!("partNumber=1&{upload}"))
        .body("part")
        .signed(WRITER)
        .send()
        .await
        .ok();
    let etag = part.header("etag").expect("part ETag").to_owned();
    let document = format!(
        "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{}</ETag></Part></CompleteMultipartUpload>",
        xml::escape(&etag)
    );
    let completed = h
        .object(Method::POST, h.bucket(), key)
        .query(&upload)
        .body(document)
        .signed(WRITER)
        .send()
        .await;
    if !completed.status.is_success() {
        h.path(
            Method::DELETE,
            &format!("/{}/{}", h.bucket(), encode_path(key)),
        )
        .query(&upload)
        .signed(WRITER)
        .send()
        .await
        .assert_status(StatusCode::NO_CONTENT);
    }
    completed
}
