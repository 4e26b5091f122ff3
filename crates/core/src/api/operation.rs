//! The typed S3 operations the gateway understands.

/// A parsed, validated S3 request: which operation, on which bucket and key, with which
/// operation parameters. Keys and parameters are decoded into the client's key space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Operation {
    /// `GET /` — the buckets the caller may use.
    ListBuckets,
    /// `PUT /bucket` — answered for existing virtual buckets only.
    CreateBucket {
        /// Bucket name.
        bucket: String,
    },
    /// `HEAD /bucket`.
    HeadBucket {
        /// Bucket name.
        bucket: String,
    },
    /// `GET /bucket?location`.
    GetBucketLocation {
        /// Bucket name.
        bucket: String,
    },
    /// `GET /bucket?versioning`.
    GetBucketVersioning {
        /// Bucket name.
        bucket: String,
    },
    /// `GET /bucket` (V1) or `GET /bucket?list-type=2` (V2).
    ListObjects {
        /// Bucket name.
        bucket: String,
        /// Listing parameters.
        params: ListObjectsParams,
    },
    /// `GET /bucket?versions`.
    ListObjectVersions {
        /// Bucket name.
        bucket: String,
        /// Listing parameters.
        params: ListVersionsParams,
    },
    /// `GET /bucket?uploads`.
    ListMultipartUploads {
        /// Bucket name.
        bucket: String,
        /// Listing parameters.
        params: ListUploadsParams,
    },
    /// `POST /bucket?delete`.
    DeleteObjects {
        /// Bucket name.
        bucket: String,
    },
    /// `GET /bucket/key`.
    GetObject {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// Read parameters.
        params: ReadParams,
    },
    /// `HEAD /bucket/key`.
    HeadObject {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// Read parameters.
        params: ReadParams,
    },
    /// `PUT /bucket/key`.
    PutObject {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
    },
    /// `PUT /bucket/key` with `x-amz-copy-source`.
    CopyObject {
        /// Destination bucket.
        bucket: String,
        /// Destination key.
        key: String,
        /// Where to copy from.
        source: CopySource,
    },
    /// `DELETE /bucket/key`.
    DeleteObject {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// The version to delete, if any.
        version_id: Option<String>,
    },
    /// `POST /bucket/key?uploads`.
    CreateMultipartUpload {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
    },
    /// `PUT /bucket/key?partNumber=N&uploadId=U`.
    UploadPart {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// The upload.
        upload_id: String,
        /// Part number, 1 to 10,000.
        part_number: u16,
    },
    /// `PUT /bucket/key?partNumber=N&uploadId=U` with `x-amz-copy-source`.
    UploadPartCopy {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// The upload.
        upload_id: String,
        /// Part number, 1 to 10,000.
        part_number: u16,
        /// Where to copy the part from.
        source: CopySource,
    },
    /// `POST /bucket/key?uploadId=U`.
    CompleteMultipartUpload {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// The upload.
        upload_id: String,
    },
    /// `DELETE /bucket/key?uploadId=U`.
    AbortMultipartUpload {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// The upload.
        upload_id: String,
    },
    /// `GET /bucket/key?uploadId=U`.
    ListParts {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// The upload.
        upload_id: String,
        /// Paging parameters.
        params: ListPartsParams,
    },
    /// `GET /bucket/key?tagging`.
    GetObjectTagging {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// The version, if any.
        version_id: Option<String>,
    },
    /// `PUT /bucket/key?tagging`.
    PutObjectTagging {
        /// Bucket name.
        bucket: String,
        /// Object key.
        key: String,
        /// The version, if any.
        version_id: Option<String>,
    },
}

impl S3Operation {
    /// The bucket the operation addresses, if any (ListBuckets has none).
    pub fn bucket(&self) -> Option<&str> {
        match self {
            Self::ListBuckets => None,
            Self::CreateBucket { bucket }
            | Self::HeadBucket { bucket }
            | Self::GetBucketLocation { bucket }
            | Self::GetBucketVersioning { bucket }
            | Self::ListObjects { bucket, .. }
            | Self::ListObjectVersions { bucket, .. }
            | Self::ListMultipartUploads { bucket, .. }
            | Self::DeleteObjects { bucket }
            | Self::GetObject { bucket, .. }
            | Self::HeadObject { bucket, .. }
            | Self::PutObject { bucket, .. }
            | Self::CopyObject { bucket, .. }
            | Self::DeleteObject { bucket, .. }
            | Self::CreateMultipartUpload { bucket, .. }
            | Self::UploadPart { bucket, .. }
            | Self::UploadPartCopy { bucket, .. }
            | Self::CompleteMultipartUpload { bucket, .. }
            | Self::AbortMultipartUpload { bucket, .. }
            | Self::ListParts { bucket, .. }
            | Self::GetObjectTagging { bucket, .. }
            | Self::PutObjectTagging { bucket, .. } => Some(bucket),
        }
    }

