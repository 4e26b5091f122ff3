//! `s3s-fs` with the S3 behaviours it lacks filled in, so that tests of the gateway's S3
//! path meet S3's semantics rather than `s3s-fs` 0.17's shortcuts:
//!
//! * conditional reads: `If-Match`, `If-None-Match`, `If-Modified-Since` and
//!   `If-Unmodified-Since` on GET and HEAD (`s3s-fs` ignores them), answered with
//!   `304 Not Modified` or `412 Precondition Failed` in RFC 9110's order;
//! * `encoding-type=url` listings: `s3s-fs` echoes `<EncodingType>url</EncodingType>` but
//!   sends keys as they are, so a key with `%` or `+` would be misread;
//! * ListParts answers that say `<IsTruncated>false</IsTruncated>` and list parts in
//!   order (`s3s-fs` returns every part, in directory order, without `IsTruncated`), and
//!   `NoSuchUpload` for an upload that does not exist (`s3s-fs` lists no parts);
//! * `Content-Encoding` stored without the `aws-chunked` token of a streaming upload
//!   (`s3s-fs` stores it as sent);
//! * UploadPartCopy's `x-amz-copy-source-range` refused as S3 refuses it (see
//!   `part_copy`), and its `CopyPartResult` with the `LastModified` S3 sends;
//! * ListObjectVersions and GetBucketVersioning (`s3s-fs` answers `NotImplemented`), as
//!   S3 answers them for a bucket whose versioning was never enabled: each object is its
//!   one `null` version.
//!
//! Everything else is `s3s-fs` as it is.

use std::path::{Path, PathBuf};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use s3s::dto::{
    AbortMultipartUploadInput, AbortMultipartUploadOutput, CommonPrefix,
    CompleteMultipartUploadInput, CompleteMultipartUploadOutput, CopyObjectInput, CopyObjectOutput,
    CreateBucketInput, CreateBucketOutput, CreateMultipartUploadInput, CreateMultipartUploadOutput,
    DeleteBucketInput, DeleteBucketOutput, DeleteObjectInput, DeleteObjectOutput,
    DeleteObjectsInput, DeleteObjectsOutput, ETag, ETagCondition, EncodingType,
    GetBucketLocationInput, GetBucketLocationOutput, GetBucketVersioningInput,
    GetBucketVersioningOutput, GetObjectInput, GetObjectOutput, HeadBucketInput, HeadBucketOutput,
    HeadObjectInput, HeadObjectOutput, ListBucketsInput, ListBucketsOutput,
    ListObjectVersionsInput, ListObjectVersionsOutput, ListObjectsInput, ListObjectsOutput,
    ListObjectsV2Input, ListObjectsV2Output, ListPartsInput, ListPartsOutput, Object,
    ObjectVersion, ObjectVersionStorageClass, PutObjectInput, PutObjectOutput, Timestamp,
    TimestampFormat, UploadPartCopyInput, UploadPartCopyOutput, UploadPartInput, UploadPartOutput,
};
use s3s::{S3, S3Error, S3ErrorCode, S3Request, S3Response, S3Result};
use s3s_fs::FileSystem;

use crate::part_copy::check_copy_source_range;

/// [`FileSystem`] behind the S3 API, with conditional reads, URL-encoded listings,
/// complete ListParts answers, and the versions of a never-versioned bucket.
#[derive(Debug)]
pub(crate) struct ConformingFs {
    fs: FileSystem,
    /// The directory `fs` serves, where it keeps `.upload-<id>.json` per upload.
    root: PathBuf,
}

impl ConformingFs {
    /// Serves `root` (each sub-directory is a bucket).
    pub(crate) fn new(root: &Path) -> std::io::Result<Self> {
        let fs = FileSystem::new(root).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        Ok(Self {
            fs,
            root: root.canonicalize()?,
        })
    }

    /// Whether upload `id` is in progress, as `s3s-fs` records it.
    fn upload_exists(&self, id: &str) -> bool {
        let plain = !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        plain && self.root.join(format!(".upload-{id}.json")).is_file()
    }
}

/// The [`ReadConditions`] of a GetObject or HeadObject input (their fields share names).
macro_rules! read_conditions {
    ($input:expr) => {
        ReadConditions {
            if_match: $input.if_match.clone(),
            if_none_match: $input.if_none_match.clone(),
            if_modified_since: $input.if_modified_since.clone(),
            if_unmodified_since: $input.if_unmodified_since.clone(),
        }
    };
}

/// The conditions of a read, as sent.
struct ReadConditions {
    if_match: Option<ETagCondition>,
    if_none_match: Option<ETagCondition>,
    if_modified_since: Option<Timestamp>,
    if_unmodified_since: Option<Timestamp>,
}

