//! Multipart uploads: parts in any order, completion rules, ETags, abort, visibility.

use http::HeaderMap;
use md5::{Digest, Md5};

use super::{body, each_store, etag_of, get, header, headers, pattern, read, store_paths};
use crate::ProxyError;
use crate::api::request_body::{Checksums, CompletedPart};
use crate::backend::BackendListRequest;
use crate::store::StoreBucket;

const MIB: usize = 1024 * 1024;

/// The completion entry of a part.
fn part(part_number: u16, etag: &str) -> CompletedPart {
    CompletedPart {
        part_number,
        etag: etag.to_owned(),
        checksums: Checksums::default(),
    }
}

/// Uploads `data` as part `number` and returns its ETag.
async fn upload(bucket: &StoreBucket, key: &str, id: &str, number: u16, data: &[u8]) -> String {
    let length = Some(data.len() as u64);
    let none = HeaderMap::new();
    let sent = bucket.upload_part(key, id, number, body(data.to_vec()), length, &none);
    sent.await
        .unwrap_or_else(|error| panic!("part {number}: {error:?}"))
}

/// The S3 ETag of a multipart object made of `parts`.
fn multipart_etag(parts: &[&[u8]]) -> String {
    let mut hasher = Md5::new();
    for part in parts {
        hasher.update(Md5::digest(part));
    }
    format!("\"{}-{}\"", hex::encode(hasher.finalize()), parts.len())
}

/// Keys a plain listing shows.
async fn listed_keys(bucket: &StoreBucket, delimiter: Option<&str>) -> Vec<String> {
    let request = BackendListRequest {
        prefix: String::new(),
        delimiter: delimiter.map(str::to_owned),
        start_after: None,
        max_keys: 1000,
    };
    let page = bucket.list(&request).await.unwrap();
    let objects = page.objects.into_iter().map(|object| object.key);
    objects.chain(page.common_prefixes).collect()
}

#[test]
fn parts_in_any_order_assemble_into_one_object() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let create = headers(&[("content-type", "video/mp4"), ("x-amz-meta-a", "b")]);
        let id = bucket
            .create_multipart("media/movie.mp4", &create)
            .await
            .unwrap();
        assert_eq!(id.len(), 32);
        let one = pattern(5 * MIB, 1);
        let two_first = pattern(5 * MIB + 3, 2);
        let two = pattern(5 * MIB + 7, 4);
        let three = pattern(1000, 3);
        let key = "media/movie.mp4";
        let etag3 = upload(bucket, key, &id, 3, &three).await;
        let etag2_first = upload(bucket, key, &id, 2, &two_first).await;
        let etag1 = upload(bucket, key, &id, 1, &one).await;
        // Sent again with other bytes: the last one counts.
        let etag2 = upload(bucket, key, &id, 2, &two).await;
        assert_eq!(etag1, etag_of(&one));
        assert_ne!(etag2, etag2_first);

        // Half-finished: invisible.
        assert!(listed_keys(bucket, None).await.is_empty());
        assert!(listed_keys(bucket, Some("/")).await.is_empty());
        assert!(matches!(
            get(bucket, key, &HeaderMap::new()).await,
            Err(ProxyError::NoSuchKey(_))
        ));

        let stale = [part(1, &etag1), part(2, &etag2_first), part(3, &etag3)];
        let error = bucket
            .complete_multipart(key, &id, &stale, &HeaderMap::new())
            .await;
        assert!(
            matches!(error, Err(ProxyError::InvalidPart(_))),
            "{error:?}"
        );

        let parts = [part(1, &etag1), part(2, &etag2), part(3, &etag3)];
        let etag = bucket
            .complete_multipart(key, &id, &parts, &HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(etag, multipart_etag(&[&one, &two, &three]));
        assert!(etag.ends_with("-3\""));

        let (response, data) = get(bucket, key, &HeaderMap::new()).await.unwrap();
        assert!(data == [one.clone(), two.clone(), three.clone()].concat());
        assert_eq!(header(&response, "etag"), Some(etag.as_str()));
        assert_eq!(header(&response, "content-type"), Some("video/mp4"));
        assert_eq!(header(&response, "x-amz-meta-a"), Some("b"));
        assert_eq!(header(&response, "x-amz-mp-parts-count"), Some("3"));

        let (response, data) = read(bucket, key, &HeaderMap::new(), Some(2)).await.unwrap();
        assert!(data == two);
        let total = one.len() + two.len() + three.len();
        let range = format!("bytes {}-{}/{total}", one.len(), one.len() + two.len() - 1);
        assert_eq!(header(&response, "content-range"), Some(range.as_str()));
        assert_eq!(response.status.as_u16(), 206);
        let error = read(bucket, key, &HeaderMap::new(), Some(4))
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::InvalidRange));

        assert_eq!(listed_keys(bucket, None).await, [key]);
        let paths = store_paths(bucket).await;
        assert!(!paths.iter().any(|p| p.contains(&id)), "{paths:?}");
        let error = bucket
            .upload_part(key, &id, 1, body("x"), None, &HeaderMap::new())
            .await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)));
    });
}

