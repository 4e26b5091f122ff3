//! Keys ↔ paths: round trips, natural names on disk, reserved names.

use http::HeaderMap;
use object_store::path::Path;

use super::{each_store, get, put};
use crate::ProxyError;
use crate::backend::BackendListRequest;
use crate::store::key_codec::path_of;
use crate::store::{StoreKind, key_from_path, key_path};

/// Keys whose characters `object_store` encodes, or whose shape a path cannot hold.
const ODD_KEYS: &[&str] = &[
    "a b",
    "a+b",
    "100%",
    "100%25",
    "L%3ABC.parquet",
    "k=v",
    "hash#tag",
    "what?",
    "x*y|z\\w",
    "[brackets]{braces}<angle>\"quote\"^~`",
    "unicodé/ü/日本語",
    "a//b",
    "dir/",
    "/leading",
    "trailing.",
    "...",
    "draft#2",
];

#[test]
fn keys_map_to_paths_and_back() {
    for key in ODD_KEYS.iter().chain(&["name#12", "a/#1", "x#1/y"]) {
        let path = key_path(key).unwrap();
        assert_eq!(key_from_path(&path).as_deref(), Some(*key), "{key:?}");
        let file = path_of(key, StoreKind::FileSystem).unwrap();
        assert_eq!(key_from_path(&file).as_deref(), Some(*key), "{key:?}");
    }
    assert_eq!(key_path("a b#1%/é").unwrap().as_ref(), "a b#1%/é");
    assert_eq!(key_path("a//b").unwrap().as_ref(), "a/.multistore-empty/b");
    assert_eq!(key_path("/x").unwrap().as_ref(), ".multistore-empty/x");
    assert_eq!(key_path("dir/").unwrap().as_ref(), "dir/.multistore-empty");
    // LocalFileSystem takes `name#<digits>` for its own temporary files.
    let file = path_of("d#1/name#12", StoreKind::FileSystem).unwrap();
    assert_eq!(file.as_ref(), "d#1/.multistore-pct-name%2312");
    assert_eq!(key_path("d#1/name#12").unwrap().as_ref(), "d#1/name#12");
    for ordinary in ["a#", "a#1b", "a#1#2"] {
        let file = path_of(ordinary, StoreKind::FileSystem).unwrap();
        assert_eq!(file.as_ref(), ordinary);
    }
}

#[test]
fn listed_names_are_keys() {
    let listed = Path::parse("L%3ABC/a#b/.multistore-empty").unwrap();
    assert_eq!(key_from_path(&listed).as_deref(), Some("L%3ABC/a#b/"));
    // An escaped name that does not need escaping was not written by the gateway.
    let forged = Path::parse(".multistore-pct-plain").unwrap();
    assert_eq!(key_from_path(&forged), None);
}

#[test]
fn reserved_names_are_refused_and_never_listed() {
    for key in [
        ".multistore",
        ".multistore/meta/x",
        "a/.multistore-empty",
        "a/.multistore-anything/b",
        ".multistore-pct-x%231",
    ] {
        let error = key_path(key).unwrap_err();
        assert!(matches!(error, ProxyError::InvalidArgument(_)), "{key}");
    }
    // Names that only look alike are ordinary.
    assert!(key_path("a/x.multistore").is_ok());
    assert!(key_path("multistore/.multistor").is_ok());
    let gateway = Path::from(".multistore/meta/ab/abcdef");
    assert_eq!(key_from_path(&gateway), None);
}

#[test]
fn odd_keys_round_trip_through_every_store() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        for (index, key) in ODD_KEYS.iter().enumerate() {
            put(bucket, key, format!("body {index}").as_bytes()).await;
        }
        for (index, key) in ODD_KEYS.iter().enumerate() {
            let (_, data) = get(bucket, key, &HeaderMap::new()).await.unwrap();
            assert_eq!(data, format!("body {index}").as_bytes(), "{key:?}");
        }
        let request = BackendListRequest {
            prefix: String::new(),
            delimiter: None,
            start_after: None,
            max_keys: 1000,
        };
        let page = bucket.list(&request).await.unwrap();
        let listed: Vec<&str> = page.objects.iter().map(|o| o.key.as_str()).collect();
        let mut expected = ODD_KEYS.to_vec();
        expected.sort_unstable();
        assert_eq!(listed, expected, "{}", fixture.name());
    });
}

#[test]
fn files_on_disk_have_natural_names() {
    each_store(|fixture| async move {
        let Some(dir) = &fixture.dir else {
            return;
        };
        for key in ODD_KEYS {
            put(&fixture.bucket, key, b"x").await;
        }
        let on_disk = |name: &str| dir.path().join(name);
        for key in [
            "a b",
            "a+b",
            "100%",
            "100%25",
            "L%3ABC.parquet",
            "hash#tag",
            "what?",
        ] {
            assert!(on_disk(key).is_file(), "{key:?} is not a file of that name");
        }
        assert!(on_disk("unicodé/ü/日本語").is_file());
        assert!(on_disk("a/.multistore-empty/b").is_file());
        assert!(on_disk("dir/.multistore-empty").is_file());
        assert!(on_disk(".multistore-empty/leading").is_file());
        assert!(on_disk(".multistore-pct-draft%232").is_file());
    });
}

#[test]
fn reserved_keys_are_refused_by_every_operation() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let key = ".multistore/meta/00/x";
        let none = HeaderMap::new();
        let write = bucket.write(key, &none, super::body("x"), Some(1));
        assert!(matches!(write.await, Err(ProxyError::InvalidArgument(_))));
        let read = get(bucket, key, &HeaderMap::new()).await;
        assert!(matches!(read, Err(ProxyError::InvalidArgument(_))));
        let create = bucket.create_multipart("a/.multistore-empty", &none);
        assert!(matches!(create.await, Err(ProxyError::InvalidArgument(_))));
    });
}
