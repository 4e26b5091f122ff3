//! The metadata sidecar: what S3 keeps about an object beyond its bytes.
//!
//! Sidecars are JSON at `.multistore/meta/<2 hex>/<sha256 hex of the key>`, a flat layout
//! in which no key shape can conflict with another. Each records the store's e_tag of the
//! data it describes, so a file replaced outside the gateway is recognised and served
//! with defaults instead of another object's metadata.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_ENCODING, CONTENT_LANGUAGE, CONTENT_TYPE, EXPIRES,
};
use http::{HeaderMap, HeaderName, HeaderValue};
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStoreExt, PutPayload};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::StoreBucket;
use crate::ProxyError;
use crate::api::request_body::Tag;
use crate::api::rfc2047;

/// `Content-Type` of objects stored without one, as S3 reports it.
pub(super) const DEFAULT_CONTENT_TYPE: &str = "binary/octet-stream";
/// The prefix of user metadata headers.
pub(super) const USER_METADATA_PREFIX: &str = "x-amz-meta-";
/// `x-amz-tagging`: tags given with a write, as a URL query string.
pub(super) const TAGGING: HeaderName = HeaderName::from_static("x-amz-tagging");
/// `x-amz-storage-class`.
pub(super) const STORAGE_CLASS: HeaderName = HeaderName::from_static("x-amz-storage-class");

/// The most tags an object may carry.
const MAX_TAGS: usize = 10;
/// The longest tag key and value, in characters.
const MAX_TAG_KEY_CHARS: usize = 128;
const MAX_TAG_VALUE_CHARS: usize = 256;

/// The entity headers named by S3 that are stored and returned as they were written.
const ENTITY_HEADERS: [HeaderName; 5] = [
    CONTENT_ENCODING,
    CONTENT_LANGUAGE,
    CONTENT_DISPOSITION,
    CACHE_CONTROL,
    EXPIRES,
];

/// What a client chose about an object when writing it; copied by CopyObject with
/// `x-amz-metadata-directive: COPY` and kept from CreateMultipartUpload to completion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ObjectAttributes {
    /// `Content-Type`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) content_type: Option<String>,
    /// The other entity headers, by lower-case name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) entity_headers: BTreeMap<String, String>,
    /// `x-amz-meta-*` values by lower-case name without the prefix.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) user_metadata: BTreeMap<String, String>,
    /// Object tags, in the order given.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) tags: Vec<(String, String)>,
    /// `x-amz-storage-class`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) storage_class: Option<String>,
}

impl ObjectAttributes {
    /// The attributes a write's headers ask for.
    pub(super) fn from_headers(headers: &HeaderMap) -> Result<Self, ProxyError> {
        let mut attributes = Self {
            content_type: header_text(headers, &CONTENT_TYPE)?,
            storage_class: header_text(headers, &STORAGE_CLASS)?,
            ..Self::default()
        };
        for name in &ENTITY_HEADERS {
            if let Some(value) = header_text(headers, name)? {
                attributes
                    .entity_headers
                    .insert(name.as_str().to_owned(), value);
            }
        }
        attributes.set_user_metadata(headers)?;
        if let Some(tagging) = header_text(headers, &TAGGING)? {
            attributes.tags = parse_tagging_header(&tagging)?;
        }
        Ok(attributes)
    }

    /// Replaces the user metadata with the `x-amz-meta-*` headers of `headers` (several
    /// values of one name are joined with `,`, as S3 does). Values are kept as text: raw
    /// UTF-8 as it is, RFC 2047 encoded-words decoded, as S3 stores them.
    pub(super) fn set_user_metadata(&mut self, headers: &HeaderMap) -> Result<(), ProxyError> {
        self.user_metadata.clear();
        for name in headers.keys() {
            let Some(suffix) = name.as_str().strip_prefix(USER_METADATA_PREFIX) else {
                continue;
            };
            let values = headers
                .get_all(name)
                .iter()
                .map(value_text)
                .collect::<Result<Vec<_>, _>>()?;
            let value = rfc2047::decode(&values.join(",")).into_owned();
            self.user_metadata.insert(suffix.to_owned(), value);
        }
        Ok(())
    }

    /// The tags as API values.
    pub(super) fn tag_list(&self) -> Vec<Tag> {
        let tags = self.tags.iter().cloned();
        tags.map(|(key, value)| Tag { key, value }).collect()
    }

    /// Writes the entity headers, user metadata, tag count and storage class. Metadata
    /// that is not printable US-ASCII is written as RFC 2047 encoded-words, as S3 returns it.
    pub(super) fn write_headers(&self, headers: &mut HeaderMap) {
        let content_type = self.content_type.as_deref();
        insert(
            headers,
            CONTENT_TYPE,
            content_type.unwrap_or(DEFAULT_CONTENT_TYPE),
        );
        for (name, value) in &self.entity_headers {
            if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
                insert(headers, name, value);
            }
        }
        for (name, value) in &self.user_metadata {
            let name = format!("{USER_METADATA_PREFIX}{name}");
            if let Ok(name) = HeaderName::from_bytes(name.as_bytes()) {
                insert(headers, name, &rfc2047::encode(value));
            }
        }
        if !self.tags.is_empty() {
            let count = self.tags.len().to_string();
            insert(
                headers,
                HeaderName::from_static("x-amz-tagging-count"),
                &count,
            );
        }
        if let Some(class) = &self.storage_class
            && class != "STANDARD"
        {
            insert(headers, STORAGE_CLASS, class);
        }
    }
}

