//! The answers to ListParts and ListMultipartUploads.

use chrono::{DateTime, Utc};

use super::BucketOwner;
use super::{DEFAULT_STORAGE_CLASS, Namespace, XmlDocument};
use crate::api::request_body::Checksums;
use crate::api::{ListPartsParams, ListUploadsParams};

/// One uploaded part of a multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartEntry {
    /// Part number, 1 to 10,000.
    pub part_number: u16,
    /// When the part was uploaded.
    pub last_modified: DateTime<Utc>,
    /// The part's ETag, already quoted.
    pub etag: String,
    /// Size in bytes.
    pub size: u64,
    /// The part's checksums, if the backend reported any.
    pub checksums: Checksums,
}

/// One page of a ListParts answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartsPage {
    /// The parts, in part-number order.
    pub parts: Vec<PartEntry>,
    /// Whether more parts follow.
    pub is_truncated: bool,
    /// Where the next page starts.
    pub next_part_number_marker: Option<u16>,
    /// The upload's storage class; `STANDARD` when `None`.
    pub storage_class: Option<String>,
}

/// One multipart upload in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadEntry {
    /// The key, in the client's key space.
    pub key: String,
    /// The upload id.
    pub upload_id: String,
    /// When the upload was created.
    pub initiated: DateTime<Utc>,
    /// Storage class; `STANDARD` when `None`.
    pub storage_class: Option<String>,
}

/// One page of a ListMultipartUploads answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UploadsPage {
    /// The uploads, in key order, then by initiation time.
    pub uploads: Vec<UploadEntry>,
    /// The prefixes keys rolled up into at the delimiter, in order.
    pub common_prefixes: Vec<String>,
    /// Whether more results follow.
    pub is_truncated: bool,
    /// Where the next page starts (key).
    pub next_key_marker: Option<String>,
    /// Where the next page starts (upload of `next_key_marker`).
    pub next_upload_id_marker: Option<String>,
}

/// Renders a `ListPartsResult` for upload `upload_id` of `bucket`/`key`.
///
/// `owner` is shown as both initiator and owner.
pub fn render_list_parts(
    bucket: &str,
    key: &str,
    upload_id: &str,
    params: &ListPartsParams,
    page: &PartsPage,
    owner: &BucketOwner,
) -> String {
    let mut doc = XmlDocument::new("ListPartsResult", Namespace::S3);
    doc.element("Bucket", bucket);
    doc.element("Key", key);
    doc.element("UploadId", upload_id);
    doc.owner_element("Initiator", owner);
    doc.owner_element("Owner", owner);
    let storage_class = page.storage_class.as_deref();
    doc.element(
        "StorageClass",
        storage_class.unwrap_or(DEFAULT_STORAGE_CLASS),
    );
    // S3 reports "no marker" as part number 0.
    doc.number_element("PartNumberMarker", params.part_number_marker.unwrap_or(0));
    if let Some(next) = page.next_part_number_marker {
        doc.number_element("NextPartNumberMarker", next);
    }
    doc.number_element("MaxParts", params.max_parts as u64);
    doc.bool_element("IsTruncated", page.is_truncated);
    for part in &page.parts {
        doc.open("Part");
        doc.number_element("PartNumber", part.part_number);
        doc.timestamp_element("LastModified", &part.last_modified);
        doc.element("ETag", &part.etag);
        doc.number_element("Size", part.size);
        doc.checksums(&part.checksums);
        doc.close("Part");
    }
    doc.finish()
}

