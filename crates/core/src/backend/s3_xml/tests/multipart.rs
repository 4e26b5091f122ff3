//! `InitiateMultipartUploadResult`, `CompleteMultipartUploadResult`, `ListPartsResult`,
//! `ListMultipartUploadsResult`.

use super::*;

#[test]
fn initiate_multipart_upload_result() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>backend-data-prod</Bucket>
  <Key>tenant-a/example-object</Key>
  <UploadId>VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA</UploadId>
</InitiateMultipartUploadResult>"#;
    assert_eq!(
        parse_initiate_multipart_upload(body.as_bytes()).unwrap(),
        "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"
    );
    // MinIO's ids are UUID-shaped with a base64 tail; s3s sends no Bucket.
    let body = "<InitiateMultipartUploadResult><Key>k</Key><UploadId>\
        ZjFhZjQ5ZWUtNWQ5Yy00YjFhLWEyNWYtMmQ4Zjk0ZjE5OTYweDE3MDA=</UploadId>\
        <ChecksumAlgorithm>CRC32C</ChecksumAlgorithm></InitiateMultipartUploadResult>";
    assert!(
        parse_initiate_multipart_upload(body.as_bytes())
            .unwrap()
            .ends_with("MDA=")
    );
    for (body, case) in [
        (
            "<InitiateMultipartUploadResult><Key>k</Key></InitiateMultipartUploadResult>",
            "no id",
        ),
        (
            "<InitiateMultipartUploadResult><UploadId> </UploadId></InitiateMultipartUploadResult>",
            "empty id",
        ),
    ] {
        assert_backend_failure(parse_initiate_multipart_upload(body.as_bytes()), case);
    }
}

#[test]
fn complete_multipart_upload_result() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Location>https://backend-data-prod.s3.eu-west-1.amazonaws.com/tenant-a/big.bin</Location>
  <Bucket>backend-data-prod</Bucket>
  <Key>tenant-a/big.bin</Key>
  <ETag>"3858f62230ac3c915f300c664312c11f-9"</ETag>
  <ChecksumCRC32>7q3y5Q==</ChecksumCRC32>
  <ChecksumSHA256> n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg= </ChecksumSHA256>
  <ChecksumType>COMPOSITE</ChecksumType>
</CompleteMultipartUploadResult>"#;
    let (etag, checksums) = parse_complete_multipart_upload(body.as_bytes()).unwrap();
    assert_eq!(etag, "\"3858f62230ac3c915f300c664312c11f-9\"");
    assert_eq!(
        checksums,
        Checksums {
            crc32: Some("7q3y5Q==".into()),
            sha256: Some("n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=".into()),
            ..Checksums::default()
        }
    );
    let no_etag = "<CompleteMultipartUploadResult><Key>k</Key></CompleteMultipartUploadResult>";
    assert_backend_failure(
        parse_complete_multipart_upload(no_etag.as_bytes()),
        "no ETag",
    );
}

