//! Writes: digests, lengths, conditions, deletes, tagging, streaming.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use futures_util::StreamExt;
use http::HeaderMap;
use md5::{Digest, Md5};

use super::{
    body, chunked, each_store, etag_of, files_under, get, headers, pattern, put, store_paths,
};
use crate::ProxyError;
use crate::api::request_body::Tag;
use crate::backend::BodyStream;
use crate::store::PART_SIZE;

#[test]
fn content_md5_is_checked_before_anything_changes() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        put(bucket, "k", b"old").await;
        let good = STANDARD.encode(Md5::digest(b"new"));
        let request = headers(&[("content-md5", &good)]);
        let etag = bucket
            .write("k", &request, body("new"), Some(3))
            .await
            .unwrap();
        assert_eq!(etag, etag_of(b"new"));

        let wrong = STANDARD.encode(Md5::digest(b"other"));
        let request = headers(&[("content-md5", &wrong)]);
        let error = bucket
            .write("k", &request, body("bad!"), Some(4))
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::BadDigest), "{error:?}");
        let (_, data) = get(bucket, "k", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"new", "a bad digest must leave the old object");

        let new_key = bucket.write("fresh", &request, body("bad!"), Some(4));
        assert!(matches!(new_key.await, Err(ProxyError::BadDigest)));
        let missing = get(bucket, "fresh", &HeaderMap::new()).await;
        assert!(matches!(missing, Err(ProxyError::NoSuchKey(_))));

        for malformed in ["not base64!", "AAAA"] {
            let request = headers(&[("content-md5", malformed)]);
            let error = bucket
                .write("k", &request, body("x"), Some(1))
                .await
                .unwrap_err();
            assert!(matches!(error, ProxyError::InvalidDigest), "{malformed}");
        }
    });
}

#[test]
fn short_bodies_are_incomplete_and_change_nothing() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        put(bucket, "k", b"old").await;
        let error = bucket
            .write("k", &HeaderMap::new(), body("12345"), Some(10))
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::IncompleteBody));
        let (_, data) = get(bucket, "k", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"old");
        let error = bucket
            .write("k", &HeaderMap::new(), body("1234567890"), Some(4))
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::InvalidRequest(_)));
    });
}

#[test]
fn a_failing_body_leaves_nothing_behind() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let before = store_paths(bucket).await;
        // Past one part, so a store multipart upload is under way when the body fails.
        let chunks = vec![
            Ok(Bytes::from(vec![1u8; PART_SIZE])),
            Ok(Bytes::from(vec![2u8; 1024])),
            Err(ProxyError::IncompleteBody),
        ];
        let failing: BodyStream = Box::pin(futures_util::stream::iter(chunks));
        let error = bucket.write("big", &HeaderMap::new(), failing, None).await;
        assert!(matches!(error, Err(ProxyError::IncompleteBody)));
        assert!(matches!(
            get(bucket, "big", &HeaderMap::new()).await,
            Err(ProxyError::NoSuchKey(_))
        ));
        assert_eq!(store_paths(bucket).await, before, "{}", fixture.name());
        if let Some(dir) = &fixture.dir {
            let leftovers = files_under(dir.path());
            assert!(leftovers.is_empty(), "staging files left: {leftovers:?}");
        }
    });
}

#[test]
fn if_none_match_star_writes_only_new_keys() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let request = headers(&[("if-none-match", "*")]);
        bucket
            .write("k", &request, body("one"), None)
            .await
            .unwrap();
        let error = bucket
            .write("k", &request, body("two"), None)
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::PreconditionFailed));
        let (_, data) = get(bucket, "k", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"one");
        // A body larger than one part is staged and linked into place.
        let large = pattern(PART_SIZE + 100, 7);
        let etag = bucket
            .write("large", &request, chunked(&large, 1 << 20), None)
            .await
            .unwrap();
        assert_eq!(etag, etag_of(&large));
        let (_, data) = get(bucket, "large", &HeaderMap::new()).await.unwrap();
        assert!(data == large);
        let paths = store_paths(bucket).await;
        assert!(
            !paths.iter().any(|p| p.starts_with(".multistore/staging")),
            "{paths:?}"
        );
        let refused = bucket.write("large", &request, chunked(&large, 1 << 20), None);
        assert!(matches!(refused.await, Err(ProxyError::PreconditionFailed)));
        let other = headers(&[("if-none-match", "\"abc\"")]);
        let error = bucket
            .write("k", &other, body("x"), None)
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::NotImplemented(_)));
    });
}

#[test]
fn if_match_compares_with_the_current_etag() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let etag = put(bucket, "k", b"one").await;
        let request = headers(&[("if-match", "\"00000000000000000000000000000000\"")]);
        let error = bucket
            .write("k", &request, body("two"), None)
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::PreconditionFailed));
        let request = headers(&[("if-match", etag.as_str())]);
        bucket
            .write("k", &request, body("two"), None)
            .await
            .unwrap();
        let (_, data) = get(bucket, "k", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"two");
        let error = bucket
            .write("nope", &request, body("x"), None)
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::NoSuchKey(_)));
    });
}

