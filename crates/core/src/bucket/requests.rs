//! The arguments and answers of [`super::BucketBackend`]'s operations.

use http::HeaderMap;

use super::BucketBackend;
use super::body::BodyCoverage;
use crate::api::response::{DeleteErrorEntry, DeletedEntry};
use crate::api::{CopySource, CopySourceRange, ReadParams};
use crate::backend::BodyStream;
use crate::store::ReadMode;

/// A GetObject or HeadObject.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ObjectRead<'a> {
    /// GET or HEAD.
    pub(crate) mode: ReadMode,
    /// Version, part and response header overrides.
    pub(crate) params: &'a ReadParams,
    /// The client's headers: ranges and conditions.
    pub(crate) headers: &'a HeaderMap,
}

/// An upload body (PutObject, UploadPart) as the client sent it; each backend prepares it
/// its own way (an S3 backend verifies what the client signed, a store the gateway).
pub(crate) struct Upload<'a, Body> {
    /// The runtime's body.
    pub(crate) body: Body,
    /// Turns the runtime's body into bytes.
    pub(crate) into_stream: fn(Body) -> crate::backend::BodyStream,
    /// The client's headers.
    pub(crate) headers: &'a HeaderMap,
    /// What the request's signature covers of the body.
    pub(crate) coverage: BodyCoverage,
    /// The payload length the client declared, within the gateway's limit.
    pub(crate) length: Option<u64>,
}

impl<Body> Upload<'_, Body> {
    /// The payload bytes, checked against the signature as they stream, and the headers to
    /// keep with them (`aws-chunked` framing removed).
    pub(crate) fn into_checked_stream(self) -> (BodyStream, HeaderMap) {
        let mut headers = self.headers.clone();
        super::headers::remove_aws_chunked(&mut headers);
        let stream = self
            .coverage
            .payload((self.into_stream)(self.body), self.headers);
        (stream, headers)
    }
}

/// What DeleteObjects did, key by key (backend keys).
#[derive(Debug, Default)]
pub(crate) struct DeleteOutcome {
    /// The keys deleted (or absent, which S3 reports as deleted).
    pub(crate) deleted: Vec<DeletedEntry>,
    /// The keys that could not be deleted, with why.
    pub(crate) errors: Vec<DeleteErrorEntry>,
}

/// One page of ListMultipartUploads, in backend keys.
#[derive(Debug, Clone, Copy)]
pub(crate) struct UploadsRequest<'a> {
    /// Only uploads of keys under this prefix.
    pub(crate) prefix: &'a str,
    /// Roll keys up to common prefixes at this delimiter.
    pub(crate) delimiter: Option<&'a str>,
    /// Start after this key …
    pub(crate) key_marker: Option<&'a str>,
    /// … and, for that key, after this upload.
    pub(crate) upload_id_marker: Option<&'a str>,
    /// At most this many uploads and prefixes.
    pub(crate) max_uploads: usize,
}

/// One page of ListObjectVersions, in backend keys.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VersionsRequest<'a> {
    /// Only keys under this prefix.
    pub(crate) prefix: &'a str,
    /// Roll keys up to common prefixes at this delimiter.
    pub(crate) delimiter: Option<&'a str>,
    /// Start after this key …
    pub(crate) key_marker: Option<&'a str>,
    /// … and, for that key, after this version.
    pub(crate) version_id_marker: Option<&'a str>,
    /// At most this many entries.
    pub(crate) max_keys: usize,
}

/// The source of a copy and where it goes.
pub(crate) struct CopyRequest<'a, Body> {
    /// The source bucket's backend.
    pub(crate) from: &'a dyn BucketBackend<Body>,
    /// The source's backend key.
    pub(crate) source_key: &'a str,
    /// The source as the client named it (its version).
    pub(crate) source: &'a CopySource,
    /// The destination's backend key.
    pub(crate) dest_key: &'a str,
    /// The client's headers: directives, conditions, new metadata.
    pub(crate) headers: &'a HeaderMap,
}

/// The part an UploadPartCopy writes, and the range of the source it takes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PartCopy<'a> {
    /// The upload.
    pub(crate) upload_id: &'a str,
    /// The part.
    pub(crate) part_number: u16,
    /// The bytes of the source, or all of it.
    pub(crate) range: Option<CopySourceRange>,
}