/// S3 answers CompleteMultipartUpload with 200 and an error body when the failure is only
/// found after the response has started.
#[test]
fn complete_with_status_200_and_an_error_body_is_an_error() {
    let invalid_part = r#"<?xml version="1.0" encoding="UTF-8"?>

<Error><Code>InvalidPart</Code><Message>One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.</Message><UploadId>VXBsb2Fk</UploadId><PartNumber>2</PartNumber><ETag>7778aef8</ETag><RequestId>656c76696e6727732072657175657374</RequestId><HostId>Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg==</HostId></Error>"#;
    let error = parse_complete_multipart_upload(invalid_part.as_bytes()).unwrap_err();
    assert!(matches!(error, ProxyError::InvalidPart(_)), "{error:?}");
    assert_eq!(error.status(), StatusCode::BAD_REQUEST);

    let internal = "<Error><Code>InternalError</Code><Message>We encountered an internal \
        error in backend-data-prod. Please try again.</Message></Error>";
    let error = parse_complete_multipart_upload(internal.as_bytes()).unwrap_err();
    assert_eq!(error.s3_code(), "ServiceUnavailable");
    assert!(!error.client_message().contains("backend-data-prod"));
    // The backend's code and message stay in the source, for the logs.
    assert!(error.to_string().contains("InternalError"), "{error}");

    let slow_down = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.\
        </Message></Error>";
    let error = parse_complete_multipart_upload(slow_down.as_bytes()).unwrap_err();
    assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[test]
fn list_parts_result() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>backend-data-prod</Bucket>
  <Key>tenant-a/example-object</Key>
  <UploadId>XXBsb2FkIElEIGZvciBlbHZpbmcncyVcdS1tb3ZpZS5tMnRzEEEwbG9hZA</UploadId>
  <Initiator>
    <ID>arn:aws:iam::111122223333:user/backend-user</ID>
    <DisplayName>backend-user</DisplayName>
  </Initiator>
  <Owner>
    <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
    <DisplayName>backend-admin</DisplayName>
  </Owner>
  <StorageClass>STANDARD_IA</StorageClass>
  <PartNumberMarker>1</PartNumberMarker>
  <NextPartNumberMarker>3</NextPartNumberMarker>
  <MaxParts>2</MaxParts>
  <IsTruncated>true</IsTruncated>
  <ChecksumAlgorithm>SHA256</ChecksumAlgorithm>
  <Part>
    <PartNumber>2</PartNumber>
    <LastModified>2010-11-10T20:48:34.000Z</LastModified>
    <ETag>"7778aef83f66abc1fa1e8477f296d394"</ETag>
    <Size>10485760</Size>
    <ChecksumSHA256>n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=</ChecksumSHA256>
  </Part>
  <Part>
    <PartNumber>3</PartNumber>
    <LastModified>2010-11-10T20:48:33Z</LastModified>
    <ETag>aaaa18db4cc2f85cedef654fccc4a4x8</ETag>
    <Size>10485760</Size>
  </Part>
</ListPartsResult>"#;
    let page = parse_list_parts(body.as_bytes()).unwrap();
    assert_eq!(
        page,
        PartsPage {
            parts: vec![
                PartEntry {
                    part_number: 2,
                    last_modified: Utc.with_ymd_and_hms(2010, 11, 10, 20, 48, 34).unwrap(),
                    etag: "\"7778aef83f66abc1fa1e8477f296d394\"".into(),
                    size: 10_485_760,
                    checksums: Checksums {
                        sha256: Some("n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=".into()),
                        ..Checksums::default()
                    },
                },
                PartEntry {
                    part_number: 3,
                    last_modified: Utc.with_ymd_and_hms(2010, 11, 10, 20, 48, 33).unwrap(),
                    etag: "\"aaaa18db4cc2f85cedef654fccc4a4x8\"".into(),
                    size: 10_485_760,
                    checksums: Checksums::default(),
                },
            ],
            is_truncated: true,
            next_part_number_marker: Some(3),
            storage_class: Some("STANDARD_IA".into()),
        }
    );
}

#[test]
fn list_parts_result_last_page_variations() {
    // No parts, no storage class (s3s), an empty NextPartNumberMarker (some servers).
    let body = "<ListPartsResult><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId>\
        <PartNumberMarker>0</PartNumberMarker><NextPartNumberMarker></NextPartNumberMarker>\
        <MaxParts>1000</MaxParts><IsTruncated>false</IsTruncated></ListPartsResult>";
    assert_eq!(
        parse_list_parts(body.as_bytes()).unwrap(),
        PartsPage::default()
    );
    let aws_empty = "<ListPartsResult><NextPartNumberMarker>0</NextPartNumberMarker>\
        <IsTruncated>false</IsTruncated></ListPartsResult>";
    let page = parse_list_parts(aws_empty.as_bytes()).unwrap();
    assert_eq!(page.next_part_number_marker, Some(0));
}