/// Renders a `ListMultipartUploadsResult`, echoing the request fields from `params`.
///
/// `owner` is shown as initiator and owner of every upload. With `encoding-type=url`,
/// `Delimiter`, `KeyMarker`, `Prefix`, `NextKeyMarker`, `Key` and `CommonPrefixes/Prefix`
/// are URL-encoded, as S3 does.
pub fn render_list_multipart_uploads(
    bucket: &str,
    params: &ListUploadsParams,
    page: &UploadsPage,
    owner: &BucketOwner,
) -> String {
    let encoding = params.encoding;
    let mut doc = XmlDocument::new("ListMultipartUploadsResult", Namespace::S3);
    doc.element("Bucket", bucket);
    let key_marker = params.key_marker.as_deref().unwrap_or_default();
    doc.listing_element("KeyMarker", key_marker, encoding);
    let upload_id_marker = params.upload_id_marker.as_deref().unwrap_or_default();
    doc.element("UploadIdMarker", upload_id_marker);
    if let Some(next_key_marker) = &page.next_key_marker {
        doc.listing_element("NextKeyMarker", next_key_marker, encoding);
    }
    doc.optional_element("NextUploadIdMarker", page.next_upload_id_marker.as_deref());
    if let Some(delimiter) = &params.delimiter {
        doc.listing_element("Delimiter", delimiter, encoding);
    }
    doc.listing_element("Prefix", &params.prefix, encoding);
    doc.number_element("MaxUploads", params.max_uploads as u64);
    doc.bool_element("IsTruncated", page.is_truncated);
    for upload in &page.uploads {
        doc.open("Upload");
        doc.listing_element("Key", &upload.key, encoding);
        doc.element("UploadId", &upload.upload_id);
        doc.owner_element("Initiator", owner);
        doc.owner_element("Owner", owner);
        let storage_class = upload.storage_class.as_deref();
        doc.element(
            "StorageClass",
            storage_class.unwrap_or(DEFAULT_STORAGE_CLASS),
        );
        doc.timestamp_element("Initiated", &upload.initiated);
        doc.close("Upload");
    }
    doc.common_prefixes(&page.common_prefixes, encoding);
    doc.encoding_type(encoding);
    doc.finish()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::api::KeyEncoding;
    use crate::api::response::DEFAULT_BUCKET_OWNER;

    const OWNER_XML: &str = "<ID>multistore</ID><DisplayName>multistore</DisplayName>";

    #[test]
    fn golden_list_parts() {
        let params = ListPartsParams {
            max_parts: 2,
            part_number_marker: Some(1),
        };
        let page = PartsPage {
            parts: vec![PartEntry {
                part_number: 2,
                last_modified: Utc.with_ymd_and_hms(2010, 11, 10, 20, 48, 34).unwrap(),
                etag: "\"7778aef8\"".into(),
                size: 10_485_760,
                checksums: Checksums {
                    sha256: Some("n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=".into()),
                    ..Checksums::default()
                },
            }],
            is_truncated: true,
            next_part_number_marker: Some(2),
            storage_class: None,
        };
        let xml = render_list_parts(
            "bucket",
            "big.bin",
            "UP",
            &params,
            &page,
            &DEFAULT_BUCKET_OWNER,
        );
        let expected = [
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
            "<Bucket>bucket</Bucket><Key>big.bin</Key><UploadId>UP</UploadId>",
            &format!("<Initiator>{OWNER_XML}</Initiator><Owner>{OWNER_XML}</Owner>"),
            "<StorageClass>STANDARD</StorageClass><PartNumberMarker>1</PartNumberMarker>",
            "<NextPartNumberMarker>2</NextPartNumberMarker><MaxParts>2</MaxParts>",
            "<IsTruncated>true</IsTruncated>",
            "<Part><PartNumber>2</PartNumber>",
            "<LastModified>2010-11-10T20:48:34.000Z</LastModified>",
            "<ETag>&quot;7778aef8&quot;</ETag><Size>10485760</Size>",
            "<ChecksumSHA256>n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=</ChecksumSHA256>",
            "</Part></ListPartsResult>",
        ]
        .concat();
        assert_eq!(xml, expected);
    }

    #[test]
    fn list_parts_without_marker_reports_zero() {
        let params = ListPartsParams {
            max_parts: 1000,
            part_number_marker: None,
        };
        let xml = render_list_parts(
            "b",
            "k",
            "U",
            &params,
            &PartsPage::default(),
            &DEFAULT_BUCKET_OWNER,
        );
        assert!(xml.contains("<PartNumberMarker>0</PartNumberMarker>"));
        assert!(!xml.contains("NextPartNumberMarker"));
        assert!(xml.contains("<IsTruncated>false</IsTruncated></ListPartsResult>"));
    }

    #[test]
    fn golden_list_multipart_uploads() {
        let params = ListUploadsParams {
            prefix: "photos/".into(),
            delimiter: Some("/".into()),
            max_uploads: 3,
            encoding: KeyEncoding::Plain,
            key_marker: None,
            upload_id_marker: None,
        };
        let page = UploadsPage {
            uploads: vec![UploadEntry {
                key: "photos/my-divisor".into(),
                upload_id: "XMgbGlr".into(),
                initiated: Utc.with_ymd_and_hms(2010, 11, 10, 20, 48, 33).unwrap(),
                storage_class: None,
            }],
            common_prefixes: vec!["photos/2006/".into()],
            is_truncated: true,
            next_key_marker: Some("photos/my-divisor".into()),
            next_upload_id_marker: Some("XMgbGlr".into()),
        };
        let xml = render_list_multipart_uploads("bucket", &params, &page, &DEFAULT_BUCKET_OWNER);
        let expected = [
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
            "<Bucket>bucket</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>",
            "<NextKeyMarker>photos/my-divisor</NextKeyMarker>",
            "<NextUploadIdMarker>XMgbGlr</NextUploadIdMarker>",
            "<Delimiter>/</Delimiter><Prefix>photos/</Prefix><MaxUploads>3</MaxUploads>",
            "<IsTruncated>true</IsTruncated>",
            "<Upload><Key>photos/my-divisor</Key><UploadId>XMgbGlr</UploadId>",
            &format!("<Initiator>{OWNER_XML}</Initiator><Owner>{OWNER_XML}</Owner>"),
            "<StorageClass>STANDARD</StorageClass>",
            "<Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>",
            "<CommonPrefixes><Prefix>photos/2006/</Prefix></CommonPrefixes>",
            "</ListMultipartUploadsResult>",
        ]
        .concat();
        assert_eq!(xml, expected);
    }
}
