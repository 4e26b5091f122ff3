//! What a local directory adds to S3's rules: keys that would need a file and a directory
//! of the same name are refused as conflicts (409, nothing written), and every write is
//! staged in the gateway's own area, so no temporary file ever sits among the user's
//! files, whatever the key (`#` included).

use std::sync::Arc;

use http::HeaderMap;
use object_store::local::LocalFileSystem;

use super::{Fixture, body, files_under, get, headers, pattern, put};
use crate::ProxyError;
use crate::api::request_body::{Checksums, CompletedPart};
use crate::backend::BackendListRequest;
use crate::store::{PART_SIZE, StoreBucket, StoreKind, is_interrupted_write, key_path};

fn is_parent_is_object(result: &Result<impl std::fmt::Debug, ProxyError>) -> bool {
    matches!(result, Err(ProxyError::ParentIsObject))
}

fn is_exists_as_directory(result: &Result<impl std::fmt::Debug, ProxyError>) -> bool {
    matches!(result, Err(ProxyError::ObjectExistsAsDirectory))
}

/// A completed upload of `data` as one part to `key`, or the completion's error.
async fn multipart(bucket: &StoreBucket, key: &str, data: &[u8]) -> Result<String, ProxyError> {
    let none = HeaderMap::new();
    let id = bucket.create_multipart(key, &none).await?;
    let length = Some(data.len() as u64);
    let etag = bucket
        .upload_part(key, &id, 1, body(data.to_vec()), length, &none)
        .await?;
    let part = CompletedPart {
        part_number: 1,
        etag,
        checksums: Checksums::default(),
    };
    let completed = bucket.complete_multipart(key, &id, &[part], &none).await;
    if completed.is_err() {
        // The upload survives a refused completion, as on S3.
        let params = crate::api::ListPartsParams {
            max_parts: 10,
            part_number_marker: None,
        };
        let listed = bucket.list_parts(key, &id, &params).await.unwrap();
        assert_eq!(listed.parts.len(), 1);
        bucket.abort_multipart(key, &id).await.unwrap();
    }
    completed
}

#[test]
fn a_key_below_an_object_is_a_conflict_on_every_write_path() {
    futures_executor::block_on(async {
        let fixture = Fixture::local();
        let (bucket, dir) = (&fixture.bucket, fixture.dir.as_ref().unwrap().path());
        let none = HeaderMap::new();
        put(bucket, "a/b", b"file").await;
        put(bucket, "src", b"source").await;
        let before = files_under(dir);

        for key in ["a/b/c", "a/b/c/d", "a/b/"] {
            let result = bucket.write(key, &none, body("x"), None).await;
            assert!(is_parent_is_object(&result), "{key}: {result:?}");
            let create = headers(&[("if-none-match", "*")]);
            let result = bucket.write(key, &create, body("x"), None).await;
            assert!(is_parent_is_object(&result), "{key}: {result:?}");
            let result = bucket.copy(bucket, "src", key, &none).await;
            assert!(is_parent_is_object(&result), "{key}: {result:?}");
            let result = multipart(bucket, key, b"part").await;
            assert!(is_parent_is_object(&result), "{key}: {result:?}");
        }
        // A body long enough to go through a store multipart upload.
        let long = pattern(PART_SIZE + 10, 3);
        let result = bucket.write("a/b/long", &none, body(long), None).await;
        assert!(is_parent_is_object(&result), "{result:?}");
        // From another store, streamed.
        let memory = Fixture::memory();
        put(&memory.bucket, "elsewhere", b"bytes").await;
        let result = bucket
            .copy(&memory.bucket, "elsewhere", "a/b/c", &none)
            .await;
        assert!(is_parent_is_object(&result), "{result:?}");

        assert_eq!(files_under(dir), before, "something changed on disk");
        let (_, data) = get(bucket, "a/b", &none).await.unwrap();
        assert_eq!(data, b"file");
    });
}