    /// The object key the operation addresses, if it addresses one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::GetObject { key, .. }
            | Self::HeadObject { key, .. }
            | Self::PutObject { key, .. }
            | Self::CopyObject { key, .. }
            | Self::DeleteObject { key, .. }
            | Self::CreateMultipartUpload { key, .. }
            | Self::UploadPart { key, .. }
            | Self::UploadPartCopy { key, .. }
            | Self::CompleteMultipartUpload { key, .. }
            | Self::AbortMultipartUpload { key, .. }
            | Self::ListParts { key, .. }
            | Self::GetObjectTagging { key, .. }
            | Self::PutObjectTagging { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The operation's S3 API name, for logs and metrics.
    pub fn name(&self) -> &'static str {
        match self {
            Self::ListBuckets => "ListBuckets",
            Self::CreateBucket { .. } => "CreateBucket",
            Self::HeadBucket { .. } => "HeadBucket",
            Self::GetBucketLocation { .. } => "GetBucketLocation",
            Self::GetBucketVersioning { .. } => "GetBucketVersioning",
            Self::ListObjects { params, .. } => match params.version {
                ListVersion::V1 { .. } => "ListObjects",
                ListVersion::V2 { .. } => "ListObjectsV2",
            },
            Self::ListObjectVersions { .. } => "ListObjectVersions",
            Self::ListMultipartUploads { .. } => "ListMultipartUploads",
            Self::DeleteObjects { .. } => "DeleteObjects",
            Self::GetObject { .. } => "GetObject",
            Self::HeadObject { .. } => "HeadObject",
            Self::PutObject { .. } => "PutObject",
            Self::CopyObject { .. } => "CopyObject",
            Self::DeleteObject { .. } => "DeleteObject",
            Self::CreateMultipartUpload { .. } => "CreateMultipartUpload",
            Self::UploadPart { .. } => "UploadPart",
            Self::UploadPartCopy { .. } => "UploadPartCopy",
            Self::CompleteMultipartUpload { .. } => "CompleteMultipartUpload",
            Self::AbortMultipartUpload { .. } => "AbortMultipartUpload",
            Self::ListParts { .. } => "ListParts",
            Self::GetObjectTagging { .. } => "GetObjectTagging",
            Self::PutObjectTagging { .. } => "PutObjectTagging",
        }
    }
}

/// The source of a copy (`x-amz-copy-source`), decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySource {
    /// Source bucket.
    pub bucket: String,
    /// Source key.
    pub key: String,
    /// Source version, if one was named.
    pub version_id: Option<String>,
}

/// How keys in a listing response are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyEncoding {
    /// Keys are sent as XML text.
    #[default]
    Plain,
    /// Keys are URL-encoded (`encoding-type=url`).
    Url,
}

/// Which ListObjects API, with its version-specific paging parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListVersion {
    /// ListObjects (V1): paging by `marker`.
    V1 {
        /// List keys after this one.
        marker: Option<String>,
    },
    /// ListObjectsV2: paging by opaque continuation token.
    V2 {
        /// Token from the previous page.
        continuation_token: Option<String>,
        /// List keys after this one (first page only).
        start_after: Option<String>,
        /// Whether to include `Owner` in each entry.
        fetch_owner: bool,
    },
}

/// Parameters of ListObjects V1 and V2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListObjectsParams {
    /// Only keys starting with this.
    pub prefix: String,
    /// Roll keys up to common prefixes at this delimiter.
    pub delimiter: Option<String>,
    /// Page size, 0 to 1000.
    pub max_keys: usize,
    /// Key encoding in the response.
    pub encoding: KeyEncoding,
    /// V1 or V2 paging.
    pub version: ListVersion,
}

/// Parameters of ListObjectVersions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListVersionsParams {
    /// Only keys starting with this.
    pub prefix: String,
    /// Roll keys up to common prefixes at this delimiter.
    pub delimiter: Option<String>,
    /// Page size, 0 to 1000.
    pub max_keys: usize,
    /// Key encoding in the response.
    pub encoding: KeyEncoding,
    /// List versions after this key.
    pub key_marker: Option<String>,
    /// List versions after this version of `key_marker`.
    pub version_id_marker: Option<String>,
}

/// Parameters of ListMultipartUploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListUploadsParams {
    /// Only keys starting with this.
    pub prefix: String,
    /// Roll keys up to common prefixes at this delimiter.
    pub delimiter: Option<String>,
    /// Page size, 1 to 1000.
    pub max_uploads: usize,
    /// Key encoding in the response.
    pub encoding: KeyEncoding,
    /// List uploads after this key.
    pub key_marker: Option<String>,
    /// List uploads of `key_marker` after this upload id.
    pub upload_id_marker: Option<String>,
}

/// Parameters of ListParts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPartsParams {
    /// Page size, 1 to 1000.
    pub max_parts: usize,
    /// List parts after this part number.
    pub part_number_marker: Option<u16>,
}

/// Parameters shared by GetObject and HeadObject.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReadParams {
    /// Read this version.
    pub version_id: Option<String>,
    /// Read only this part of a multipart object.
    pub part_number: Option<u16>,
    /// `response-*` header overrides, as (header name, value).
    pub response_overrides: Vec<(http::HeaderName, String)>,
}
