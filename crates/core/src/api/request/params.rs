//! Operation parameters from the query string and headers, validated.

use http::{HeaderMap, HeaderName};
use percent_encoding::percent_decode_str;

use super::Query;
use crate::ProxyError;
use crate::api::{
    CopySource, KeyEncoding, ListObjectsParams, ListPartsParams, ListUploadsParams, ListVersion,
    ListVersionsParams, ReadParams, validate_key,
};

/// The largest page S3 returns for any listing.
pub const MAX_PAGE_SIZE: usize = 1000;

/// The `response-*` query parameters of GetObject and the headers they override.
const RESPONSE_OVERRIDES: [(&str, HeaderName); 6] = [
    ("response-content-type", http::header::CONTENT_TYPE),
    ("response-content-language", http::header::CONTENT_LANGUAGE),
    ("response-expires", http::header::EXPIRES),
    ("response-cache-control", http::header::CACHE_CONTROL),
    (
        "response-content-disposition",
        http::header::CONTENT_DISPOSITION,
    ),
    ("response-content-encoding", http::header::CONTENT_ENCODING),
];

pub(super) fn list_objects(query: &Query) -> Result<ListObjectsParams, ProxyError> {
    let version = match query.get("list-type") {
        None | Some("1") => ListVersion::V1 {
            marker: query.get("marker").map(str::to_owned),
        },
        Some("2") => ListVersion::V2 {
            continuation_token: query.get("continuation-token").map(str::to_owned),
            start_after: query.get("start-after").map(str::to_owned),
            fetch_owner: query.get("fetch-owner") == Some("true"),
        },
        Some(other) => {
            return Err(ProxyError::InvalidArgument(format!(
                "Invalid list-type `{other}`: must be 1 or 2."
            )));
        }
    };
    Ok(ListObjectsParams {
        prefix: query.get("prefix").unwrap_or_default().to_owned(),
        delimiter: delimiter(query),
        max_keys: page_size(query, "max-keys", 0)?,
        encoding: encoding(query)?,
        version,
    })
}

pub(super) fn list_versions(query: &Query) -> Result<ListVersionsParams, ProxyError> {
    if query.has("version-id-marker") && !query.has("key-marker") {
        return Err(ProxyError::InvalidArgument(
            "A version-id marker cannot be specified without a key marker.".into(),
        ));
    }
    Ok(ListVersionsParams {
        prefix: query.get("prefix").unwrap_or_default().to_owned(),
        delimiter: delimiter(query),
        max_keys: page_size(query, "max-keys", 0)?,
        encoding: encoding(query)?,
        key_marker: query.get("key-marker").map(str::to_owned),
        version_id_marker: query.get("version-id-marker").map(str::to_owned),
    })
}

pub(super) fn list_uploads(query: &Query) -> Result<ListUploadsParams, ProxyError> {
    Ok(ListUploadsParams {
        prefix: query.get("prefix").unwrap_or_default().to_owned(),
        delimiter: delimiter(query),
        max_uploads: page_size(query, "max-uploads", 1)?,
        encoding: encoding(query)?,
        key_marker: query.get("key-marker").map(str::to_owned),
        upload_id_marker: query.get("upload-id-marker").map(str::to_owned),
    })
}

pub(super) fn list_parts(query: &Query) -> Result<ListPartsParams, ProxyError> {
    let part_number_marker = match query.get("part-number-marker") {
        None | Some("") => None,
        Some(value) => Some(value.parse::<u16>().map_err(|_| {
            ProxyError::InvalidArgument("part-number-marker must be an integer.".into())
        })?),
    };
    Ok(ListPartsParams {
        max_parts: page_size(query, "max-parts", 1)?,
        part_number_marker,
    })
}

pub(super) fn read(query: &Query) -> Result<ReadParams, ProxyError> {
    let part_number = query.get("partNumber").map(part_number).transpose()?;
    let response_overrides = RESPONSE_OVERRIDES
        .iter()
        .filter_map(|(param, header)| Some((header.clone(), query.get(param)?.to_owned())))
        .collect();
    Ok(ReadParams {
        version_id: version_id(query),
        part_number,
        response_overrides,
    })
}

pub(super) fn version_id(query: &Query) -> Option<String> {
    query
        .get("versionId")
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A part number: an integer from 1 to 10,000.
pub(super) fn part_number(value: &str) -> Result<u16, ProxyError> {
    value
        .parse::<u16>()
        .ok()
        .filter(|n| (1..=10_000).contains(n))
        .ok_or_else(|| {
            ProxyError::InvalidArgument(
                "Part number must be an integer between 1 and 10000, inclusive.".into(),
            )
        })
}

pub(super) fn upload_id(query: &Query) -> Result<String, ProxyError> {
    match query.get("uploadId") {
        Some(id) if !id.is_empty() => Ok(id.to_owned()),
        _ => Err(ProxyError::InvalidArgument(
            "uploadId must not be empty.".into(),
        )),
    }
}

/// Parses `x-amz-copy-source`: `[/]bucket/key[?versionId=v]`, URL-encoded.
pub(super) fn copy_source(headers: &HeaderMap) -> Result<Option<CopySource>, ProxyError> {
    let Some(value) = headers.get("x-amz-copy-source") else {
        return Ok(None);
    };
    let invalid = || ProxyError::InvalidArgument("Invalid copy source.".into());
    let value = value.to_str().map_err(|_| invalid())?;
    let (path, version_id) = match value.split_once('?') {
        Some((path, query)) => {
            let query = Query::parse(query)?;
            (path, Some(version_id(&query).ok_or_else(invalid)?))
        }
        None => (value, None),
    };
    let path = percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| invalid())?;
    let path = path.strip_prefix('/').unwrap_or(&path);
    let (bucket, key) = path.split_once('/').ok_or_else(invalid)?;
    if bucket.is_empty() {
        return Err(invalid());
    }
    validate_key(key)?;
    Ok(Some(CopySource {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        version_id,
    }))
}

fn delimiter(query: &Query) -> Option<String> {
    query
        .get("delimiter")
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
}

fn encoding(query: &Query) -> Result<KeyEncoding, ProxyError> {
    match query.get("encoding-type") {
        None => Ok(KeyEncoding::Plain),
        Some(value) if value.eq_ignore_ascii_case("url") => Ok(KeyEncoding::Url),
        Some(_) => Err(ProxyError::InvalidArgument(
            "Invalid Encoding Method specified in Request".into(),
        )),
    }
}

/// A page-size parameter: at least `min`, capped at 1000 like S3, 1000 when absent.
fn page_size(query: &Query, name: &str, min: usize) -> Result<usize, ProxyError> {
    match query.get(name) {
        None => Ok(MAX_PAGE_SIZE),
        Some(value) => value
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= min)
            .map(|n| n.min(MAX_PAGE_SIZE))
            .ok_or_else(|| {
                ProxyError::InvalidArgument(format!(
                    "Provided {name} not an integer or within integer range"
                ))
            }),
    }
}
