//! Tests of the store layer, each run against `InMemory` and against a
//! `LocalFileSystem` in a temporary directory, driven without Tokio.

mod codec;
mod copy;
mod file_system;
mod listing;
mod multipart;
mod multipart_list;
mod read;
mod retry;
mod write;

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::StreamExt;
use http::{HeaderMap, HeaderName, HeaderValue};
use md5::{Digest, Md5};
use object_store::ObjectStore;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use tempfile::TempDir;

use super::{ObjectResponse, ReadMode, ReadOptions, StoreBucket, StoreKind};
use crate::ProxyError;
use crate::backend::BodyStream;

/// One store to run a test against.
pub(super) struct Fixture {
    /// The bucket under test.
    pub(super) bucket: StoreBucket,
    /// The directory behind a `LocalFileSystem`, `None` for memory.
    pub(super) dir: Option<TempDir>,
}

impl Fixture {
    fn memory() -> Self {
        Self {
            bucket: StoreBucket::new(Arc::new(InMemory::new()), StoreKind::ObjectStore),
            dir: None,
        }
    }

    pub(super) fn local() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalFileSystem::new_with_prefix(dir.path()).unwrap();
        Self {
            bucket: StoreBucket::new(Arc::new(store), StoreKind::FileSystem),
            dir: Some(dir),
        }
    }

    /// A name for assertion messages.
    pub(super) fn name(&self) -> &'static str {
        match self.dir {
            Some(_) => "LocalFileSystem",
            None => "InMemory",
        }
    }
}

/// Runs `test` against a fresh `InMemory` and a fresh `LocalFileSystem`.
pub(super) fn each_store<F, Fut>(test: F)
where
    F: Fn(Fixture) -> Fut,
    Fut: Future<Output = ()>,
{
    futures_executor::block_on(test(Fixture::memory()));
    futures_executor::block_on(test(Fixture::local()));
}

/// A body of one chunk.
pub(super) fn body(data: impl Into<Bytes>) -> BodyStream {
    let data = data.into();
    Box::pin(futures_util::stream::iter([Ok(data)]))
}

/// A body in chunks of `size` bytes.
pub(super) fn chunked(data: &[u8], size: usize) -> BodyStream {
    let chunks: Vec<_> = data
        .chunks(size)
        .map(|chunk| Ok(Bytes::copy_from_slice(chunk)))
        .collect();
    Box::pin(futures_util::stream::iter(chunks))
}

/// Headers from name/value pairs.
pub(super) fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        map.append(name, HeaderValue::from_str(value).unwrap());
    }
    map
}

/// Writes `data` to `key` without conditions and returns the ETag.
pub(super) async fn put(bucket: &StoreBucket, key: &str, data: &[u8]) -> String {
    let length = Some(data.len() as u64);
    let none = HeaderMap::new();
    let result = bucket.write(key, &none, body(data.to_vec()), length);
    result
        .await
        .unwrap_or_else(|error| panic!("put {key:?}: {error:?}"))
}

/// GETs `key` with `request` headers and reads the whole body.
pub(super) async fn get(
    bucket: &StoreBucket,
    key: &str,
    request: &HeaderMap,
) -> Result<(ObjectResponse, Vec<u8>), ProxyError> {
    read(bucket, key, request, None).await
}

/// GETs `key` (optionally one part) and reads the whole body.
pub(super) async fn read(
    bucket: &StoreBucket,
    key: &str,
    request: &HeaderMap,
    part_number: Option<u16>,
) -> Result<(ObjectResponse, Vec<u8>), ProxyError> {
    let options = ReadOptions {
        mode: ReadMode::Get,
        headers: request,
        part_number,
    };
    let mut response = bucket.read(key, &options).await?;
    let data = match response.body.take() {
        Some(stream) => collect(stream).await,
        None => Vec::new(),
    };
    Ok((response, data))
}

/// HEADs `key`.
pub(super) async fn head(
    bucket: &StoreBucket,
    key: &str,
    request: &HeaderMap,
) -> Result<ObjectResponse, ProxyError> {
    let options = ReadOptions {
        mode: ReadMode::Head,
        headers: request,
        part_number: None,
    };
    bucket.read(key, &options).await
}

/// Reads a body whole.
pub(super) async fn collect(mut stream: BodyStream) -> Vec<u8> {
    let mut data = Vec::new();
    while let Some(chunk) = stream.next().await {
        data.extend_from_slice(&chunk.unwrap());
    }
    data
}

/// Every raw path in the store, gateway paths included, sorted.
pub(super) async fn store_paths(bucket: &StoreBucket) -> Vec<String> {
    let mut paths: Vec<String> = bucket
        .store()
        .list(None)
        .map(|meta| meta.unwrap().location.to_string())
        .collect()
        .await;
    paths.sort();
    paths
}

/// Every file under `dir` (temporary files of `LocalFileSystem` included, which its
/// listings hide), relative to `dir`, sorted.
pub(super) fn files_under(dir: &std::path::Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                files.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    files
}

/// MD5 of `data`, quoted hex, as an S3 ETag.
pub(super) fn etag_of(data: &[u8]) -> String {
    format!("\"{}\"", hex::encode(Md5::digest(data)))
}

/// `size` bytes of a pattern that differs per `seed`.
pub(super) fn pattern(size: usize, seed: u8) -> Vec<u8> {
    (0..size)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// A header of a response as text.
pub(super) fn header<'r>(response: &'r ObjectResponse, name: &str) -> Option<&'r str> {
    response
        .headers
        .get(name)
        .map(|value| value.to_str().unwrap())
}

#[test]
fn futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let bucket = Fixture::memory().bucket;
    let request = HeaderMap::new();
    let options = ReadOptions {
        mode: ReadMode::Get,
        headers: &request,
        part_number: None,
    };
    assert_send(bucket.read("k", &options));
    assert_send(bucket.write("k", &request, body("x"), None));
    assert_send(bucket.delete("k"));
    assert_send(bucket.copy(&bucket, "k", "l", &request));
    assert_send(bucket.get_tagging("k"));
    assert_send(bucket.put_tagging("k", Vec::new()));
    assert_send(bucket.create_multipart("k", &request));
    assert_send(bucket.upload_part("k", "u", 1, body("x"), None, &request));
    assert_send(bucket.complete_multipart("k", "u", &[], &request));
    assert_send(bucket.abort_multipart("k", "u"));
    let params = crate::api::ListPartsParams {
        max_parts: 1,
        part_number_marker: None,
    };
    assert_send(bucket.list_parts("k", "u", &params));
    assert_send(bucket.list_uploads("", None, None, None, 1));
    let list = crate::backend::BackendListRequest {
        prefix: String::new(),
        delimiter: None,
        start_after: None,
        max_keys: 1,
    };
    assert_send(bucket.list(&list));
}
