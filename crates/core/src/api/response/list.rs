//! `ListBucketResult`: the answer to ListObjects (V1) and ListObjectsV2.

use chrono::{DateTime, Utc};

use super::BucketOwner;
use super::{DEFAULT_STORAGE_CLASS, Namespace, XmlDocument};
use crate::api::{KeyEncoding, ListObjectsParams, ListVersion};

/// One object in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    /// The key, in the client's key space.
    pub key: String,
    /// When the object was last written.
    pub last_modified: DateTime<Utc>,
    /// The ETag, already quoted (`"abc"`), if the backend reports one.
    pub etag: Option<String>,
    /// Size in bytes.
    pub size: u64,
    /// Storage class; `STANDARD` when `None`.
    pub storage_class: Option<String>,
}

/// One page of a ListObjects answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ListPage {
    /// The objects, in key order.
    pub objects: Vec<ObjectEntry>,
    /// The prefixes keys rolled up into at the delimiter, in order.
    pub common_prefixes: Vec<String>,
    /// Whether more results follow.
    pub is_truncated: bool,
    /// V1: the `NextMarker` (S3 sends one only when the page is truncated and a delimiter
    /// was given; it is rendered whenever present). V2: the `NextContinuationToken`.
    pub next_marker_or_token: Option<String>,
}

/// Renders a `ListBucketResult` for ListObjects V1 or V2, as `params.version` says.
///
/// Request fields are echoed from `params`. `owner` appears in every V1 entry, as in S3,
/// and in V2 entries when the client asked for `fetch-owner`. With `encoding-type=url` the
/// fields S3 encodes are URL-encoded: V1 `Delimiter`, `Marker`, `NextMarker`, `Key`; V2
/// `Delimiter`, `Prefix`, `Key`, `StartAfter`; both `CommonPrefixes/Prefix`. V1's request
/// `Prefix` is echoed as it was sent: S3 does not encode it, and botocore, which decodes
/// exactly what S3 encodes (`decode_list_object` in `botocore/handlers.py`), leaves it be.
pub fn render_list_objects(
    bucket: &str,
    params: &ListObjectsParams,
    page: &ListPage,
    owner: &BucketOwner,
) -> String {
    let encoding = params.encoding;
    let mut doc = XmlDocument::new("ListBucketResult", Namespace::S3);
    doc.element("Name", bucket);
    let prefix_encoding = match params.version {
        ListVersion::V1 { .. } => KeyEncoding::Plain,
        ListVersion::V2 { .. } => encoding,
    };
    doc.listing_element("Prefix", &params.prefix, prefix_encoding);
    let entry_owner = match &params.version {
        ListVersion::V1 { marker } => {
            doc.listing_element("Marker", marker.as_deref().unwrap_or_default(), encoding);
            doc.number_element("MaxKeys", params.max_keys as u64);
            write_delimiter(&mut doc, params);
            doc.bool_element("IsTruncated", page.is_truncated);
            if let Some(next_marker) = &page.next_marker_or_token {
                doc.listing_element("NextMarker", next_marker, encoding);
            }
            Some(owner)
        }
        ListVersion::V2 {
            continuation_token,
            start_after,
            fetch_owner,
        } => {
            doc.number_element("MaxKeys", params.max_keys as u64);
            let key_count = page.objects.len() + page.common_prefixes.len();
            doc.number_element("KeyCount", key_count as u64);
            write_delimiter(&mut doc, params);
            doc.bool_element("IsTruncated", page.is_truncated);
            doc.optional_element("ContinuationToken", continuation_token.as_deref());
            doc.optional_element(
                "NextContinuationToken",
                page.next_marker_or_token.as_deref(),
            );
            if let Some(start_after) = start_after {
                doc.listing_element("StartAfter", start_after, encoding);
            }
            fetch_owner.then_some(owner)
        }
    };
    for object in &page.objects {
        write_object(&mut doc, object, entry_owner, encoding);
    }
    doc.common_prefixes(&page.common_prefixes, encoding);
    doc.encoding_type(encoding);
    doc.finish()
}

/// Writes `Delimiter` when the request had one.
fn write_delimiter(doc: &mut XmlDocument, params: &ListObjectsParams) {
    if let Some(delimiter) = &params.delimiter {
        doc.listing_element("Delimiter", delimiter, params.encoding);
    }
}

