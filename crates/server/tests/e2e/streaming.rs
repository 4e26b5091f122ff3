//! Signed `aws-chunked` uploads: verified chunk by chunk, and a bad chunk leaves nothing.

use http::Method;

use crate::chunked::{Flaw, chunked_put};
use crate::data::pattern;
use crate::harness::{Harness, Kind, WRITER};

both_backends!(
    signed_chunked_upload,
    corrupted_chunk_leaves_nothing,
    wrong_decoded_length_leaves_nothing
);

/// Three full 64 KiB chunks and a partial one.
const LENGTH: usize = 3 * 65_536 + 1_000;
const CHUNK: usize = 65_536;

async fn signed_chunked_upload(kind: Kind) {
    let h = Harness::start(kind).await;
    let data = pattern(LENGTH);
    let response = chunked_put(
        &h,
        WRITER,
        h.bucket(),
        "stream/ok.bin",
        &data,
        CHUNK,
        Flaw::None,
    )
    .send()
    .await
    .ok();
    assert!(response.header("etag").is_some());

    let got = h
        .object(Method::GET, h.bucket(), "stream/ok.bin")
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(
        got.header("content-length"),
        Some(LENGTH.to_string().as_str())
    );
    assert!(
        got.body == data,
        "the decoded payload is stored, not the framing"
    );
    assert_eq!(
        got.header("content-encoding"),
        None,
        "aws-chunked is framing, not a stored encoding"
    );
    assert_eq!(got.header("content-type"), Some("text/plain"));
}

async fn corrupted_chunk_leaves_nothing(kind: Kind) {
    let h = Harness::start(kind).await;
    let data = pattern(LENGTH);
    let before = h.snapshot();
    // The second data chunk, then the final empty chunk.
    for corrupt in [1, 4] {
        let response = chunked_put(
            &h,
            WRITER,
            h.bucket(),
            "stream/bad.bin",
            &data,
            CHUNK,
            Flaw::CorruptChunk(corrupt),
        )
        .send()
        .await;
        assert!(
            response.status.is_client_error(),
            "chunk {corrupt}: a bad chunk signature fails the upload: {} {}",
            response.status,
            response.text()
        );
        assert_eq!(
            response.code().as_deref(),
            Some("SignatureDoesNotMatch"),
            "{}",
            response.text()
        );
        h.object(Method::HEAD, h.bucket(), "stream/bad.bin")
            .signed(WRITER)
            .send()
            .await
            .assert_status(http::StatusCode::NOT_FOUND);
        assert_eq!(
            h.snapshot().files(),
            before.files(),
            "chunk {corrupt}: nothing reached the backend"
        );
    }
}

async fn wrong_decoded_length_leaves_nothing(kind: Kind) {
    let h = Harness::start(kind).await;
    let data = pattern(LENGTH);
    let before = h.snapshot();
    for declared in [LENGTH - 1, LENGTH + 1, CHUNK] {
        let response = chunked_put(
            &h,
            WRITER,
            h.bucket(),
            "stream/lying.bin",
            &data,
            CHUNK,
            Flaw::DeclaredLength(declared),
        )
        .send()
        .await;
        assert!(
            response.status.is_client_error() && response.code().is_some(),
            "declared {declared} for {LENGTH}: {} {}",
            response.status,
            response.text()
        );
        h.object(Method::HEAD, h.bucket(), "stream/lying.bin")
            .signed(WRITER)
            .send()
            .await
            .assert_status(http::StatusCode::NOT_FOUND);
        assert_eq!(
            h.snapshot().files(),
            before.files(),
            "declared {declared}: nothing reached the backend"
        );
    }
}