/// The sidecar of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct ObjectRecord {
    /// The backend key, for people and repair tools (lookups go by hash).
    pub(super) key: String,
    /// The S3 ETag, quoted.
    pub(super) etag: String,
    /// The store's e_tag of the data this record describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) store_etag: Option<String>,
    /// Part sizes of an object assembled by a multipart upload, in part order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) part_sizes: Vec<u64>,
    /// The multipart upload that assembled the data, so that a retried
    /// CompleteMultipartUpload of it can be answered as the first one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) upload_id: Option<String>,
    /// What the client chose about the object.
    #[serde(flatten)]
    pub(super) attributes: ObjectAttributes,
}

impl ObjectRecord {
    /// Whether this record was written for the data `meta` describes.
    pub(super) fn describes(&self, meta: &ObjectMeta) -> bool {
        self.store_etag == meta.e_tag
    }
}

impl StoreBucket {
    /// The sidecar of `key`, if there is one (fresh or not).
    pub(super) async fn load_record(&self, key: &str) -> Result<Option<ObjectRecord>, ProxyError> {
        let path = sidecar_path(key);
        let bytes = match self.store.get(&path).await {
            Ok(result) => result.bytes().await,
            Err(error) => Err(error),
        };
        match bytes {
            Ok(bytes) => Ok(parse_record(&bytes, key)),
            Err(error) if super::is_not_found(&error) => Ok(None),
            Err(error) => Err(super::store_failure(error)),
        }
    }

    /// Writes the sidecar of `record.key`.
    pub(super) async fn save_record(&self, record: &ObjectRecord) -> Result<(), ProxyError> {
        let json = serde_json::to_vec(record).map_err(|error| {
            ProxyError::Internal(format!("cannot serialize object metadata: {error}"))
        })?;
        let path = sidecar_path(&record.key);
        let payload = PutPayload::from(Bytes::from(json));
        self.store
            .put(&path, payload)
            .await
            .map_err(super::store_failure)?;
        Ok(())
    }

    /// Removes the sidecar of `key`, if any.
    pub(super) async fn delete_record(&self, key: &str) -> Result<(), ProxyError> {
        match self.store.delete(&sidecar_path(key)).await {
            Err(error) if !super::is_not_found(&error) => Err(super::store_failure(error)),
            _ => Ok(()),
        }
    }
}

/// A sidecar's content, or `None` (with a warning) when it is not one of ours.
fn parse_record(bytes: &[u8], key: &str) -> Option<ObjectRecord> {
    match serde_json::from_slice::<ObjectRecord>(bytes) {
        Ok(record) if record.key == key => Some(record),
        Ok(_) => {
            tracing::warn!("metadata sidecar belongs to another key; ignored");
            None
        }
        Err(error) => {
            tracing::warn!(%error, "unreadable metadata sidecar; ignored");
            None
        }
    }
}

/// Where the sidecar of `key` lives.
pub(super) fn sidecar_path(key: &str) -> Path {
    let hash = hex::encode(Sha256::digest(key.as_bytes()));
    Path::from_iter([".multistore", "meta", &hash[..2], &hash])
}

/// Parses `x-amz-tagging` (`k1=v1&k2=v2`, URL query encoded) with S3's limits.
pub(super) fn parse_tagging_header(value: &str) -> Result<Vec<(String, String)>, ProxyError> {
    let pairs = url::form_urlencoded::parse(value.as_bytes()).into_owned();
    let tags: Vec<(String, String)> = pairs.collect();
    check_tags(
        tags.iter()
            .map(|(key, value)| (key.as_str(), value.as_str())),
    )?;
    Ok(tags)
}

/// Checks a tag set against S3's limits (count, lengths, unique keys).
pub(super) fn check_tags<'t>(
    tags: impl Iterator<Item = (&'t str, &'t str)> + Clone,
) -> Result<(), ProxyError> {
    let invalid = |message: &str| Err(ProxyError::InvalidArgument(message.to_owned()));
    if tags.clone().count() > MAX_TAGS {
        return invalid("Object tags cannot be greater than 10.");
    }
    let mut seen = std::collections::BTreeSet::new();
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > MAX_TAG_KEY_CHARS {
            return invalid("The TagKey you have provided is invalid.");
        }
        if value.chars().count() > MAX_TAG_VALUE_CHARS {
            return invalid("The TagValue you have provided is invalid.");
        }
        if !seen.insert(key) {
            return invalid("Cannot provide multiple Tags with the same key.");
        }
    }
    Ok(())
}

/// A header's value as text, if present.
pub(super) fn header_text(
    headers: &HeaderMap,
    name: &HeaderName,
) -> Result<Option<String>, ProxyError> {
    headers.get(name).map(value_text).transpose()
}

/// A header value as text: header values are bytes, metadata is kept as UTF-8.
fn value_text(value: &HeaderValue) -> Result<String, ProxyError> {
    match std::str::from_utf8(value.as_bytes()) {
        Ok(text) => Ok(text.to_owned()),
        Err(_) => Err(ProxyError::InvalidArgument(
            "Header values stored with an object must be UTF-8.".into(),
        )),
    }
}

/// Inserts a header, skipping a value that cannot be one.
pub(super) fn insert(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_bytes(value.as_bytes()) {
        headers.insert(name, value);
    }
}
