//! CopyObject: directives, conditions, self-copies, copies between stores; the source
//! read of UploadPartCopy.

use http::HeaderMap;

use super::{Fixture, each_store, etag_of, get, header, headers};
use crate::ProxyError;

#[test]
fn copy_keeps_or_replaces_metadata() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let source_headers = headers(&[
            ("content-type", "text/plain"),
            ("x-amz-meta-origin", "source"),
            ("x-amz-tagging", "a=1"),
        ]);
        let etag = bucket
            .write("src", &source_headers, super::body("payload"), None)
            .await
            .unwrap();

        let copied = bucket
            .copy(bucket, "src", "dst/copy", &HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(copied.etag, etag);
        let (response, data) = get(bucket, "dst/copy", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"payload");
        assert_eq!(header(&response, "content-type"), Some("text/plain"));
        assert_eq!(header(&response, "x-amz-meta-origin"), Some("source"));
        assert_eq!(header(&response, "x-amz-tagging-count"), Some("1"));
        assert_eq!(header(&response, "etag"), Some(etag.as_str()));
        let expected = super::super::conditions::http_date(copied.last_modified);
        assert_eq!(header(&response, "last-modified"), Some(expected.as_str()));

        let replace = headers(&[
            ("x-amz-metadata-directive", "REPLACE"),
            ("content-type", "application/json"),
            ("x-amz-meta-new", "yes"),
            ("x-amz-tagging-directive", "REPLACE"),
            ("x-amz-tagging", "b=2&c=3"),
        ]);
        bucket
            .copy(bucket, "src", "dst/replaced", &replace)
            .await
            .unwrap();
        let (response, _) = get(bucket, "dst/replaced", &HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(header(&response, "content-type"), Some("application/json"));
        assert_eq!(header(&response, "x-amz-meta-new"), Some("yes"));
        assert_eq!(header(&response, "x-amz-meta-origin"), None);
        assert_eq!(header(&response, "x-amz-tagging-count"), Some("2"));
        // The source is untouched.
        let (response, _) = get(bucket, "src", &HeaderMap::new()).await.unwrap();
        assert_eq!(header(&response, "x-amz-meta-origin"), Some("source"));

        let bad = headers(&[("x-amz-metadata-directive", "MERGE")]);
        let error = bucket.copy(bucket, "src", "x", &bad).await.unwrap_err();
        assert!(matches!(error, ProxyError::InvalidArgument(_)));
        let error = bucket
            .copy(bucket, "missing", "x", &HeaderMap::new())
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::NoSuchKey(ref key) if key == "missing"));
    });
}

#[test]
fn copy_source_conditions_fail_with_412() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let etag = super::put(bucket, "src", b"x").await;
        let past = "Mon, 01 Jan 2001 00:00:00 GMT";
        let future = "Fri, 01 Jan 2100 00:00:00 GMT";
        let failing = [
            ("x-amz-copy-source-if-match", "\"nope\""),
            ("x-amz-copy-source-if-none-match", etag.as_str()),
            ("x-amz-copy-source-if-modified-since", future),
            ("x-amz-copy-source-if-unmodified-since", past),
        ];
        for (name, value) in failing {
            let request = headers(&[(name, value)]);
            let error = bucket
                .copy(bucket, "src", "dst", &request)
                .await
                .unwrap_err();
            assert!(matches!(error, ProxyError::PreconditionFailed), "{name}");
        }
        let passing = [
            ("x-amz-copy-source-if-match", etag.as_str()),
            ("x-amz-copy-source-if-none-match", "\"nope\""),
            ("x-amz-copy-source-if-modified-since", past),
            ("x-amz-copy-source-if-unmodified-since", future),
        ];
        for (name, value) in passing {
            let request = headers(&[(name, value)]);
            bucket.copy(bucket, "src", "dst", &request).await.unwrap();
        }
        assert!(matches!(
            get(bucket, "dst", &HeaderMap::new()).await,
            Ok((_, data)) if data == b"x"
        ));
    });
}

