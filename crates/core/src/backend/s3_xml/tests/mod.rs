//! Backend documents in the shapes AWS, MinIO, Ceph and s3s send, and hostile ones;
//! one file per document family, shared fixtures here.

use chrono::{DateTime, TimeZone, Utc};
use http::StatusCode;

use super::*;
use crate::api::response::{
    DeleteErrorEntry, DeletedEntry, ListPage, ObjectEntry, PartEntry, PartsPage, UploadEntry,
    UploadsPage, render_list_multipart_uploads, render_list_objects,
};
use crate::api::{KeyEncoding, ListObjectsParams, ListUploadsParams, ListVersion};
use crate::backend::{BackendPage, MAX_RAW_RESPONSE_SIZE};
use crate::registry::DEFAULT_BUCKET_OWNER;

/// Keys with every character class that matters: space, `+`, `%`, `/`, `&`, `<`, Unicode.
const KEY: &str = "dir/a b+c%25&<é😀.txt";
/// [`KEY`] as S3 encodes it for `encoding-type=url`.
const ENCODED_KEY: &str = "dir%2Fa+b%2Bc%2525%26%3C%C3%A9%F0%9F%98%80.txt";

fn time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// Checks that `result` is the 503 a malformed backend answer becomes.
fn assert_backend_failure<T: std::fmt::Debug>(result: Result<T, ProxyError>, case: &str) {
    match result {
        Err(error @ ProxyError::Backend(_)) => {
            assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE, "{case}");
        }
        other => panic!("{case}: expected a backend error, got {other:?}"),
    }
}

/// A ListObjectsV2 answer in AWS's shape, with owners (fetch-owner) and checksum algorithms,
/// not URL-encoded.
const LIST_V2_AWS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>backend-data-prod</Name>
  <Prefix>tenant-a/photos/</Prefix>
  <KeyCount>3</KeyCount>
  <MaxKeys>3</MaxKeys>
  <Delimiter>/</Delimiter>
  <IsTruncated>true</IsTruncated>
  <ContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</ContinuationToken>
  <NextContinuationToken>1w41l63U0xa8q7smH50vCxyTQqdxo69O3EmK28Bi5PcROI4wI/EyIJg==</NextContinuationToken>
  <StartAfter>tenant-a/photos/0</StartAfter>
  <Contents>
    <Key>tenant-a/photos/a&amp;b.jpg</Key>
    <LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
    <ChecksumAlgorithm>CRC32</ChecksumAlgorithm>
    <ChecksumType>FULL_OBJECT</ChecksumType>
    <Size>434234</Size>
    <Owner>
      <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
      <DisplayName>backend-admin</DisplayName>
    </Owner>
    <StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents>
    <Key>tenant-a/photos/b.jpg</Key>
    <LastModified>2009-10-12T17:50:31.123Z</LastModified>
    <ETag>"599bab3ed2c697f1d26842727561fd94-3"</ETag>
    <Size>0</Size>
    <StorageClass>GLACIER</StorageClass>
  </Contents>
  <CommonPrefixes>
    <Prefix>tenant-a/photos/2006/</Prefix>
  </CommonPrefixes>
</ListBucketResult>"#;

/// An `<Error>` document for `code` whose message names the backend's bucket and prefix.
fn error_body(code: &str) -> String {
    format!(
        "<Error><Code>{code}</Code><Message>Bucket backend-data-prod, key tenant-a/x: \
         {code}</Message><RequestId>R</RequestId></Error>"
    )
}

mod error;
mod hostile;
mod list_objects;
mod list_versions;
mod multipart;
mod object;
mod versioning;