#[test]
fn a_key_above_objects_is_a_conflict_on_every_write_path() {
    futures_executor::block_on(async {
        let fixture = Fixture::local();
        let (bucket, dir) = (&fixture.bucket, fixture.dir.as_ref().unwrap().path());
        let none = HeaderMap::new();
        put(bucket, "x/y/z", b"deep").await;
        put(bucket, "src", b"source").await;
        let before = files_under(dir);

        for key in ["x/y", "x"] {
            let result = bucket.write(key, &none, body("x"), None).await;
            assert!(is_exists_as_directory(&result), "{key}: {result:?}");
            // No object has that key: a create is not a failed precondition.
            let create = headers(&[("if-none-match", "*")]);
            let result = bucket.write(key, &create, body("x"), None).await;
            assert!(is_exists_as_directory(&result), "{key}: {result:?}");
            let result = bucket.copy(bucket, "src", key, &none).await;
            assert!(is_exists_as_directory(&result), "{key}: {result:?}");
            let result = multipart(bucket, key, b"part").await;
            assert!(is_exists_as_directory(&result), "{key}: {result:?}");
        }
        let long = pattern(PART_SIZE + 10, 4);
        let result = bucket.write("x/y", &none, body(long), None).await;
        assert!(is_exists_as_directory(&result), "{result:?}");

        assert_eq!(files_under(dir), before, "something changed on disk");
        let (_, data) = get(bucket, "x/y/z", &none).await.unwrap();
        assert_eq!(data, b"deep");
        // Once the objects below are gone (and with them the directory, on a store that
        // removes emptied directories as the server's does), the key is free.
        let store = LocalFileSystem::new_with_prefix(dir)
            .unwrap()
            .with_automatic_cleanup(true);
        let cleaning = StoreBucket::new(Arc::new(store), StoreKind::FileSystem);
        cleaning.delete("x/y/z").await.unwrap();
        put(&cleaning, "x/y", b"now a file").await;
    });
}

#[test]
fn an_object_store_holds_both_as_s3_does() {
    futures_executor::block_on(async {
        let fixture = Fixture::memory();
        let bucket = &fixture.bucket;
        put(bucket, "a/b", b"1").await;
        put(bucket, "a/b/c", b"2").await;
        let (_, data) = get(bucket, "a/b", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"1");
    });
}

/// Keys with `#` in every position `LocalFileSystem` gives meaning to.
const HASH_KEYS: &[&str] = &["a#1", "a#b#1", "x#y", "dir/f#2", "n#", "#3", "dir#1/g"];

#[test]
fn writes_leave_no_temporary_file_among_the_users_files() {
    futures_executor::block_on(async {
        let fixture = Fixture::local();
        let (bucket, dir) = (&fixture.bucket, fixture.dir.as_ref().unwrap().path());
        let none = HeaderMap::new();
        for key in HASH_KEYS {
            put(bucket, key, key.as_bytes()).await;
            let long = pattern(PART_SIZE + 1, 5);
            bucket.write("big", &none, body(long), None).await.unwrap();
            bucket
                .copy(bucket, key, &format!("{key}.copy"), &none)
                .await
                .unwrap();
        }
        for file in files_under(dir) {
            let in_gateway_area = file.starts_with(".multistore/");
            let path = object_store::path::Path::parse(&file).unwrap();
            assert!(!is_interrupted_write(&path), "{file} is left over");
            assert!(
                in_gateway_area || !file.contains("#") || is_a_key_file(&file),
                "{file}"
            );
        }
        // Every key reads back and is listed as it is; no name is taken for another.
        let request = BackendListRequest {
            prefix: String::new(),
            delimiter: None,
            start_after: None,
            max_keys: 1000,
        };
        let listed: Vec<String> = bucket
            .list(&request)
            .await
            .unwrap()
            .objects
            .into_iter()
            .map(|object| object.key)
            .collect();
        for key in HASH_KEYS {
            let (_, data) = get(bucket, key, &none).await.unwrap();
            assert_eq!(data, key.as_bytes());
            assert!(
                listed.iter().any(|listed| listed == key),
                "{key}: {listed:?}"
            );
        }
        assert_eq!(listed.len(), HASH_KEYS.len() * 2 + 1, "{listed:?}");
    });
}

/// Whether `file` is where some key of [`HASH_KEYS`] (or its copy) is stored.
fn is_a_key_file(file: &str) -> bool {
    HASH_KEYS.iter().any(|key| {
        let copy = format!("{key}.copy");
        [key.to_string(), copy].iter().any(|key| {
            // On a file system, `name#<digits>` is stored escaped (see `key_codec`).
            let stored = crate::store::key_codec::path_of(key, StoreKind::FileSystem);
            stored.is_ok_and(|path| path.as_ref() == file)
                || key_path(key).is_ok_and(|p| p.as_ref() == file)
        })
    })
}

#[test]
fn no_key_is_ever_taken_for_a_leftover() {
    // The start-up sweep removes exactly what `is_interrupted_write` says; the stored
    // name of a key never qualifies.
    for key in HASH_KEYS
        .iter()
        .copied()
        .chain(["a#123", "p/q#0", "#", "a##1"])
    {
        let path = crate::store::key_codec::path_of(key, StoreKind::FileSystem);
        let path = path.unwrap();
        assert!(!is_interrupted_write(&path), "{key} is stored as {path}");
    }
}
