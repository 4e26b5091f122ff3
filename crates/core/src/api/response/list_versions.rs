//! `ListVersionsResult`: the answer to ListObjectVersions.

use chrono::{DateTime, Utc};

use super::BucketOwner;
use super::{DEFAULT_STORAGE_CLASS, Namespace, XmlDocument};
use crate::api::{KeyEncoding, ListVersionsParams};

/// One version of a key: an object version or a delete marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionEntry {
    /// The key, in the client's key space.
    pub key: String,
    /// The version id (`null` for objects written while versioning was off).
    pub version_id: String,
    /// Whether this is the key's current version.
    pub is_latest: bool,
    /// When this version was written.
    pub last_modified: DateTime<Utc>,
    /// Object version or delete marker.
    pub kind: VersionKind,
}

/// What a [`VersionEntry`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionKind {
    /// A stored object version (`<Version>`).
    Object {
        /// The ETag, already quoted, if the backend reports one.
        etag: Option<String>,
        /// Size in bytes.
        size: u64,
        /// Storage class; `STANDARD` when `None`.
        storage_class: Option<String>,
    },
    /// A delete marker (`<DeleteMarker>`).
    DeleteMarker,
}

/// One page of a ListObjectVersions answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VersionsPage {
    /// Versions and delete markers, in key order, newest version of a key first.
    pub entries: Vec<VersionEntry>,
    /// The prefixes keys rolled up into at the delimiter, in order.
    pub common_prefixes: Vec<String>,
    /// Whether more results follow.
    pub is_truncated: bool,
    /// Where the next page starts (key).
    pub next_key_marker: Option<String>,
    /// Where the next page starts (version of `next_key_marker`).
    pub next_version_id_marker: Option<String>,
}

/// Renders a `ListVersionsResult`, echoing the request fields from `params`.
///
/// With `encoding-type=url`, `Delimiter`, `KeyMarker`, `NextKeyMarker`, `Prefix`, `Key`
/// and `CommonPrefixes/Prefix` are URL-encoded, as S3 does.
pub fn render_list_versions(
    bucket: &str,
    params: &ListVersionsParams,
    page: &VersionsPage,
    owner: &BucketOwner,
) -> String {
    let encoding = params.encoding;
    let mut doc = XmlDocument::new("ListVersionsResult", Namespace::S3);
    doc.element("Name", bucket);
    doc.listing_element("Prefix", &params.prefix, encoding);
    let key_marker = params.key_marker.as_deref().unwrap_or_default();
    doc.listing_element("KeyMarker", key_marker, encoding);
    let version_id_marker = params.version_id_marker.as_deref().unwrap_or_default();
    doc.element("VersionIdMarker", version_id_marker);
    if let Some(next_key_marker) = &page.next_key_marker {
        doc.listing_element("NextKeyMarker", next_key_marker, encoding);
    }
    doc.optional_element(
        "NextVersionIdMarker",
        page.next_version_id_marker.as_deref(),
    );
    doc.number_element("MaxKeys", params.max_keys as u64);
    if let Some(delimiter) = &params.delimiter {
        doc.listing_element("Delimiter", delimiter, encoding);
    }
    doc.bool_element("IsTruncated", page.is_truncated);
    for entry in &page.entries {
        write_entry(&mut doc, entry, owner, encoding);
    }
    doc.common_prefixes(&page.common_prefixes, encoding);
    doc.encoding_type(encoding);
    doc.finish()
}

/// Writes one `Version` or `DeleteMarker` element.
fn write_entry(
    doc: &mut XmlDocument,
    entry: &VersionEntry,
    owner: &BucketOwner,
    encoding: KeyEncoding,
) {
    let element = match entry.kind {
        VersionKind::Object { .. } => "Version",
        VersionKind::DeleteMarker => "DeleteMarker",
    };
    doc.open(element);
    doc.listing_element("Key", &entry.key, encoding);
    doc.element("VersionId", &entry.version_id);
    doc.bool_element("IsLatest", entry.is_latest);
    doc.timestamp_element("LastModified", &entry.last_modified);
    if let VersionKind::Object {
        etag,
        size,
        storage_class,
    } = &entry.kind
    {
        doc.optional_element("ETag", etag.as_deref());
        doc.number_element("Size", *size);
        let storage_class = storage_class.as_deref().unwrap_or(DEFAULT_STORAGE_CLASS);
        doc.element("StorageClass", storage_class);
    }
    doc.owner_element("Owner", owner);
    doc.close(element);
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::api::response::DEFAULT_BUCKET_OWNER;

    #[test]
    fn golden_list_versions() {
        let params = ListVersionsParams {
            prefix: "my".into(),
            delimiter: None,
            max_keys: 5,
            encoding: KeyEncoding::Plain,
            key_marker: None,
            version_id_marker: None,
        };
        let when = Utc.with_ymd_and_hms(2009, 10, 12, 17, 50, 30).unwrap();
        let page = VersionsPage {
            entries: vec![
                VersionEntry {
                    key: "my-image.jpg".into(),
                    version_id: "3/L4kqtJl40Nr8X8gdRQBpUMLUo".into(),
                    is_latest: true,
                    last_modified: when,
                    kind: VersionKind::Object {
                        etag: Some("\"fba9\"".into()),
                        size: 434_234,
                        storage_class: None,
                    },
                },
                VersionEntry {
                    key: "my-second-image.jpg".into(),
                    version_id: "null".into(),
                    is_latest: false,
                    last_modified: when,
                    kind: VersionKind::DeleteMarker,
                },
            ],
            is_truncated: true,
            next_key_marker: Some("my-second-image.jpg".into()),
            next_version_id_marker: Some("null".into()),
            ..VersionsPage::default()
        };
        let xml = render_list_versions("bucket", &params, &page, &DEFAULT_BUCKET_OWNER);
        assert_eq!(
            xml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
                "<Name>bucket</Name><Prefix>my</Prefix><KeyMarker></KeyMarker>",
                "<VersionIdMarker></VersionIdMarker>",
                "<NextKeyMarker>my-second-image.jpg</NextKeyMarker>",
                "<NextVersionIdMarker>null</NextVersionIdMarker>",
                "<MaxKeys>5</MaxKeys><IsTruncated>true</IsTruncated>",
                "<Version><Key>my-image.jpg</Key>",
                "<VersionId>3/L4kqtJl40Nr8X8gdRQBpUMLUo</VersionId><IsLatest>true</IsLatest>",
                "<LastModified>2009-10-12T17:50:30.000Z</LastModified>",
                "<ETag>&quot;fba9&quot;</ETag><Size>434234</Size>",
                "<StorageClass>STANDARD</StorageClass>",
                "<Owner><ID>multistore</ID><DisplayName>multistore</DisplayName></Owner>",
                "</Version>",
                "<DeleteMarker><Key>my-second-image.jpg</Key><VersionId>null</VersionId>",
                "<IsLatest>false</IsLatest>",
                "<LastModified>2009-10-12T17:50:30.000Z</LastModified>",
                "<Owner><ID>multistore</ID><DisplayName>multistore</DisplayName></Owner>",
                "</DeleteMarker></ListVersionsResult>"
            )
        );
    }
}