/// Writes one `Contents` entry.
fn write_object(
    doc: &mut XmlDocument,
    object: &ObjectEntry,
    owner: Option<&BucketOwner>,
    encoding: KeyEncoding,
) {
    doc.open("Contents");
    doc.listing_element("Key", &object.key, encoding);
    doc.timestamp_element("LastModified", &object.last_modified);
    doc.optional_element("ETag", object.etag.as_deref());
    doc.number_element("Size", object.size);
    if let Some(owner) = owner {
        doc.owner_element("Owner", owner);
    }
    let storage_class = object.storage_class.as_deref();
    doc.element(
        "StorageClass",
        storage_class.unwrap_or(DEFAULT_STORAGE_CLASS),
    );
    doc.close("Contents");
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::api::response::DEFAULT_BUCKET_OWNER;

    fn entry(key: &str) -> ObjectEntry {
        ObjectEntry {
            key: key.into(),
            last_modified: Utc.with_ymd_and_hms(2009, 10, 12, 17, 50, 30).unwrap(),
            etag: Some("\"fba9dede5f27731c9771645a39863328\"".into()),
            size: 434_234,
            storage_class: None,
        }
    }

    fn params(version: ListVersion) -> ListObjectsParams {
        ListObjectsParams {
            prefix: "photos/".into(),
            delimiter: Some("/".into()),
            max_keys: 2,
            encoding: KeyEncoding::Plain,
            version,
        }
    }

    fn page() -> ListPage {
        ListPage {
            objects: vec![entry("photos/a.jpg")],
            common_prefixes: vec!["photos/2006/".into()],
            is_truncated: true,
            next_marker_or_token: Some("photos/2006/".into()),
        }
    }

    #[test]
    fn golden_list_objects_v1() {
        let v1 = params(ListVersion::V1 { marker: None });
        let xml = render_list_objects("bucket", &v1, &page(), &DEFAULT_BUCKET_OWNER);
        assert_eq!(
            xml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
                "<Name>bucket</Name><Prefix>photos/</Prefix><Marker></Marker>",
                "<MaxKeys>2</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>",
                "<NextMarker>photos/2006/</NextMarker>",
                "<Contents><Key>photos/a.jpg</Key>",
                "<LastModified>2009-10-12T17:50:30.000Z</LastModified>",
                "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>",
                "<Owner><ID>multistore</ID><DisplayName>multistore</DisplayName></Owner>",
                "<StorageClass>STANDARD</StorageClass></Contents>",
                "<CommonPrefixes><Prefix>photos/2006/</Prefix></CommonPrefixes>",
                "</ListBucketResult>"
            )
        );
    }

    #[test]
    fn golden_list_objects_v2() {
        let v2 = params(ListVersion::V2 {
            continuation_token: Some("tok1".into()),
            start_after: Some("photos/0".into()),
            fetch_owner: false,
        });
        let mut page = page();
        page.next_marker_or_token = Some("tok2".into());
        page.objects[0].storage_class = Some("GLACIER".into());
        let xml = render_list_objects("bucket", &v2, &page, &DEFAULT_BUCKET_OWNER);
        assert_eq!(
            xml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
                "<Name>bucket</Name><Prefix>photos/</Prefix><MaxKeys>2</MaxKeys>",
                "<KeyCount>2</KeyCount><Delimiter>/</Delimiter>",
                "<IsTruncated>true</IsTruncated><ContinuationToken>tok1</ContinuationToken>",
                "<NextContinuationToken>tok2</NextContinuationToken>",
                "<StartAfter>photos/0</StartAfter>",
                "<Contents><Key>photos/a.jpg</Key>",
                "<LastModified>2009-10-12T17:50:30.000Z</LastModified>",
                "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>",
                "<StorageClass>GLACIER</StorageClass></Contents>",
                "<CommonPrefixes><Prefix>photos/2006/</Prefix></CommonPrefixes>",
                "</ListBucketResult>"
            )
        );
    }

    #[test]
    fn v2_fetch_owner_adds_owner_to_entries() {
        let v2 = params(ListVersion::V2 {
            continuation_token: None,
            start_after: None,
            fetch_owner: true,
        });
        let xml = render_list_objects("b", &v2, &page(), &DEFAULT_BUCKET_OWNER);
        assert!(xml.contains("<Size>434234</Size><Owner><ID>multistore</ID>"));
        assert!(
            !xml.contains("<ContinuationToken>"),
            "no token to echo: {xml}"
        );
        assert!(!xml.contains("StartAfter"));
    }

    #[test]
    fn key_count_counts_objects_and_common_prefixes() {
        let v2 = params(ListVersion::V2 {
            continuation_token: None,
            start_after: None,
            fetch_owner: false,
        });
        let cases = [(0, 0, 0), (3, 0, 3), (0, 2, 2), (3, 2, 5)];
        for (objects, prefixes, expected) in cases {
            let page = ListPage {
                objects: (0..objects).map(|i| entry(&format!("k{i}"))).collect(),
                common_prefixes: (0..prefixes).map(|i| format!("p{i}/")).collect(),
                ..ListPage::default()
            };
            let xml = render_list_objects("b", &v2, &page, &DEFAULT_BUCKET_OWNER);
            assert!(
                xml.contains(&format!("<KeyCount>{expected}</KeyCount>")),
                "{objects} objects, {prefixes} prefixes: {xml}"
            );
        }
    }

    #[test]
    fn v1_without_delimiter_or_next_marker_omits_them() {
        let mut v1 = params(ListVersion::V1 {
            marker: Some("photos/0".into()),
        });
        v1.delimiter = None;
        let page = ListPage {
            objects: vec![entry("photos/a.jpg")],
            ..ListPage::default()
        };
        let xml = render_list_objects("b", &v1, &page, &DEFAULT_BUCKET_OWNER);
        assert!(xml.contains("<Marker>photos/0</Marker>"));
        assert!(xml.contains("<IsTruncated>false</IsTruncated>"));
        assert!(!xml.contains("Delimiter"));
        assert!(!xml.contains("NextMarker"));
        assert!(!xml.contains("EncodingType"));
    }

    #[test]
    fn missing_etag_is_omitted_and_dates_keep_milliseconds() {
        let mut object = entry("k");
        object.etag = None;
        object.last_modified = Utc.timestamp_millis_opt(1_255_369_830_123).unwrap();
        let page = ListPage {
            objects: vec![object],
            ..ListPage::default()
        };
        let v1 = params(ListVersion::V1 { marker: None });
        let xml = render_list_objects("b", &v1, &page, &DEFAULT_BUCKET_OWNER);
        assert!(!xml.contains("ETag"));
        assert!(xml.contains("<LastModified>2009-10-12T17:50:30.123Z</LastModified>"));
    }
}