impl ReadConditions {
    /// RFC 9110 §13.2.2: `If-Match`, else `If-Unmodified-Since` (412); then
    /// `If-None-Match`, else `If-Modified-Since` (304, with the object's validators).
    fn check(&self, e_tag: Option<&ETag>, last_modified: Option<&Timestamp>) -> S3Result<()> {
        let modified = last_modified.map(whole_seconds);
        if let Some(condition) = &self.if_match {
            if !matches_etag(condition, e_tag, ETag::strong_cmp) {
                return Err(S3Error::new(S3ErrorCode::PreconditionFailed));
            }
        } else if let (Some(since), Some(modified)) = (&self.if_unmodified_since, &modified)
            && modified > &whole_seconds(since)
        {
            return Err(S3Error::new(S3ErrorCode::PreconditionFailed));
        }
        let not_modified = match &self.if_none_match {
            Some(condition) => matches_etag(condition, e_tag, ETag::weak_cmp),
            None => match (&self.if_modified_since, &modified) {
                (Some(since), Some(modified)) => modified <= &whole_seconds(since),
                _ => false,
            },
        };
        if not_modified {
            let mut error = S3Error::new(S3ErrorCode::NotModified);
            error.set_headers(validators(e_tag, last_modified));
            return Err(error);
        }
        Ok(())
    }
}

fn matches_etag(
    condition: &ETagCondition,
    e_tag: Option<&ETag>,
    compare: fn(&ETag, &ETag) -> bool,
) -> bool {
    match (condition, e_tag) {
        (ETagCondition::Any, _) => true,
        (ETagCondition::ETag(wanted), Some(actual)) => compare(actual, wanted),
        (ETagCondition::ETag(_), None) => false,
    }
}

/// `Last-Modified` has whole seconds, so conditions compare at that precision.
fn whole_seconds(time: &Timestamp) -> Timestamp {
    let text = http_date(time);
    Timestamp::parse(TimestampFormat::HttpDate, &text).unwrap_or_else(|_| time.clone())
}

fn http_date(time: &Timestamp) -> String {
    let mut text = Vec::new();
    let _ = time.format(TimestampFormat::HttpDate, &mut text);
    String::from_utf8(text).unwrap_or_default()
}

/// The `ETag` and `Last-Modified` a `304` carries.
fn validators(e_tag: Option<&ETag>, last_modified: Option<&Timestamp>) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    if let Some(e_tag) = e_tag
        && let Ok(value) = http::HeaderValue::from_str(&format!("\"{}\"", e_tag.value()))
    {
        headers.insert(http::header::ETAG, value);
    }
    if let Some(time) = last_modified
        && let Ok(value) = http::HeaderValue::from_str(&http_date(time))
    {
        headers.insert(http::header::LAST_MODIFIED, value);
    }
    headers
}

/// Every byte but RFC 3986's unreserved characters and `/`: what S3 percent-encodes in
/// listing fields.
const URL_ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A listing field as S3 writes it under `encoding-type=url` (`a b/c+d` → `a%20b/c%2Bd`).
fn url_encode(value: &str) -> String {
    utf8_percent_encode(value, URL_ENCODED).to_string()
}

fn wants_url(encoding: Option<&EncodingType>) -> bool {
    encoding.is_some_and(|e| e.as_str() == EncodingType::URL)
}

fn encode_field(field: &mut Option<String>) {
    if let Some(value) = field {
        *value = url_encode(value);
    }
}

fn encode_entries(contents: &mut Option<Vec<Object>>, prefixes: &mut Option<Vec<CommonPrefix>>) {
    for object in contents.iter_mut().flatten() {
        encode_field(&mut object.key);
    }
    for prefix in prefixes.iter_mut().flatten() {
        encode_field(&mut prefix.prefix);
    }
}

/// A `Content-Encoding` as S3 stores it: the `aws-chunked` framing token removed, the other
/// codings as sent; `None` when nothing is left.
fn without_aws_chunked(encoding: &str) -> Option<String> {
    let is_framing = |coding: &str| coding.trim().eq_ignore_ascii_case("aws-chunked");
    if !encoding.split(',').any(is_framing) {
        return Some(encoding.to_owned());
    }
    let rest: Vec<&str> = (encoding.split(','))
        .filter(|coding| !is_framing(coding) && !coding.trim().is_empty())
        .collect();
    Some(rest.join(",").trim().to_owned()).filter(|rest| !rest.is_empty())
}

#[async_trait::async_trait]
impl S3 for ConformingFs {
    // Served by `s3s-fs` as they are.

