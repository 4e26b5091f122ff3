//! What an object carries besides its bytes comes back as S3 returns it: `Content-Encoding`
//! as sent (only `aws-chunked` framing removed), and user metadata that is not US-ASCII as
//! RFC 2047 encoded-words.

use http::Method;

use crate::chunked::chunked_put_encoded;
use crate::harness::{Harness, Kind, WRITER};

both_backends!(content_encoding_keeps_its_spelling, non_ascii_metadata);

/// `Content-Encoding` of `key` on GET and on HEAD.
async fn content_encodings(h: &Harness, key: &str) -> [Option<String>; 2] {
    let mut found = [None, None];
    for (slot, method) in found.iter_mut().zip([Method::GET, Method::HEAD]) {
        let response = h
            .object(method, h.bucket(), key)
            .signed(WRITER)
            .send()
            .await
            .ok();
        *slot = response.header("content-encoding").map(str::to_owned);
    }
    found
}

async fn content_encoding_keeps_its_spelling(kind: Kind) {
    let h = Harness::start(kind).await;
    for (key, sent) in [
        ("encoding/spaced", "gzip, br"),
        ("encoding/tight", "gzip,br"),
    ] {
        h.object(Method::PUT, h.bucket(), key)
            .header("content-encoding", sent)
            .body("compressed")
            .signed(WRITER)
            .send()
            .await
            .ok();
        let expected = Some(sent.to_owned());
        assert_eq!(
            content_encodings(&h, key).await,
            [expected.clone(), expected]
        );
    }

    // A streaming upload names `aws-chunked` among its codings (botocore appends it:
    // `httpchecksum.py`); S3 stores the others as they were sent.
    for sent in ["gzip, br,aws-chunked", "aws-chunked, gzip, br"] {
        chunked_put_encoded(&h, WRITER, h.bucket(), "encoding/chunked", b"data", sent)
            .send()
            .await
            .ok();
        let expected = Some("gzip, br".to_owned());
        let found = content_encodings(&h, "encoding/chunked").await;
        assert_eq!(found, [expected.clone(), expected], "{sent}");
    }

    // An unsigned streaming upload goes to an S3 backend still framed: the backend removes
    // the token, as S3 does; a store bucket's gateway removes it itself.
    h.object(Method::PUT, h.bucket(), "encoding/trailer")
        .header("content-encoding", "gzip, br,aws-chunked")
        .header("x-amz-decoded-content-length", "4")
        .header("x-amz-trailer", "x-amz-checksum-crc32")
        // CRC-32 of `data`, big-endian, in base64.
        .body("4\r\ndata\r\n0\r\nx-amz-checksum-crc32:rfPzYw==\r\n\r\n")
        .signed_declaring(WRITER, "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        .send()
        .await
        .ok();
    let expected = Some("gzip, br".to_owned());
    let found = content_encodings(&h, "encoding/trailer").await;
    assert_eq!(found, [expected.clone(), expected]);
}

/// AWS, "Working with object metadata": values are decoded per RFC 2047 when stored and,
/// when they are not US-ASCII, encoded per RFC 2047 when returned.
async fn non_ascii_metadata(kind: Kind) {
    let h = Harness::start(kind).await;
    h.object(Method::PUT, h.bucket(), "meta/unicode")
        .header("x-amz-meta-encoded", "=?UTF-8?B?Y2Fmw6kg4piV?=")
        // Raw UTF-8 bytes, as curl sends them.
        .header("x-amz-meta-raw", "café ☕")
        .header("x-amz-meta-ascii-word", "=?UTF-8?B?Y2FmZQ==?=")
        .header("x-amz-meta-plain", "cafe")
        .body("x")
        .signed(WRITER)
        .send()
        .await
        .ok();
    for method in [Method::GET, Method::HEAD] {
        let response = h
            .object(method.clone(), h.bucket(), "meta/unicode")
            .signed(WRITER)
            .send()
            .await
            .ok();
        for (name, value) in [
            ("x-amz-meta-encoded", "=?UTF-8?B?Y2Fmw6kg4piV?="),
            ("x-amz-meta-raw", "=?UTF-8?B?Y2Fmw6kg4piV?="),
            ("x-amz-meta-ascii-word", "cafe"),
            ("x-amz-meta-plain", "cafe"),
        ] {
            assert_eq!(response.header(name), Some(value), "{method} {name}");
        }
    }
}