#[test]
fn copying_onto_itself_needs_a_change() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let request = headers(&[("content-type", "text/plain")]);
        let etag = bucket
            .write("k", &request, super::body("x"), None)
            .await
            .unwrap();
        let error = bucket
            .copy(bucket, "k", "k", &HeaderMap::new())
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::InvalidRequest(ref m) if m.contains("itself")));
        let replace = headers(&[
            ("x-amz-metadata-directive", "REPLACE"),
            ("content-type", "text/markdown"),
        ]);
        let copied = bucket.copy(bucket, "k", "k", &replace).await.unwrap();
        assert_eq!(copied.etag, etag);
        let (response, data) = get(bucket, "k", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"x");
        assert_eq!(header(&response, "content-type"), Some("text/markdown"));
        let paths = super::store_paths(bucket).await;
        assert_eq!(paths.len(), 2, "the data and its sidecar only: {paths:?}");
    });
}

#[test]
fn copies_between_stores_stream_the_bytes() {
    futures_executor::block_on(async {
        let memory = Fixture::memory();
        let local = Fixture::local();
        let data = super::pattern(crate::store::PART_SIZE + 10, 3);
        let request = headers(&[("x-amz-meta-k", "v")]);
        let etag = memory
            .bucket
            .write("a/src", &request, super::chunked(&data, 65536), None)
            .await
            .unwrap();
        assert_eq!(etag, etag_of(&data));
        let copied = local
            .bucket
            .copy(&memory.bucket, "a/src", "b/dst", &HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(copied.etag, etag);
        let (response, read) = get(&local.bucket, "b/dst", &HeaderMap::new())
            .await
            .unwrap();
        assert!(read == data);
        assert_eq!(header(&response, "x-amz-meta-k"), Some("v"));
        // Different stores: a copy onto "itself" by name is an ordinary copy.
        local
            .bucket
            .copy(&memory.bucket, "a/src", "a/src", &HeaderMap::new())
            .await
            .unwrap();
    });
}

/// The bytes an UploadPartCopy of `key` with `range` would copy, or the refusal.
async fn copy_source(
    bucket: &crate::store::StoreBucket,
    key: &str,
    conditions: &HeaderMap,
    range: &str,
) -> Result<Vec<u8>, ProxyError> {
    let range = match range {
        "" => None,
        range => Some(crate::api::CopySourceRange::parse(range).unwrap()),
    };
    let (stream, length) = bucket.read_copy_source(key, conditions, range).await?;
    let data = super::collect(stream).await;
    assert_eq!(data.len() as u64, length);
    Ok(data)
}

#[test]
fn a_part_copy_reads_exactly_its_range_or_refuses_it() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let none = HeaderMap::new();
        super::put(bucket, "ten", b"0123456789").await;
        super::put(bucket, "empty", b"").await;
        assert_eq!(
            copy_source(bucket, "ten", &none, "").await.unwrap(),
            b"0123456789"
        );
        assert_eq!(
            copy_source(bucket, "ten", &none, "bytes=0-9")
                .await
                .unwrap(),
            b"0123456789"
        );
        assert_eq!(
            copy_source(bucket, "ten", &none, "bytes=2-4")
                .await
                .unwrap(),
            b"234"
        );
        assert_eq!(
            copy_source(bucket, "ten", &none, "bytes=9-9")
                .await
                .unwrap(),
            b"9"
        );
        // Past the end (as ceph's `test_multipart_copy_invalid_range`: 0-21 of 5 bytes):
        // S3 refuses rather than copying what there is.
        for (key, range, size) in [
            ("ten", "bytes=0-10", 10),
            ("ten", "bytes=5-21", 10),
            ("ten", "bytes=10-10", 10),
            ("empty", "bytes=0-0", 0),
        ] {
            let error = copy_source(bucket, key, &none, range).await.unwrap_err();
            assert_eq!(error.s3_code(), "InvalidArgument", "{range}");
            let message = format!("Range specified is not valid for source object of size: {size}");
            assert_eq!(error.client_message(), message, "{range}");
        }
        let error = copy_source(bucket, "missing", &none, "bytes=0-1")
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::NoSuchKey(_)), "{error:?}");
        let stale = headers(&[("if-match", "\"00000000000000000000000000000000\"")]);
        let error = copy_source(bucket, "ten", &stale, "bytes=0-1")
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::PreconditionFailed), "{error:?}");
        let unchanged = headers(&[("if-none-match", &etag_of(b"0123456789"))]);
        let error = copy_source(bucket, "ten", &unchanged, "")
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::PreconditionFailed), "{error:?}");
    });
}
