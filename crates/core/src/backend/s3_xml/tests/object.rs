//! `CopyObjectResult`, `CopyPartResult`, `DeleteResult`.

use super::*;

#[test]
fn copy_results() {
    let object = r#"<?xml version="1.0" encoding="UTF-8"?>
<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <LastModified>2009-10-28T22:32:00.000Z</LastModified>
  <ETag>"9b2cf535f27731c974343645a3985328"</ETag>
  <ChecksumCRC32C>yZRlqg==</ChecksumCRC32C>
  <ChecksumType>FULL_OBJECT</ChecksumType>
</CopyObjectResult>"#;
    assert_eq!(
        parse_copy_result(object.as_bytes()).unwrap(),
        (
            "\"9b2cf535f27731c974343645a3985328\"".to_owned(),
            Utc.with_ymd_and_hms(2009, 10, 28, 22, 32, 0).unwrap(),
        )
    );
    let part = r#"<CopyPartResult>
  <LastModified>2011-04-11T20:34:56Z</LastModified>
  <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>
</CopyPartResult>"#;
    let (etag, last_modified) = parse_copy_result(part.as_bytes()).unwrap();
    assert_eq!(etag, "\"9b2cf535f27731c974343645a3985328\"");
    assert_eq!(last_modified, time("2011-04-11T20:34:56Z"));
    let cases = [
        (
            "<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>",
            "no date",
        ),
        (
            "<CopyPartResult><LastModified>2011-04-11T20:34:56Z</LastModified></CopyPartResult>",
            "no ETag",
        ),
        (
            "<InitiateMultipartUploadResult><UploadId>u</UploadId></InitiateMultipartUploadResult>",
            "another document",
        ),
    ];
    for (body, case) in cases {
        assert_backend_failure(parse_copy_result(body.as_bytes()), case);
    }
}

#[test]
fn copy_with_status_200_and_an_error_body_is_an_error() {
    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code>\
        <Message>We encountered an internal error. Please try again.</Message>\
        <RequestId>4442587FB7D0A2F9</RequestId><HostId>hid</HostId></Error>";
    let error = parse_copy_result(body.as_bytes()).unwrap_err();
    assert!(matches!(error, ProxyError::Backend(_)), "{error:?}");
    let error = parse_copy_result(body.as_bytes()).unwrap_err();
    assert_eq!(error.status(), StatusCode::SERVICE_UNAVAILABLE);

    let precondition = "<Error><Code>PreconditionFailed</Code><Message>At least one of the \
        pre-conditions you specified did not hold</Message><Condition>x-amz-copy-source-If-Match\
        </Condition></Error>";
    let error = parse_copy_result(precondition.as_bytes()).unwrap_err();
    assert!(matches!(error, ProxyError::PreconditionFailed), "{error:?}");
}

#[test]
fn delete_result() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Deleted>
    <Key>tenant-a/sample1.txt</Key>
  </Deleted>
  <Deleted>
    <Key>tenant-a/a&lt;b&gt; &amp; c.txt</Key>
    <VersionId>OYcLXagmS.WaD..oyH4KRguB95_YhLs7</VersionId>
  </Deleted>
  <Deleted>
    <Key>tenant-a/versioned.txt</Key>
    <DeleteMarker>true</DeleteMarker>
    <DeleteMarkerVersionId>NeQt5xeFTfgPJD8B4CGWnkSLtluMr11s</DeleteMarkerVersionId>
  </Deleted>
  <Error>
    <Key>tenant-a/sample2.txt</Key>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::111122223333:user/backend-user is not authorized to perform: s3:DeleteObject on resource: arn:aws:s3:::backend-data-prod/tenant-a/sample2.txt</Message>
  </Error>
  <Error>
    <Key>tenant-a/sample3.txt</Key>
    <VersionId>v3</VersionId>
    <Code>InternalError</Code>
    <Message>We encountered an internal error. Please try again.</Message>
  </Error>
</DeleteResult>"#;
    let (deleted, errors) = parse_delete_result(body.as_bytes()).unwrap();
    assert_eq!(
        deleted,
        [
            DeletedEntry {
                key: "tenant-a/sample1.txt".into(),
                version_id: None,
                delete_marker_version_id: None,
            },
            DeletedEntry {
                key: "tenant-a/a<b> & c.txt".into(),
                version_id: Some("OYcLXagmS.WaD..oyH4KRguB95_YhLs7".into()),
                delete_marker_version_id: None,
            },
            DeletedEntry {
                key: "tenant-a/versioned.txt".into(),
                version_id: None,
                delete_marker_version_id: Some("NeQt5xeFTfgPJD8B4CGWnkSLtluMr11s".into()),
            },
        ]
    );
    assert_eq!(
        errors,
        [
            DeleteErrorEntry {
                key: "tenant-a/sample2.txt".into(),
                version_id: None,
                code: "AccessDenied".into(),
                message: "Access Denied".into(),
            },
            DeleteErrorEntry {
                key: "tenant-a/sample3.txt".into(),
                version_id: Some("v3".into()),
                code: "ServiceUnavailable".into(),
                message: ProxyError::backend("x").client_message(),
            },
        ]
    );
}

#[test]
fn quiet_delete_result_and_bad_entries() {
    let quiet = r#"<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>"#;
    assert_eq!(
        parse_delete_result(quiet.as_bytes()).unwrap(),
        (Vec::new(), Vec::new())
    );
    let cases = [
        (
            "<DeleteResult><Deleted><VersionId>v</VersionId></Deleted></DeleteResult>",
            "no key",
        ),
        (
            "<DeleteResult><Error><Key>k</Key></Error></DeleteResult>",
            "error without code",
        ),
        (
            "<DeleteResult><Error><Code>AccessDenied</Code></Error></DeleteResult>",
            "error without key",
        ),
        (
            "<DeleteResult><Deleted><Key>k</Key><DeleteMarker>perhaps</DeleteMarker></Deleted></DeleteResult>",
            "bad DeleteMarker",
        ),
        (
            "<DeleteResult><Deleted><Key>k</Key><DeleteMarker>false</DeleteMarker><DeleteMarkerVersionId>v</DeleteMarkerVersionId></Deleted></DeleteResult>",
            "marker version without marker",
        ),
    ];
    for (body, case) in cases {
        assert_backend_failure(parse_delete_result(body.as_bytes()), case);
    }
}
