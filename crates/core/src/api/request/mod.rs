//! From an HTTP request to a typed [`S3Operation`].
//!
//! Parsing decides *what* is asked, never *whether* it is allowed: authentication and
//! authorization come later and see only the typed operation.

mod params;
mod query;
mod target;

use http::{HeaderMap, Method};

pub use params::MAX_PAGE_SIZE;
pub use query::Query;

use crate::ProxyError;
use crate::api::{S3Operation, validate_key};
use target::{Target, resolve_target};

/// An incoming HTTP request as the runtime received it (the body travels separately).
#[derive(Debug, Clone)]
pub struct RequestInfo {
    /// HTTP method.
    pub method: Method,
    /// The path exactly as sent, still percent-encoded (signatures are computed over it).
    pub raw_path: String,
    /// The query string exactly as sent, without `?`.
    pub raw_query: Option<String>,
    /// Request headers. Runtimes add `host` from the URI authority when the protocol
    /// (HTTP/2) carries it there.
    pub headers: HeaderMap,
}

impl RequestInfo {
    /// A request with no query and no headers.
    pub fn new(method: Method, raw_path: impl Into<String>) -> Self {
        Self {
            method,
            raw_path: raw_path.into(),
            raw_query: None,
            headers: HeaderMap::new(),
        }
    }

    /// The `Host` header, if it is valid text.
    pub fn host(&self) -> Option<&str> {
        self.headers.get(http::header::HOST)?.to_str().ok()
    }

    /// The query string decoded.
    pub fn query(&self) -> Result<Query, ProxyError> {
        Query::parse(self.raw_query.as_deref().unwrap_or_default())
    }
}

/// Bucket sub-resources the gateway does not serve; asking for one is `NotImplemented`,
/// never a listing.
const UNSUPPORTED_BUCKET_SUBRESOURCES: &[&str] = &[
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "lifecycle",
    "logging",
    "metadataTable",
    "metrics",
    "notification",
    "object-lock",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "replication",
    "requestPayment",
    "session",
    "tagging",
    "website",
];

/// Object sub-resources the gateway does not serve.
const UNSUPPORTED_OBJECT_SUBRESOURCES: &[&str] = &[
    "acl",
    "attributes",
    "legal-hold",
    "restore",
    "retention",
    "select",
    "torrent",
    "renameObject",
];

/// Parses `info` into an operation. `virtual_host_domain` enables virtual-hosted style.
pub fn parse_request(
    info: &RequestInfo,
    virtual_host_domain: Option<&str>,
) -> Result<S3Operation, ProxyError> {
    let query = info.query()?;
    let Target { bucket, key } = resolve_target(&info.raw_path, info.host(), virtual_host_domain)?;
    match (bucket, key) {
        (None, _) => parse_service(&info.method),
        (Some(bucket), None) => parse_bucket(&info.method, bucket, &query),
        (Some(bucket), Some(key)) => {
            validate_key(&key)?;
            parse_object(info, bucket, key, &query)
        }
    }
}

fn parse_service(method: &Method) -> Result<S3Operation, ProxyError> {
    match *method {
        Method::GET => Ok(S3Operation::ListBuckets),
        _ => Err(ProxyError::MethodNotAllowed),
    }
}

fn parse_bucket(method: &Method, bucket: String, query: &Query) -> Result<S3Operation, ProxyError> {
    if let Some(sub) = query.first_of(UNSUPPORTED_BUCKET_SUBRESOURCES) {
        return Err(not_implemented(sub));
    }
    match *method {
        Method::GET if query.has("location") => Ok(S3Operation::GetBucketLocation { bucket }),
        Method::GET if query.has("versioning") => Ok(S3Operation::GetBucketVersioning { bucket }),
        // Turning versioning on or off is the backend owner's decision, not a client's.
        _ if query.has("versioning") => Err(not_implemented("versioning")),
        Method::GET if query.has("versions") => Ok(S3Operation::ListObjectVersions {
            bucket,
            params: params::list_versions(query)?,
        }),
        Method::GET if query.has("uploads") => Ok(S3Operation::ListMultipartUploads {
            bucket,
            params: params::list_uploads(query)?,
        }),
        Method::GET => Ok(S3Operation::ListObjects {
            bucket,
            params: params::list_objects(query)?,
        }),
        Method::HEAD => Ok(S3Operation::HeadBucket { bucket }),
        Method::PUT => Ok(S3Operation::CreateBucket { bucket }),
        Method::POST if query.has("delete") => Ok(S3Operation::DeleteObjects { bucket }),
        Method::DELETE => Err(ProxyError::NotImplemented(
            "Virtual buckets cannot be deleted through the S3 API.".into(),
        )),
        _ => Err(ProxyError::MethodNotAllowed),
    }
}

fn parse_object(
    info: &RequestInfo,
    bucket: String,
    key: String,
    query: &Query,
) -> Result<S3Operation, ProxyError> {
    if let Some(sub) = query.first_of(UNSUPPORTED_OBJECT_SUBRESOURCES) {
        return Err(not_implemented(sub));
    }
    let copy_source = params::copy_source(&info.headers)?;
    let operation = match info.method {
        Method::GET if query.has("uploadId") => S3Operation::ListParts {
            upload_id: params::upload_id(query)?,
            params: params::list_parts(query)?,
            bucket,
            key,
        },
        Method::GET if query.has("tagging") => S3Operation::GetObjectTagging {
            version_id: params::version_id(query),
            bucket,
            key,
        },
        Method::GET => S3Operation::GetObject {
            params: params::read(query)?,
            bucket,
            key,
        },
        Method::HEAD => S3Operation::HeadObject {
            params: params::read(query)?,
            bucket,
            key,
        },
        Method::PUT if query.has("tagging") => S3Operation::PutObjectTagging {
            version_id: params::version_id(query),
            bucket,
            key,
        },
        Method::PUT if query.has("uploadId") || query.has("partNumber") => {
            let upload_id = params::upload_id(query)?;
            let part_number = params::part_number(query.get("partNumber").unwrap_or_default())?;
            match copy_source {
                Some(source) => S3Operation::UploadPartCopy {
                    bucket,
                    key,
                    upload_id,
                    part_number,
                    source,
                },
                None => S3Operation::UploadPart {
                    bucket,
                    key,
                    upload_id,
                    part_number,
                },
            }
        }
        Method::PUT => match copy_source {
            Some(source) => S3Operation::CopyObject {
                bucket,
                key,
                source,
            },
            None => S3Operation::PutObject { bucket, key },
        },
        Method::POST if query.has("uploads") => S3Operation::CreateMultipartUpload { bucket, key },
        Method::POST if query.has("uploadId") => S3Operation::CompleteMultipartUpload {
            upload_id: params::upload_id(query)?,
            bucket,
            key,
        },
        Method::DELETE if query.has("uploadId") => S3Operation::AbortMultipartUpload {
            upload_id: params::upload_id(query)?,
            bucket,
            key,
        },
        Method::DELETE if query.has("tagging") => return Err(not_implemented("tagging")),
        Method::DELETE => S3Operation::DeleteObject {
            version_id: params::version_id(query),
            bucket,
            key,
        },
        _ => return Err(ProxyError::MethodNotAllowed),
    };
    Ok(operation)
}

fn not_implemented(subresource: &str) -> ProxyError {
    ProxyError::NotImplemented(format!(
        "The `{subresource}` sub-resource is not supported by this gateway."
    ))
}

#[cfg(test)]
mod tests;