#[test]
fn deletes_are_idempotent_and_remove_the_sidecar() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let request = headers(&[("x-amz-meta-a", "1")]);
        bucket
            .write("d/x", &request, body("x"), None)
            .await
            .unwrap();
        bucket.delete("d/x").await.unwrap();
        assert!(matches!(
            get(bucket, "d/x", &HeaderMap::new()).await,
            Err(ProxyError::NoSuchKey(_))
        ));
        bucket.delete("d/x").await.unwrap();
        bucket.delete("never/was").await.unwrap();
        let paths = store_paths(bucket).await;
        assert!(paths.is_empty(), "{}: {paths:?}", fixture.name());
        // A key that names a directory is no object either.
        put(bucket, "d/y", b"y").await;
        bucket.delete("d").await.unwrap();
        let (_, data) = get(bucket, "d/y", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"y");
    });
}

#[test]
fn tags_can_be_replaced_and_read() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        put(bucket, "t", b"x").await;
        assert!(bucket.get_tagging("t").await.unwrap().is_empty());
        let tags = vec![Tag {
            key: "project".into(),
            value: "a b".into(),
        }];
        bucket.put_tagging("t", tags.clone()).await.unwrap();
        assert_eq!(bucket.get_tagging("t").await.unwrap(), tags);
        let (response, _) = get(bucket, "t", &HeaderMap::new()).await.unwrap();
        assert_eq!(response.headers["x-amz-tagging-count"], "1");
        assert_eq!(response.headers["etag"], etag_of(b"x").as_str());
        let too_many = (0..11)
            .map(|i| Tag {
                key: format!("k{i}"),
                value: String::new(),
            })
            .collect();
        let error = bucket.put_tagging("t", too_many).await.unwrap_err();
        assert!(matches!(error, ProxyError::InvalidArgument(_)));
        let error = bucket.put_tagging("missing", Vec::new()).await.unwrap_err();
        assert!(matches!(error, ProxyError::NoSuchKey(_)));
        let bad = headers(&[("x-amz-tagging", "a=1&a=2")]);
        let error = bucket.write("t", &bad, body("x"), None).await.unwrap_err();
        assert!(matches!(error, ProxyError::InvalidArgument(_)));
    });
}

/// A body of `size` bytes made chunk by chunk as it is read, never held whole.
fn generated(size: usize, chunk: usize) -> BodyStream {
    let stream = futures_util::stream::unfold(0usize, move |offset| async move {
        if offset >= size {
            return None;
        }
        let length = chunk.min(size - offset);
        let data: Vec<u8> = (offset..offset + length).map(|i| (i % 251) as u8).collect();
        Some((Ok(Bytes::from(data)), offset + length))
    });
    Box::pin(stream)
}

#[test]
fn large_bodies_stream_in_parts() {
    const SIZE: usize = 20 * 1024 * 1024 + 12_345;
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let mut expected = Md5::new();
        let mut source = generated(SIZE, 64 * 1024);
        while let Some(chunk) = source.next().await {
            expected.update(chunk.unwrap());
        }
        let expected = format!("\"{}\"", hex::encode(expected.finalize()));
        let length = Some(SIZE as u64);
        let etag = bucket
            .write("big", &HeaderMap::new(), generated(SIZE, 64 * 1024), length)
            .await
            .unwrap();
        assert_eq!(etag, expected);
        // Read back as a stream, hashing as it comes.
        let options = crate::store::ReadOptions {
            mode: crate::store::ReadMode::Get,
            headers: &HeaderMap::new(),
            part_number: None,
        };
        let mut response = bucket.read("big", &options).await.unwrap();
        let mut stream = response.body.take().unwrap();
        let (mut hasher, mut read) = (Md5::new(), 0usize);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.unwrap();
            read += chunk.len();
            hasher.update(&chunk);
        }
        assert_eq!(read, SIZE);
        assert_eq!(format!("\"{}\"", hex::encode(hasher.finalize())), expected);
        assert_eq!(
            response.headers["content-length"],
            SIZE.to_string().as_str()
        );
    });
}

#[test]
fn huge_chunks_are_split_into_whole_parts() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        // One chunk of two and a half parts, then a small one.
        let data = pattern(PART_SIZE * 5 / 2, 11);
        let chunks = vec![
            Ok(Bytes::from(data[..PART_SIZE * 5 / 2 - 10].to_vec())),
            Ok(Bytes::from(data[PART_SIZE * 5 / 2 - 10..].to_vec())),
        ];
        let stream: BodyStream = Box::pin(futures_util::stream::iter(chunks));
        let length = Some(data.len() as u64);
        let etag = bucket
            .write("split", &HeaderMap::new(), stream, length)
            .await
            .unwrap();
        assert_eq!(etag, etag_of(&data));
        let (_, read) = get(bucket, "split", &HeaderMap::new()).await.unwrap();
        assert!(read == data);
    });
}