    async fn abort_multipart_upload(
        &self,
        req: S3Request<AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
        self.fs.abort_multipart_upload(req).await
    }

    async fn complete_multipart_upload(
        &self,
        req: S3Request<CompleteMultipartUploadInput>,
    ) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
        self.fs.complete_multipart_upload(req).await
    }

    async fn copy_object(
        &self,
        req: S3Request<CopyObjectInput>,
    ) -> S3Result<S3Response<CopyObjectOutput>> {
        self.fs.copy_object(req).await
    }

    async fn create_bucket(
        &self,
        req: S3Request<CreateBucketInput>,
    ) -> S3Result<S3Response<CreateBucketOutput>> {
        self.fs.create_bucket(req).await
    }

    async fn create_multipart_upload(
        &self,
        req: S3Request<CreateMultipartUploadInput>,
    ) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
        self.fs.create_multipart_upload(req).await
    }

    async fn delete_bucket(
        &self,
        req: S3Request<DeleteBucketInput>,
    ) -> S3Result<S3Response<DeleteBucketOutput>> {
        self.fs.delete_bucket(req).await
    }

    async fn delete_object(
        &self,
        req: S3Request<DeleteObjectInput>,
    ) -> S3Result<S3Response<DeleteObjectOutput>> {
        self.fs.delete_object(req).await
    }

    async fn delete_objects(
        &self,
        req: S3Request<DeleteObjectsInput>,
    ) -> S3Result<S3Response<DeleteObjectsOutput>> {
        self.fs.delete_objects(req).await
    }

    async fn get_bucket_location(
        &self,
        req: S3Request<GetBucketLocationInput>,
    ) -> S3Result<S3Response<GetBucketLocationOutput>> {
        self.fs.get_bucket_location(req).await
    }

    async fn head_bucket(
        &self,
        req: S3Request<HeadBucketInput>,
    ) -> S3Result<S3Response<HeadBucketOutput>> {
        self.fs.head_bucket(req).await
    }

    async fn list_buckets(
        &self,
        req: S3Request<ListBucketsInput>,
    ) -> S3Result<S3Response<ListBucketsOutput>> {
        self.fs.list_buckets(req).await
    }

    async fn upload_part(
        &self,
        req: S3Request<UploadPartInput>,
    ) -> S3Result<S3Response<UploadPartOutput>> {
        self.fs.upload_part(req).await
    }

    // Filled in or corrected.

    async fn upload_part_copy(
        &self,
        req: S3Request<UploadPartCopyInput>,
    ) -> S3Result<S3Response<UploadPartCopyOutput>> {
        check_copy_source_range(&self.root, &req.input)?;
        let mut response = self.fs.upload_part_copy(req).await?;
        if let Some(result) = &mut response.output.copy_part_result {
            result
                .last_modified
                .get_or_insert_with(|| Timestamp::from(std::time::SystemTime::now()));
        }
        Ok(response)
    }

    // Filled in or corrected.

    async fn put_object(
        &self,
        mut req: S3Request<PutObjectInput>,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        let encoding = &mut req.input.content_encoding;
        *encoding = encoding.as_deref().and_then(without_aws_chunked);
        self.fs.put_object(req).await
    }

    async fn get_object(
        &self,
        req: S3Request<GetObjectInput>,
    ) -> S3Result<S3Response<GetObjectOutput>> {
        let conditions = read_conditions!(req.input);
        let response = self.fs.get_object(req).await?;
        let output = &response.output;
        conditions.check(output.e_tag.as_ref(), output.last_modified.as_ref())?;
        Ok(response)
    }

    async fn head_object(
        &self,
        req: S3Request<HeadObjectInput>,
    ) -> S3Result<S3Response<HeadObjectOutput>> {
        let conditions = read_conditions!(req.input);
        let response = self.fs.head_object(req).await?;
        let output = &response.output;
        conditions.check(output.e_tag.as_ref(), output.last_modified.as_ref())?;
        Ok(response)
    }

    async fn list_objects(
        &self,
        req: S3Request<ListObjectsInput>,
    ) -> S3Result<S3Response<ListObjectsOutput>> {
        let mut response = self.fs.list_objects(req).await?;
        let output = &mut response.output;
        if wants_url(output.encoding_type.as_ref()) {
            encode_entries(&mut output.contents, &mut output.common_prefixes);
            // V1's `Prefix` is echoed as sent: S3 does not encode it (botocore's
            // `decode_list_object` does not decode it).
            for field in [
                &mut output.delimiter,
                &mut output.marker,
                &mut output.next_marker,
            ] {
                encode_field(field);
            }
        }
        Ok(response)
    }

    async fn list_objects_v2(
        &self,
        req: S3Request<ListObjectsV2Input>,
    ) -> S3Result<S3Response<ListObjectsV2Output>> {
        let mut response = self.fs.list_objects_v2(req).await?;
        let output = &mut response.output;
        if wants_url(output.encoding_type.as_ref()) {
            encode_entries(&mut output.contents, &mut output.common_prefixes);
            for field in [
                &mut output.prefix,
                &mut output.delimiter,
                &mut output.start_after,
            ] {
                encode_field(field);
            }
        }
        Ok(response)
    }

    async fn get_bucket_versioning(
        &self,
        req: S3Request<GetBucketVersioningInput>,
    ) -> S3Result<S3Response<GetBucketVersioningOutput>> {
        // The bucket must exist; its versioning was never enabled.
        let bucket = req.input.bucket.clone();
        self.fs
            .head_bucket(req.map_input(|_| HeadBucketInput {
                bucket,
                ..HeadBucketInput::default()
            }))
            .await?;
        Ok(S3Response::new(GetBucketVersioningOutput::default()))
    }

    async fn list_object_versions(
        &self,
        req: S3Request<ListObjectVersionsInput>,
    ) -> S3Result<S3Response<ListObjectVersionsOutput>> {
        let input = &req.input;
        if input.version_id_marker.is_some() && input.key_marker.is_none() {
            return Err(s3s::s3_error!(
                InvalidArgument,
                "A version-id marker cannot be specified without a key marker."
            ));
        }
        // After the `null` version of a key comes the next key: each key has no other.
        if input
            .version_id_marker
            .as_deref()
            .is_some_and(|m| m != "null")
        {
            return Err(s3s::s3_error!(
                InvalidArgument,
                "Invalid version id specified"
            ));
        }
        let mut key_marker = input.key_marker.clone();
        if wants_url(input.encoding_type.as_ref()) {
            encode_field(&mut key_marker);
        }
        let version_id_marker = input.version_id_marker.clone();
        let listing = req.map_input(|input| ListObjectsV2Input {
            bucket: input.bucket,
            prefix: input.prefix,
            delimiter: input.delimiter,
            encoding_type: input.encoding_type,
            max_keys: input.max_keys,
            start_after: input.key_marker,
            ..ListObjectsV2Input::default()
        });
        let page = self.list_objects_v2(listing).await?.output;
        let versions: Vec<ObjectVersion> = (page.contents.into_iter().flatten())
            .map(|object| ObjectVersion {
                key: object.key,
                version_id: Some("null".to_owned()),
                is_latest: Some(true),
                last_modified: object.last_modified,
                e_tag: object.e_tag,
                size: object.size,
                storage_class: object
                    .storage_class
                    .map(|class| ObjectVersionStorageClass::from(class.as_str().to_owned())),
                ..ObjectVersion::default()
            })
            .collect();
        let common_prefixes = page.common_prefixes.unwrap_or_default();
        // The page's last entry, key or common prefix, is where the next page starts.
        let last_key = versions.last().and_then(|v| v.key.clone());
        let last_prefix = common_prefixes.last().and_then(|p| p.prefix.clone());
        let (next_key_marker, next_version_id_marker) = match (last_key, last_prefix) {
            _ if page.is_truncated != Some(true) => (None, None),
            (Some(key), Some(prefix)) if prefix > key => (Some(prefix), None),
            (Some(key), _) => (Some(key), Some("null".to_owned())),
            (None, prefix) => (prefix, None),
        };
        Ok(S3Response::new(ListObjectVersionsOutput {
            name: page.name,
            prefix: page.prefix,
            delimiter: page.delimiter,
            encoding_type: page.encoding_type,
            max_keys: page.max_keys,
            is_truncated: page.is_truncated,
            key_marker,
            version_id_marker,
            next_key_marker,
            next_version_id_marker,
            versions: Some(versions),
            common_prefixes: Some(common_prefixes),
            ..ListObjectVersionsOutput::default()
        }))
    }

    async fn list_parts(
        &self,
        req: S3Request<ListPartsInput>,
    ) -> S3Result<S3Response<ListPartsOutput>> {
        if !self.upload_exists(&req.input.upload_id) {
            return Err(S3Error::new(S3ErrorCode::NoSuchUpload));
        }
        let mut response = self.fs.list_parts(req).await?;
        let output = &mut response.output;
        if let Some(parts) = &mut output.parts {
            parts.sort_by_key(|part| part.part_number);
        }
        output.is_truncated = Some(false);
        Ok(response)
    }
}