#[test]
fn list_parts_result_refuses_bad_parts() {
    let part = |inner: &str| {
        format!(
            "<ListPartsResult><IsTruncated>false</IsTruncated><Part>{inner}</Part></ListPartsResult>"
        )
    };
    let date = "<LastModified>2010-11-10T20:48:34Z</LastModified>";
    let cases = [
        (part(&format!("<PartNumber>0</PartNumber>{date}<ETag>\"e\"</ETag><Size>1</Size>")), "part 0"),
        (part(&format!("<PartNumber>10001</PartNumber>{date}<ETag>\"e\"</ETag><Size>1</Size>")), "part 10001"),
        (part(&format!("<PartNumber>x</PartNumber>{date}<ETag>\"e\"</ETag><Size>1</Size>")), "part x"),
        (part(&format!("{date}<ETag>\"e\"</ETag><Size>1</Size>")), "no part number"),
        (part(&format!("<PartNumber>1</PartNumber>{date}<Size>1</Size>")), "no ETag"),
        (part(&format!("<PartNumber>1</PartNumber>{date}<ETag></ETag><Size>1</Size>")), "empty ETag"),
        (part("<PartNumber>1</PartNumber><ETag>\"e\"</ETag><Size>1</Size>"), "no date"),
        (part(&format!("<PartNumber>1</PartNumber>{date}<ETag>\"e\"</ETag>")), "no size"),
        (
            part(&format!("<PartNumber>1</PartNumber>{date}<ETag>\"e\"</ETag><Size>1</Size><ChecksumCRC32>a</ChecksumCRC32><ChecksumCRC32>b</ChecksumCRC32>")),
            "two checksums",
        ),
        ("<ListPartsResult><Part></Part></ListPartsResult>".into(), "no IsTruncated"),
        (
            "<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>70000</NextPartNumberMarker></ListPartsResult>".into(),
            "marker out of range",
        ),
    ];
    for (body, case) in cases {
        assert_backend_failure(parse_list_parts(body.as_bytes()), case);
    }
}

#[test]
fn list_multipart_uploads_result() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>backend-data-prod</Bucket>
  <KeyMarker></KeyMarker>
  <UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>tenant-a/my-movie.m2ts</NextKeyMarker>
  <NextUploadIdMarker>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</NextUploadIdMarker>
  <Delimiter>/</Delimiter>
  <Prefix>tenant-a/</Prefix>
  <MaxUploads>3</MaxUploads>
  <IsTruncated>true</IsTruncated>
  <Upload>
    <Key>tenant-a/my-divisor</Key>
    <UploadId>XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw</UploadId>
    <Initiator>
      <ID>arn:aws:iam::111122223333:user/backend-user</ID>
      <DisplayName>backend-user</DisplayName>
    </Initiator>
    <Owner>
      <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID>
      <DisplayName>backend-admin</DisplayName>
    </Owner>
    <StorageClass>REDUCED_REDUNDANCY</StorageClass>
    <Initiated>2010-11-10T20:48:33.000Z</Initiated>
    <ChecksumAlgorithm>CRC32</ChecksumAlgorithm>
  </Upload>
  <Upload>
    <Key>tenant-a/my-movie.m2ts</Key>
    <UploadId>YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ</UploadId>
    <Initiated>2010-11-10T20:49:33Z</Initiated>
  </Upload>
  <CommonPrefixes><Prefix>tenant-a/photos/</Prefix></CommonPrefixes>
</ListMultipartUploadsResult>"#;
    let page = parse_list_multipart_uploads(body.as_bytes()).unwrap();
    assert_eq!(
        page,
        UploadsPage {
            uploads: vec![
                UploadEntry {
                    key: "tenant-a/my-divisor".into(),
                    upload_id: "XMgbGlrZSBlbHZpbmcncyBub3QgaGF2aW5nIG11Y2ggbHVjaw".into(),
                    initiated: Utc.with_ymd_and_hms(2010, 11, 10, 20, 48, 33).unwrap(),
                    storage_class: Some("REDUCED_REDUNDANCY".into()),
                },
                UploadEntry {
                    key: "tenant-a/my-movie.m2ts".into(),
                    upload_id: "YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ".into(),
                    initiated: Utc.with_ymd_and_hms(2010, 11, 10, 20, 49, 33).unwrap(),
                    storage_class: None,
                },
            ],
            common_prefixes: vec!["tenant-a/photos/".into()],
            is_truncated: true,
            next_key_marker: Some("tenant-a/my-movie.m2ts".into()),
            next_upload_id_marker: Some("YW55IGlkZWEgd2h5IGVsdmluZydzIHVwbG9hZCBmYWlsZWQ".into()),
        }
    );
}

