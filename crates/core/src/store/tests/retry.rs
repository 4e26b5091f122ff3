//! A retried CompleteMultipartUpload: answered as the first one while the object it made
//! is still there, `NoSuchUpload` otherwise (S3's CompleteMultipartUpload documentation
//! asks applications to retry a completion that failed).

use http::HeaderMap;

use super::{body, each_store, get, pattern, put};
use crate::ProxyError;
use crate::api::request_body::{Checksums, CompletedPart};
use crate::store::StoreBucket;

/// An upload of `key` with a 5 MiB part and a small one, completed; returns its id, its
/// parts list and the ETag the completion answered.
async fn completed(bucket: &StoreBucket, key: &str) -> (String, Vec<CompletedPart>, String) {
    let none = HeaderMap::new();
    let id = bucket.create_multipart(key, &none).await.unwrap();
    let mut parts = Vec::new();
    for (number, data) in [(1, pattern(5 * 1024 * 1024, 1)), (2, b"tail".to_vec())] {
        let length = Some(data.len() as u64);
        let etag = bucket
            .upload_part(key, &id, number, body(data), length, &none)
            .await
            .unwrap();
        parts.push(CompletedPart {
            part_number: number,
            etag,
            checksums: Checksums::default(),
        });
    }
    let etag = bucket
        .complete_multipart(key, &id, &parts, &none)
        .await
        .unwrap();
    (id, parts, etag)
}

#[test]
fn a_retry_with_the_same_parts_gets_the_same_answer() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let none = HeaderMap::new();
        let (id, parts, etag) = completed(bucket, "big/object").await;
        for _ in 0..2 {
            let retried = bucket.complete_multipart("big/object", &id, &parts, &none);
            assert_eq!(retried.await.unwrap(), etag, "{}", fixture.name());
        }
        // ETags as some clients send them: unquoted, upper-case.
        let unquoted: Vec<CompletedPart> = parts
            .iter()
            .map(|part| CompletedPart {
                etag: part.etag.trim_matches('"').to_ascii_uppercase(),
                ..part.clone()
            })
            .collect();
        let retried = bucket.complete_multipart("big/object", &id, &unquoted, &none);
        assert_eq!(retried.await.unwrap(), etag);
        let (_, data) = get(bucket, "big/object", &none).await.unwrap();
        assert_eq!(data.len(), 5 * 1024 * 1024 + 4);
    });
}

#[test]
fn a_retry_with_other_parts_or_of_another_key_is_no_such_upload() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let none = HeaderMap::new();
        let (id, parts, _) = completed(bucket, "k").await;
        let fewer = &parts[..1];
        let error = bucket.complete_multipart("k", &id, fewer, &none).await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)), "{error:?}");
        let mut other = parts.clone();
        other[1].etag = "\"00000000000000000000000000000000\"".into();
        let error = bucket.complete_multipart("k", &id, &other, &none).await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)), "{error:?}");
        let mut malformed = parts.clone();
        malformed[0].etag = "not-an-etag".into();
        let error = bucket.complete_multipart("k", &id, &malformed, &none).await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)), "{error:?}");
        let error = bucket.complete_multipart("k2", &id, &parts, &none).await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)), "{error:?}");
        let error =
            bucket.complete_multipart("k", "0123456789ABCDEF0123456789ABCDEF", &parts, &none);
        assert!(matches!(error.await, Err(ProxyError::NoSuchUpload)));
    });
}

#[test]
fn a_retry_after_the_key_was_written_again_is_no_such_upload() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let none = HeaderMap::new();

        // Overwritten by a PutObject.
        let (id, parts, _) = completed(bucket, "put-over").await;
        put(bucket, "put-over", b"newer").await;
        let error = bucket
            .complete_multipart("put-over", &id, &parts, &none)
            .await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)), "{error:?}");

        // Overwritten by a copy of itself (the very same bytes and ETag).
        let (id, parts, _) = completed(bucket, "copied-over").await;
        bucket
            .copy(bucket, "copied-over", "copy", &none)
            .await
            .unwrap();
        bucket
            .copy(bucket, "copy", "copied-over", &none)
            .await
            .unwrap();
        let error = bucket.complete_multipart("copied-over", &id, &parts, &none);
        assert!(matches!(error.await, Err(ProxyError::NoSuchUpload)));
        // And the copy was not made by that upload either.
        let error = bucket.complete_multipart("copy", &id, &parts, &none).await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)));

        // Overwritten by another upload of the same parts.
        let (first, parts, _) = completed(bucket, "twice").await;
        let (second, _, etag) = completed(bucket, "twice").await;
        let error = bucket
            .complete_multipart("twice", &first, &parts, &none)
            .await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)), "{error:?}");
        let retried = bucket.complete_multipart("twice", &second, &parts, &none);
        assert_eq!(retried.await.unwrap(), etag);

        // Deleted.
        let (id, parts, _) = completed(bucket, "deleted").await;
        bucket.delete("deleted").await.unwrap();
        let error = bucket
            .complete_multipart("deleted", &id, &parts, &none)
            .await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)), "{error:?}");
    });
}