#[test]
fn completion_checks_order_sizes_and_etags() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let key = "k";
        let id = bucket
            .create_multipart(key, &HeaderMap::new())
            .await
            .unwrap();
        let small = upload(bucket, key, &id, 1, b"small").await;
        let large = pattern(5 * MIB, 9);
        let etag2 = upload(bucket, key, &id, 2, &large).await;
        let etag3 = upload(bucket, key, &id, 3, b"tail").await;
        let none = HeaderMap::new();

        let unordered = [part(2, &etag2), part(1, &small)];
        let error = bucket.complete_multipart(key, &id, &unordered, &none).await;
        assert!(matches!(error, Err(ProxyError::InvalidPartOrder)));
        let repeated = [part(2, &etag2), part(2, &etag2)];
        let error = bucket.complete_multipart(key, &id, &repeated, &none).await;
        assert!(matches!(error, Err(ProxyError::InvalidPartOrder)));
        let too_small = [part(1, &small), part(2, &etag2)];
        let error = bucket.complete_multipart(key, &id, &too_small, &none).await;
        assert!(matches!(error, Err(ProxyError::EntityTooSmall)));
        let missing = [part(2, &etag2), part(4, &etag3)];
        let error = bucket.complete_multipart(key, &id, &missing, &none).await;
        assert!(matches!(error, Err(ProxyError::InvalidPart(_))));
        let error = bucket
            .complete_multipart("other", &id, &[part(3, &etag3)], &none)
            .await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)));

        // A subset of the parts, ETags unquoted as some clients send them.
        let unquoted = etag3.trim_matches('"').to_owned();
        let subset = [part(2, &etag2), part(3, &unquoted)];
        let etag = bucket
            .complete_multipart(key, &id, &subset, &none)
            .await
            .unwrap();
        assert_eq!(etag, multipart_etag(&[&large, b"tail"]));
        let (_, data) = get(bucket, key, &none).await.unwrap();
        assert!(data == [large.as_slice(), b"tail"].concat());
        // Completed: the upload is gone, but a retry of the same completion is answered
        // as the first one was (see `retry.rs`).
        let retried = bucket.complete_multipart(key, &id, &subset, &none).await;
        assert_eq!(retried.unwrap(), etag);
        let error = bucket
            .complete_multipart(key, &id, &[part(3, &etag3)], &none)
            .await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)));
    });
}

#[test]
fn parts_are_checked_like_objects() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let id = bucket
            .create_multipart("k", &HeaderMap::new())
            .await
            .unwrap();
        let none = HeaderMap::new();
        let short = bucket
            .upload_part("k", &id, 1, body("abc"), Some(5), &none)
            .await;
        assert!(matches!(short, Err(ProxyError::IncompleteBody)));
        let md5 = headers(&[("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==")]);
        let bad = bucket
            .upload_part("k", &id, 1, body("abc"), None, &md5)
            .await;
        assert!(matches!(bad, Err(ProxyError::BadDigest)));
        let range = bucket
            .upload_part("k", &id, 0, body("abc"), None, &none)
            .await;
        assert!(matches!(range, Err(ProxyError::InvalidArgument(_))));
        let unknown = "0123456789ABCDEF0123456789ABCDEF";
        for id in [unknown, "../../meta", ""] {
            let error = bucket
                .upload_part("k", id, 1, body("abc"), None, &none)
                .await;
            assert!(matches!(error, Err(ProxyError::NoSuchUpload)), "{id:?}");
        }
        let other_key = bucket
            .upload_part("other", &id, 1, body("abc"), None, &none)
            .await;
        assert!(matches!(other_key, Err(ProxyError::NoSuchUpload)));
        let params = crate::api::ListPartsParams {
            max_parts: 10,
            part_number_marker: None,
        };
        assert!(
            bucket
                .list_parts("k", &id, &params)
                .await
                .unwrap()
                .parts
                .is_empty()
        );
    });
}

#[test]
fn abort_removes_everything_staged() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let id = bucket
            .create_multipart("k", &HeaderMap::new())
            .await
            .unwrap();
        upload(bucket, "k", &id, 1, b"one").await;
        upload(
            bucket,
            "k",
            &id,
            2,
            &pattern(crate::store::PART_SIZE + 1, 5),
        )
        .await;
        assert!(store_paths(bucket).await.iter().any(|p| p.contains(&id)));
        let error = bucket.abort_multipart("other", &id).await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)));
        bucket.abort_multipart("k", &id).await.unwrap();
        let paths = store_paths(bucket).await;
        assert!(paths.is_empty(), "{}: {paths:?}", fixture.name());
        if let Some(dir) = &fixture.dir {
            let uploads = dir.path().join(".multistore/uploads").join(&id);
            let files = walk(&uploads);
            assert!(files.is_empty(), "left under {uploads:?}: {files:?}");
        }
        let error = bucket.abort_multipart("k", &id).await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)));
        let none = HeaderMap::new();
        let error = bucket
            .complete_multipart("k", &id, &[part(1, "\"x\"")], &none)
            .await;
        assert!(matches!(error, Err(ProxyError::NoSuchUpload)));
        assert!(
            bucket
                .list_uploads("", None, None, None, 10)
                .await
                .unwrap()
                .uploads
                .is_empty()
        );
    });
}

/// Every file below `dir` (none if it does not exist).
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn conditional_completion() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        super::put(bucket, "taken", b"old").await;
        let id = bucket
            .create_multipart("taken", &HeaderMap::new())
            .await
            .unwrap();
        let etag = upload(bucket, "taken", &id, 1, b"new").await;
        let create = headers(&[("if-none-match", "*")]);
        let error = bucket
            .complete_multipart("taken", &id, &[part(1, &etag)], &create)
            .await;
        assert!(matches!(error, Err(ProxyError::PreconditionFailed)));
        let (_, data) = get(bucket, "taken", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"old");
        // The upload survives a failed completion.
        let parts = [part(1, &etag)];
        let none = HeaderMap::new();
        bucket
            .complete_multipart("taken", &id, &parts, &none)
            .await
            .unwrap();
        let (_, data) = get(bucket, "taken", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"new");
    });
}
