//! `ListVersionsResult` (ListObjectVersions).

use super::*;
use crate::api::response::{VersionEntry, VersionKind, VersionsPage};

#[test]
fn list_versions_result_aws_shape() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>backend-data-prod</Name><Prefix>tenant-a/</Prefix><KeyMarker></KeyMarker>
  <VersionIdMarker></VersionIdMarker>
  <NextKeyMarker>tenant-a/b.jpg</NextKeyMarker>
  <NextVersionIdMarker>3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY</NextVersionIdMarker>
  <MaxKeys>3</MaxKeys><IsTruncated>true</IsTruncated>
  <Version>
    <Key>tenant-a/a.jpg</Key><VersionId>3/L4kqtJl40Nr8X8gdRQBpUMLUo</VersionId>
    <IsLatest>true</IsLatest><LastModified>2009-10-12T17:50:30.000Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag><Size>434234</Size>
    <StorageClass>STANDARD</StorageClass>
    <Owner><ID>75aa57f0</ID><DisplayName>backend-admin</DisplayName></Owner>
  </Version>
  <DeleteMarker>
    <Key>tenant-a/b.jpg</Key><VersionId>03jpff543dhffds434rfdsFDN943fdsFkdmqnh892</VersionId>
    <IsLatest>true</IsLatest><LastModified>2009-10-15T17:50:30.000Z</LastModified>
    <Owner><ID>75aa57f0</ID><DisplayName>backend-admin</DisplayName></Owner>
  </DeleteMarker>
  <Version>
    <Key>tenant-a/b.jpg</Key><VersionId>3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY</VersionId>
    <IsLatest>false</IsLatest><LastModified>2009-10-12T17:50:31Z</LastModified>
    <ETag>"e"</ETag><Size>0</Size>
  </Version>
  <CommonPrefixes><Prefix>tenant-a/photos/</Prefix></CommonPrefixes>
</ListVersionsResult>"#;
    let page = parse_list_versions(body.as_bytes()).unwrap();
    let at = |text| time(text);
    assert_eq!(
        page.entries,
        [
            VersionEntry {
                key: "tenant-a/a.jpg".into(),
                version_id: "3/L4kqtJl40Nr8X8gdRQBpUMLUo".into(),
                is_latest: true,
                last_modified: at("2009-10-12T17:50:30Z"),
                kind: VersionKind::Object {
                    etag: Some("\"fba9dede5f27731c9771645a39863328\"".into()),
                    size: 434_234,
                    storage_class: Some("STANDARD".into()),
                },
            },
            VersionEntry {
                key: "tenant-a/b.jpg".into(),
                version_id: "03jpff543dhffds434rfdsFDN943fdsFkdmqnh892".into(),
                is_latest: true,
                last_modified: at("2009-10-15T17:50:30Z"),
                kind: VersionKind::DeleteMarker,
            },
            VersionEntry {
                key: "tenant-a/b.jpg".into(),
                version_id: "3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY".into(),
                is_latest: false,
                last_modified: at("2009-10-12T17:50:31Z"),
                kind: VersionKind::Object {
                    etag: Some("\"e\"".into()),
                    size: 0,
                    storage_class: None,
                },
            },
        ]
    );
    assert_eq!(page.common_prefixes, ["tenant-a/photos/"]);
    assert!(page.is_truncated);
    assert_eq!(page.next_key_marker.as_deref(), Some("tenant-a/b.jpg"));
    assert_eq!(
        page.next_version_id_marker.as_deref(),
        Some("3/L4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY")
    );
}

#[test]
fn list_versions_result_decodes_url_encoded_fields() {
    let body = format!(
        r#"<ListVersionsResult><IsTruncated>true</IsTruncated>
  <NextKeyMarker>{ENCODED_KEY}</NextKeyMarker><NextVersionIdMarker>null</NextVersionIdMarker>
  <Version><Key>{ENCODED_KEY}</Key><VersionId>null</VersionId><IsLatest>true</IsLatest>
    <LastModified>2024-01-02T03:04:05.000Z</LastModified><Size>1</Size></Version>
  <CommonPrefixes><Prefix>dir%2Fa+b%7C</Prefix></CommonPrefixes>
  <EncodingType>url</EncodingType></ListVersionsResult>"#
    );
    let page = parse_list_versions(body.as_bytes()).unwrap();
    assert_eq!(page.entries[0].key, KEY);
    assert_eq!(page.common_prefixes, ["dir/a b|"]);
    assert_eq!(page.next_key_marker.as_deref(), Some(KEY));
}

#[test]
fn list_versions_result_last_page_may_send_empty_markers() {
    let body = r#"<ListVersionsResult><IsTruncated>false</IsTruncated>
  <NextKeyMarker></NextKeyMarker><NextVersionIdMarker/></ListVersionsResult>"#;
    let page = parse_list_versions(body.as_bytes()).unwrap();
    assert_eq!(page, VersionsPage::default());
}

#[test]
fn malformed_list_versions_results_are_backend_failures() {
    let version = |inner: &str| {
        format!(
            "<ListVersionsResult><IsTruncated>false</IsTruncated><Version>{inner}</Version></ListVersionsResult>"
        )
    };
    let complete = "<VersionId>v</VersionId><IsLatest>true</IsLatest>\
                    <LastModified>2024-01-02T03:04:05Z</LastModified><Size>1</Size>";
    for (case, body) in [
        (
            "no IsTruncated",
            "<ListVersionsResult></ListVersionsResult>".to_owned(),
        ),
        (
            "truncated without NextKeyMarker",
            "<ListVersionsResult><IsTruncated>true</IsTruncated></ListVersionsResult>".to_owned(),
        ),
        ("no key", version(complete)),
        ("empty key", version(&format!("<Key></Key>{complete}"))),
        (
            "no version id",
            version(
                "<Key>k</Key><IsLatest>true</IsLatest><LastModified>2024-01-02T03:04:05Z</LastModified><Size>1</Size>",
            ),
        ),
        (
            "IsLatest not a boolean",
            version(
                "<Key>k</Key><VersionId>v</VersionId><IsLatest>yes</IsLatest><LastModified>2024-01-02T03:04:05Z</LastModified><Size>1</Size>",
            ),
        ),
        (
            "no size",
            version(
                "<Key>k</Key><VersionId>v</VersionId><IsLatest>true</IsLatest><LastModified>2024-01-02T03:04:05Z</LastModified>",
            ),
        ),
        ("another document", LIST_V2_AWS.to_owned()),
    ] {
        assert_backend_failure(parse_list_versions(body.as_bytes()), case);
    }
    let error = parse_list_versions(error_body("AccessDenied").as_bytes()).unwrap_err();
    assert_eq!(error.s3_code(), "AccessDenied");
}
