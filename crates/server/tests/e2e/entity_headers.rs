//! What an object carries besides its bytes comes back as S3 returns it: `Content-Encoding`
//! as sent (only `aws-chunked` framing removed).

use http::Method;

use crate::chunked::chunked_put_encoded;
use crate::harness::{Harness, Kind, WRITER};

both_backends!(content_encoding_keeps_its_spelling);

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
}
