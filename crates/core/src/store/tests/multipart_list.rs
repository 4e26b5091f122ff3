//! ListParts and ListMultipartUploads: order, paging, prefixes, delimiters.

use http::HeaderMap;

use super::{body, each_store};
use crate::api::ListPartsParams;
use crate::api::response::UploadsPage;
use crate::store::StoreBucket;

#[test]
fn parts_are_listed_in_order_and_paged() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let id = bucket
            .create_multipart("k", &HeaderMap::new())
            .await
            .unwrap();
        for number in [3u16, 1, 2, 10] {
            let data = format!("part {number}");
            let length = Some(data.len() as u64);
            let none = HeaderMap::new();
            let sent = bucket.upload_part("k", &id, number, body(data), length, &none);
            sent.await.unwrap();
        }
        let page = |max_parts, part_number_marker| ListPartsParams {
            max_parts,
            part_number_marker,
        };
        let first = bucket.list_parts("k", &id, &page(2, None)).await.unwrap();
        let numbers: Vec<u16> = first.parts.iter().map(|p| p.part_number).collect();
        assert_eq!(numbers, [1, 2]);
        assert!(first.is_truncated);
        assert_eq!(first.next_part_number_marker, Some(2));
        assert_eq!(first.parts[0].size, 6);
        assert_eq!(first.parts[0].etag, super::etag_of(b"part 1"));
        let second = bucket
            .list_parts("k", &id, &page(2, Some(2)))
            .await
            .unwrap();
        let numbers: Vec<u16> = second.parts.iter().map(|p| p.part_number).collect();
        assert_eq!(numbers, [3, 10]);
        assert!(!second.is_truncated);
        let third = bucket
            .list_parts("k", &id, &page(2, Some(10)))
            .await
            .unwrap();
        assert!(third.parts.is_empty() && !third.is_truncated);
        let error = bucket.list_parts("other", &id, &page(2, None)).await;
        assert!(matches!(error, Err(crate::ProxyError::NoSuchUpload)));
    });
}

/// Starts an upload of each key, in order, and returns their ids.
async fn start(bucket: &StoreBucket, keys: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for key in keys {
        ids.push(
            bucket
                .create_multipart(key, &HeaderMap::new())
                .await
                .unwrap(),
        );
    }
    ids
}

/// The keys and common prefixes of a page.
fn names(page: &UploadsPage) -> (Vec<&str>, Vec<&str>) {
    let keys = page.uploads.iter().map(|u| u.key.as_str()).collect();
    let prefixes = page.common_prefixes.iter().map(String::as_str).collect();
    (keys, prefixes)
}

#[test]
fn uploads_are_listed_by_key_then_initiation() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let ids = start(bucket, &["b", "a/2", "a/1", "b", "c/d/e", "bz"]).await;
        let all = bucket
            .list_uploads("", None, None, None, 100)
            .await
            .unwrap();
        assert_eq!(names(&all).0, ["a/1", "a/2", "b", "b", "bz", "c/d/e"]);
        assert!(!all.is_truncated);
        // Two uploads of one key: by initiation, then id.
        let b_ids: Vec<&str> = all.uploads[2..4]
            .iter()
            .map(|u| u.upload_id.as_str())
            .collect();
        let mut expected = vec![ids[0].as_str(), ids[3].as_str()];
        if all.uploads[2].initiated == all.uploads[3].initiated {
            expected.sort_unstable();
        }
        assert_eq!(b_ids, expected);

        let rolled = bucket
            .list_uploads("", Some("/"), None, None, 100)
            .await
            .unwrap();
        assert_eq!(names(&rolled), (vec!["b", "b", "bz"], vec!["a/", "c/"]));
        let inside = bucket
            .list_uploads("a/", Some("/"), None, None, 100)
            .await
            .unwrap();
        assert_eq!(names(&inside), (vec!["a/1", "a/2"], vec![]));
        let partial = bucket
            .list_uploads("b", None, None, None, 100)
            .await
            .unwrap();
        assert_eq!(names(&partial).0, ["b", "b", "bz"]);

        // Paging: common prefixes count as one entry each.
        let first = bucket
            .list_uploads("", Some("/"), None, None, 2)
            .await
            .unwrap();
        assert_eq!(names(&first), (vec!["b"], vec!["a/"]));
        assert!(first.is_truncated);
        assert_eq!(first.next_key_marker.as_deref(), Some("b"));
        let marker_id = first.next_upload_id_marker.clone().unwrap();
        assert_eq!(marker_id, all.uploads[2].upload_id);
        let second = bucket
            .list_uploads("", Some("/"), Some("b"), Some(&marker_id), 2)
            .await
            .unwrap();
        assert_eq!(names(&second), (vec!["b", "bz"], vec![]));
        assert_eq!(second.uploads[0].upload_id, all.uploads[3].upload_id);
        assert!(second.is_truncated);
        let third = bucket
            .list_uploads("", Some("/"), Some("bz"), None, 2)
            .await
            .unwrap();
        assert_eq!(names(&third), (vec![], vec!["c/"]));
        assert!(!third.is_truncated);
        assert_eq!(third.next_key_marker.as_deref(), Some("c/"));
        // A key marker alone skips every upload of that key; a common prefix as marker
        // skips what it rolls up.
        let after_b = bucket
            .list_uploads("", None, Some("b"), None, 100)
            .await
            .unwrap();
        assert_eq!(names(&after_b).0, ["bz", "c/d/e"]);
        let after_a = bucket
            .list_uploads("", Some("/"), Some("a/"), None, 100)
            .await
            .unwrap();
        assert_eq!(names(&after_a), (vec!["b", "b", "bz"], vec!["c/"]));
        let empty = bucket.list_uploads("", None, None, None, 0).await.unwrap();
        assert!(empty.uploads.is_empty() && !empty.is_truncated);

        // Completed and aborted uploads are gone from the list.
        bucket.abort_multipart("bz", &ids[5]).await.unwrap();
        let left = bucket
            .list_uploads("b", None, None, None, 100)
            .await
            .unwrap();
        assert_eq!(names(&left).0, ["b", "b"]);
    });
}
