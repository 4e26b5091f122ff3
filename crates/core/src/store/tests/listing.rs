//! ListObjects: byte order, prefixes, delimiters, markers, pages, hidden paths.

use http::HeaderMap;

use super::{body, each_store, etag_of, head, header, put};
use crate::backend::{BackendListRequest, BackendPage};
use crate::store::StoreBucket;

/// Keys whose byte order differs from a directory walk's and from encoded-path order.
const KEYS: &[&str] = &[
    "a-b", "a/b", "a/c/d", "a0", "a.txt", "a b", "b", "é", "Z", "a/%41", "a/+",
];

async fn seed(bucket: &StoreBucket, keys: &[&str]) {
    for key in keys {
        put(bucket, key, key.as_bytes()).await;
    }
}

async fn list(
    bucket: &StoreBucket,
    prefix: &str,
    delimiter: Option<&str>,
    start_after: Option<&str>,
    max_keys: usize,
) -> BackendPage {
    let request = BackendListRequest {
        prefix: prefix.to_owned(),
        delimiter: delimiter.map(str::to_owned),
        start_after: start_after.map(str::to_owned),
        max_keys,
    };
    bucket.list(&request).await.unwrap()
}

/// Objects and common prefixes of a page, as names.
fn names(page: &BackendPage) -> (Vec<&str>, Vec<&str>) {
    let objects = page.objects.iter().map(|o| o.key.as_str()).collect();
    let prefixes = page.common_prefixes.iter().map(String::as_str).collect();
    (objects, prefixes)
}

#[test]
fn keys_come_in_byte_order() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        seed(bucket, KEYS).await;
        let page = list(bucket, "", None, None, 1000).await;
        let mut expected = KEYS.to_vec();
        expected.sort_unstable();
        assert_eq!(names(&page).0, expected, "{}", fixture.name());
        assert_eq!(
            &names(&page).0[..6],
            ["Z", "a b", "a-b", "a.txt", "a/%41", "a/+"]
        );
        assert!(!page.is_truncated);
        let object = &page.objects[0];
        assert_eq!(object.size, 1);
        assert_eq!(object.etag.as_deref(), Some(etag_of(b"Z").as_str()));
    });
}

#[test]
fn prefixes_need_not_end_at_a_segment() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        seed(bucket, KEYS).await;
        seed(
            bucket,
            &[
                "photos/2024-01/x.jpg",
                "photos/2024-02.txt",
                "photos/2023/y",
            ],
        )
        .await;
        let page = list(bucket, "a", None, None, 1000).await;
        assert_eq!(
            names(&page).0,
            ["a b", "a-b", "a.txt", "a/%41", "a/+", "a/b", "a/c/d", "a0"]
        );
        let page = list(bucket, "a/", None, None, 1000).await;
        assert_eq!(names(&page).0, ["a/%41", "a/+", "a/b", "a/c/d"]);
        let page = list(bucket, "photos/2024-", Some("/"), None, 1000).await;
        assert_eq!(
            names(&page),
            (vec!["photos/2024-02.txt"], vec!["photos/2024-01/"])
        );
        let page = list(bucket, "photos/2024-0", None, None, 1000).await;
        assert_eq!(
            names(&page).0,
            ["photos/2024-01/x.jpg", "photos/2024-02.txt"]
        );
        let page = list(bucket, "nothing/", Some("/"), None, 1000).await;
        assert_eq!(names(&page), (vec![], vec![]));
        let page = list(bucket, "a/b", None, None, 1000).await;
        assert_eq!(names(&page).0, ["a/b"]);
    });
}

#[test]
fn delimiters_roll_keys_up() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        seed(bucket, KEYS).await;
        let page = list(bucket, "", Some("/"), None, 1000).await;
        assert_eq!(
            names(&page),
            (vec!["Z", "a b", "a-b", "a.txt", "a0", "b", "é"], vec!["a/"])
        );
        let page = list(bucket, "a/", Some("/"), None, 1000).await;
        assert_eq!(names(&page), (vec!["a/%41", "a/+", "a/b"], vec!["a/c/"]));
        // Any delimiter, not only `/`.
        let page = list(bucket, "", Some("-"), None, 1000).await;
        assert_eq!(names(&page).1, ["a-"]);
        assert!(!names(&page).0.contains(&"a-b"));
        let page = list(bucket, "a", Some("/c"), None, 1000).await;
        assert_eq!(names(&page).1, ["a/c"]);
        let page = list(bucket, "", Some("a/"), None, 1000).await;
        assert_eq!(names(&page).1, ["a/"]);
    });
}

#[test]
fn start_after_inside_and_outside_common_prefixes() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        seed(bucket, KEYS).await;
        let page = list(bucket, "", Some("/"), Some("a.txt"), 1000).await;
        assert_eq!(names(&page), (vec!["a0", "b", "é"], vec!["a/"]));
        // Inside `a/`: the prefix sorts before the marker and is not repeated.
        let page = list(bucket, "", Some("/"), Some("a/b"), 1000).await;
        assert_eq!(names(&page), (vec!["a0", "b", "é"], vec![]));
        let page = list(bucket, "", Some("/"), Some("a/"), 1000).await;
        assert_eq!(names(&page), (vec!["a0", "b", "é"], vec![]));
        let page = list(bucket, "", None, Some("a/b"), 1000).await;
        assert_eq!(names(&page).0, ["a/c/d", "a0", "b", "é"]);
        let page = list(bucket, "", None, Some("zz"), 1000).await;
        assert_eq!(names(&page).0, ["é"]);
    });
}