#[test]
fn list_multipart_uploads_result_decodes_url_encoded_fields() {
    let body = format!(
        r#"<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>b</Bucket><KeyMarker></KeyMarker><UploadIdMarker></UploadIdMarker>
  <NextKeyMarker>{ENCODED_KEY}</NextKeyMarker><NextUploadIdMarker>id+2</NextUploadIdMarker>
  <Delimiter>%7C</Delimiter><Prefix>dir%2F</Prefix><MaxUploads>2</MaxUploads>
  <IsTruncated>true</IsTruncated>
  <Upload><Key>{ENCODED_KEY}</Key><UploadId>id+2</UploadId>
    <Initiated>2010-11-10T20:48:33.000Z</Initiated></Upload>
  <CommonPrefixes><Prefix>dir%2Fa+b%7C</Prefix></CommonPrefixes>
  <EncodingType>url</EncodingType>
</ListMultipartUploadsResult>"#
    );
    let page = parse_list_multipart_uploads(body.as_bytes()).unwrap();
    assert_eq!(page.uploads[0].key, KEY);
    // Upload ids are never encoded: the `+` stays.
    assert_eq!(page.uploads[0].upload_id, "id+2");
    assert_eq!(page.next_upload_id_marker.as_deref(), Some("id+2"));
    assert_eq!(page.next_key_marker.as_deref(), Some(KEY));
    assert_eq!(page.common_prefixes, ["dir/a b|"]);
}

#[test]
fn list_multipart_uploads_result_empty_markers_are_none() {
    let body = "<ListMultipartUploadsResult><Bucket>b</Bucket><KeyMarker/><UploadIdMarker/>\
        <NextKeyMarker></NextKeyMarker><NextUploadIdMarker></NextUploadIdMarker>\
        <MaxUploads>1000</MaxUploads><IsTruncated>false</IsTruncated>\
        <EncodingType>url</EncodingType></ListMultipartUploadsResult>";
    assert_eq!(
        parse_list_multipart_uploads(body.as_bytes()).unwrap(),
        UploadsPage::default()
    );
}

#[test]
fn list_multipart_uploads_result_reads_what_the_gateway_renders() {
    let page = UploadsPage {
        uploads: vec![UploadEntry {
            key: KEY.into(),
            upload_id: "u+1/=".into(),
            initiated: time("2010-11-10T20:48:33.250Z"),
            storage_class: Some("STANDARD".into()),
        }],
        common_prefixes: vec!["dir/ +|".into()],
        is_truncated: true,
        next_key_marker: Some(KEY.into()),
        next_upload_id_marker: Some("u+1/=".into()),
    };
    for encoding in [KeyEncoding::Url, KeyEncoding::Plain] {
        let params = ListUploadsParams {
            prefix: "dir/".into(),
            delimiter: Some("|".into()),
            max_uploads: 1,
            encoding,
            key_marker: Some("dir/ a".into()),
            upload_id_marker: None,
        };
        let xml = render_list_multipart_uploads("b", &params, &page, &DEFAULT_BUCKET_OWNER);
        let parsed = parse_list_multipart_uploads(xml.as_bytes()).unwrap();
        assert_eq!(parsed, page, "{encoding:?}");
    }
}

#[test]
fn list_multipart_uploads_result_refuses_bad_uploads() {
    let upload = |inner: &str| {
        format!(
            "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated><Upload>{inner}</Upload></ListMultipartUploadsResult>"
        )
    };
    let cases = [
        (upload("<UploadId>u</UploadId><Initiated>2010-11-10T20:48:33Z</Initiated>"), "no key"),
        (upload("<Key>k</Key><Initiated>2010-11-10T20:48:33Z</Initiated>"), "no upload id"),
        (upload("<Key>k</Key><UploadId></UploadId><Initiated>2010-11-10T20:48:33Z</Initiated>"), "empty upload id"),
        (upload("<Key>k</Key><UploadId>u</UploadId>"), "no initiated"),
        (upload("<Key>k</Key><UploadId>u</UploadId><Initiated>yesterday</Initiated>"), "bad initiated"),
        ("<ListMultipartUploadsResult></ListMultipartUploadsResult>".into(), "no IsTruncated"),
        (
            "<ListMultipartUploadsResult><IsTruncated>true</IsTruncated><NextKeyMarker>%</NextKeyMarker><EncodingType>url</EncodingType></ListMultipartUploadsResult>".into(),
            "bad marker escape",
        ),
    ];
    for (body, case) in cases {
        assert_backend_failure(parse_list_multipart_uploads(body.as_bytes()), case);
    }
}
