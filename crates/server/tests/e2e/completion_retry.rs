//! A retried CompleteMultipartUpload on a store bucket: S3 asks applications to retry a
//! completion that failed, so a client that lost the first answer gets the same answer
//! again while the object that upload made is still there; other parts, or an object
//! written since, are `404 NoSuchUpload`.

use bytes::Bytes;
use http::{Method, StatusCode};

use crate::data::pattern;
use crate::harness::{Harness, Kind, WRITER};
use crate::raw::Response;
use crate::xml;

const KEY: &str = "retry/object.bin";

#[tokio::test]
async fn a_retried_completion_gets_the_first_answer() {
    let h = Harness::start(Kind::Local).await;
    let (upload, parts) = upload_two_parts(&h).await;
    let first = complete(&h, &upload, &parts).await.ok();
    let retried = complete(&h, &upload, &parts).await.ok();
    for field in ["Location", "Bucket", "Key", "ETag"] {
        let value = xml::value(&first.text(), field);
        assert!(value.is_some(), "{field}: {}", first.text());
        assert_eq!(xml::value(&retried.text(), field), value, "{field}");
    }

    complete(&h, &upload, &parts[..1])
        .await
        .assert_error(StatusCode::NOT_FOUND, "NoSuchUpload");
    h.object(Method::PUT, h.bucket(), KEY)
        .body("overwritten")
        .signed(WRITER)
        .send()
        .await
        .ok();
    complete(&h, &upload, &parts)
        .await
        .assert_error(StatusCode::NOT_FOUND, "NoSuchUpload");
}

/// An upload of [`KEY`] with a 5 MiB part and a small one: its query and its parts as
/// (number, ETag).
async fn upload_two_parts(h: &Harness) -> (String, Vec<(u16, String)>) {
    let upload = h.create_upload(KEY).await;
    let mut parts = Vec::new();
    for (number, body) in [(1, pattern(5 * 1024 * 1024)), (2, Bytes::from("tail"))] {
        let sent = h
            .object(Method::PUT, h.bucket(), KEY)
            .query(&format!("partNumber={number}&{upload}"))
            .body(body)
            .signed(WRITER)
            .send()
            .await
            .ok();
        parts.push((number, sent.header("etag").expect("ETag").to_owned()));
    }
    (upload, parts)
}

async fn complete(h: &Harness, upload: &str, parts: &[(u16, String)]) -> Response {
    let listed: String = parts
        .iter()
        .map(|(number, etag)| {
            format!(
                "<Part><PartNumber>{number}</PartNumber><ETag>{}</ETag></Part>",
                xml::escape(etag)
            )
        })
        .collect();
    h.object(Method::POST, h.bucket(), KEY)
        .query(upload)
        .body(format!(
            "<CompleteMultipartUpload>{listed}</CompleteMultipartUpload>"
        ))
        .signed(WRITER)
        .send()
        .await
}