#[test]
fn pages_hold_max_keys_entries() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        seed(bucket, KEYS).await;
        let page = list(bucket, "", None, None, 0).await;
        assert_eq!(names(&page), (vec![], vec![]));
        assert!(!page.is_truncated);
        for delimiter in [None, Some("/")] {
            for max_keys in [1, 2, 3, 5] {
                let whole = list(bucket, "", delimiter, None, 1000).await;
                let mut expected: Vec<String> =
                    whole.objects.iter().map(|o| o.key.clone()).collect();
                expected.extend(whole.common_prefixes.clone());
                expected.sort_unstable();
                let mut seen = Vec::new();
                let mut marker: Option<String> = None;
                loop {
                    let page = list(bucket, "", delimiter, marker.as_deref(), max_keys).await;
                    let mut entries: Vec<String> =
                        page.objects.iter().map(|o| o.key.clone()).collect();
                    entries.extend(page.common_prefixes.clone());
                    entries.sort_unstable();
                    assert!(entries.len() <= max_keys);
                    marker = entries.last().cloned();
                    seen.extend(entries);
                    if !page.is_truncated {
                        break;
                    }
                    assert_eq!(page.objects.len() + page.common_prefixes.len(), max_keys);
                }
                assert_eq!(seen, expected, "{delimiter:?} by {max_keys}");
            }
        }
    });
}

#[test]
fn directory_markers_and_empty_segments_are_listed() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        seed(bucket, &["dir/", "dir/file", "x//y", "/root"]).await;
        let page = list(bucket, "", Some("/"), None, 1000).await;
        assert_eq!(names(&page), (vec![], vec!["/", "dir/", "x/"]));
        let page = list(bucket, "dir/", Some("/"), None, 1000).await;
        assert_eq!(names(&page), (vec!["dir/", "dir/file"], vec![]));
        let page = list(bucket, "x/", Some("/"), None, 1000).await;
        assert_eq!(names(&page), (vec![], vec!["x//"]));
        let page = list(bucket, "x//", Some("/"), None, 1000).await;
        assert_eq!(names(&page), (vec!["x//y"], vec![]));
        let page = list(bucket, "", None, None, 1000).await;
        assert_eq!(names(&page).0, ["/root", "dir/", "dir/file", "x//y"]);
    });
}

#[test]
fn gateway_paths_and_gone_objects_are_never_listed() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let request = super::headers(&[("x-amz-meta-a", "1")]);
        bucket
            .write("kept", &request, body("x"), None)
            .await
            .unwrap();
        bucket
            .write("gone/deep/x", &request, body("x"), None)
            .await
            .unwrap();
        bucket
            .create_multipart("pending", &HeaderMap::new())
            .await
            .unwrap();
        bucket.delete("gone/deep/x").await.unwrap();
        for delimiter in [None, Some("/"), Some("#")] {
            let page = list(bucket, "", delimiter, None, 1000).await;
            let (objects, prefixes) = names(&page);
            assert_eq!(objects, ["kept"], "{delimiter:?} on {}", fixture.name());
            assert!(prefixes.is_empty(), "{delimiter:?}: {prefixes:?}");
        }
        let page = list(bucket, ".multistore/", None, None, 1000).await;
        assert_eq!(names(&page), (vec![], vec![]));
        let page = list(bucket, "gone/", Some("/"), None, 1000).await;
        assert_eq!(names(&page), (vec![], vec![]));
    });
}

#[test]
fn listing_etags_agree_with_head() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let request = super::headers(&[("x-amz-storage-class", "GLACIER")]);
        bucket
            .write("cold", &request, body("brr"), None)
            .await
            .unwrap();
        if let Some(dir) = &fixture.dir {
            std::fs::write(dir.path().join("by-hand.txt"), b"hand").unwrap();
            std::fs::create_dir_all(dir.path().join("p%41")).unwrap();
            std::fs::write(dir.path().join("p%41/x"), b"x").unwrap();
        }
        let page = list(bucket, "", None, None, 1000).await;
        for object in &page.objects {
            let response = head(bucket, &object.key, &HeaderMap::new()).await.unwrap();
            assert_eq!(
                object.etag.as_deref(),
                header(&response, "etag"),
                "{}",
                object.key
            );
        }
        let cold = page.objects.iter().find(|o| o.key == "cold").unwrap();
        assert_eq!(cold.storage_class.as_deref(), Some("GLACIER"));
        if fixture.dir.is_some() {
            let page = list(bucket, "p%41/", Some("/"), None, 1000).await;
            assert_eq!(names(&page).0, ["p%41/x"]);
            let page = list(bucket, "", Some("/"), None, 1000).await;
            assert_eq!(names(&page), (vec!["by-hand.txt", "cold"], vec!["p%41/"]));
        }
    });
}
