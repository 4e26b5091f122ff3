//! `ListBucketResult` (ListObjectsV2).

use super::*;

#[test]
fn list_bucket_result_aws_shape() {
    let page = parse_list_objects_v2(LIST_V2_AWS.as_bytes()).unwrap();
    let expected = BackendPage {
        objects: vec![
            ObjectEntry {
                key: "tenant-a/photos/a&b.jpg".into(),
                last_modified: Utc.with_ymd_and_hms(2009, 10, 12, 17, 50, 30).unwrap(),
                etag: Some("\"fba9dede5f27731c9771645a39863328\"".into()),
                size: 434_234,
                storage_class: Some("STANDARD".into()),
            },
            ObjectEntry {
                key: "tenant-a/photos/b.jpg".into(),
                last_modified: time("2009-10-12T17:50:31.123Z"),
                etag: Some("\"599bab3ed2c697f1d26842727561fd94-3\"".into()),
                size: 0,
                storage_class: Some("GLACIER".into()),
            },
        ],
        common_prefixes: vec!["tenant-a/photos/2006/".into()],
        is_truncated: true,
    };
    assert_eq!(page, expected);
}

#[test]
fn list_bucket_result_decodes_url_encoded_fields() {
    // The EncodingType comes last, after the entries it governs, as AWS sends it.
    let body = format!(
        r#"<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>dir%2Fa+b</Prefix><KeyCount>4</KeyCount><MaxKeys>1000</MaxKeys>
  <Delimiter>%7C</Delimiter><IsTruncated>false</IsTruncated><StartAfter>dir%2F+</StartAfter>
  <Contents><Key>{ENCODED_KEY}</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified>
    <ETag>"e"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>100%25+pure+%2B+%26+%3Cxml%3E</Key>
    <LastModified>2024-01-02T03:04:05.000Z</LastModified><ETag>"e"</ETag><Size>2</Size></Contents>
  <Contents><Key>%E6%97%A5%E6%9C%AC%2F%E8%AA%9E</Key>
    <LastModified>2024-01-02T03:04:05.000Z</LastModified><ETag>"e"</ETag><Size>3</Size></Contents>
  <CommonPrefixes><Prefix>dir%2Fa+b%7C</Prefix></CommonPrefixes>
  <CommonPrefixes><Prefix>%2B%2B%7C</Prefix></CommonPrefixes>
  <EncodingType>url</EncodingType>
</ListBucketResult>"#
    );
    let page = parse_list_objects_v2(body.as_bytes()).unwrap();
    let keys: Vec<&str> = page.objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, [KEY, "100% pure + & <xml>", "日本/語"]);
    assert_eq!(page.common_prefixes, ["dir/a b|", "++|"]);
    assert!(!page.is_truncated);
    assert_eq!(page.objects[1].storage_class, None);
}

#[test]
fn list_bucket_result_without_encoding_type_is_read_as_plain_text() {
    // A backend that ignored encoding-type=url: `+` and `%41` are literal characters.
    let body = r#"<ListBucketResult><IsTruncated>false</IsTruncated>
  <Contents><Key>a+b%41 c</Key><LastModified>2024-01-02T03:04:05Z</LastModified>
    <Size>5</Size></Contents>
  <CommonPrefixes><Prefix>p+q%20/</Prefix></CommonPrefixes>
</ListBucketResult>"#;
    let page = parse_list_objects_v2(body.as_bytes()).unwrap();
    assert_eq!(page.objects[0].key, "a+b%41 c");
    assert_eq!(page.common_prefixes, ["p+q%20/"]);
}

#[test]
fn list_bucket_result_minio_and_s3s_variations() {
    // MinIO: `&#34;` quotes, a namespace prefix on every element; s3s: no StorageClass,
    // no ETag; some servers: an ETag without quotes, a timestamp without milliseconds or
    // with an offset.
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<s3:ListBucketResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">
  <s3:Name>b</s3:Name><s3:IsTruncated>false</s3:IsTruncated>
  <s3:Contents><s3:Key>one</s3:Key><s3:LastModified>2024-05-06T07:08:09.5Z</s3:LastModified>
    <s3:ETag>&#34;0cc175b9c0f1b6a831c399e269772661&#34;</s3:ETag><s3:Size>1</s3:Size>
    <s3:StorageClass></s3:StorageClass></s3:Contents>
  <s3:Contents><s3:Key>two</s3:Key><s3:LastModified>2024-05-06T07:08:09Z</s3:LastModified>
    <s3:Size>2</s3:Size></s3:Contents>
  <s3:Contents><s3:Key>three</s3:Key>
    <s3:LastModified>2024-05-06T09:08:09+02:00</s3:LastModified>
    <s3:ETag>92eb5ffee6ae2fec3ad71c777531578f</s3:ETag><s3:Size>3</s3:Size>
  </s3:Contents>
  <s3:Contents><s3:Key>four</s3:Key><s3:LastModified>2024-05-06T07:08:09.000</s3:LastModified>
    <s3:ETag/><s3:Size>4</s3:Size></s3:Contents>
</s3:ListBucketResult>"#;
    let objects = parse_list_objects_v2(body.as_bytes()).unwrap().objects;
    let when = Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap();
    assert_eq!(objects[0].last_modified, time("2024-05-06T07:08:09.500Z"));
    assert_eq!(
        objects[0].etag.as_deref(),
        Some("\"0cc175b9c0f1b6a831c399e269772661\"")
    );
    assert_eq!(objects[0].storage_class, None);
    assert_eq!(objects[1].etag, None);
    assert_eq!(objects[1].last_modified, when);
    assert_eq!(
        objects[2].etag.as_deref(),
        Some("\"92eb5ffee6ae2fec3ad71c777531578f\"")
    );
    assert_eq!(objects[2].last_modified, when);
    assert_eq!(objects[3].last_modified, when);
    assert_eq!(objects[3].etag, None);
}

#[test]
fn list_bucket_result_empty_page() {
    let body = r#"<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>b</Name><Prefix>none/</Prefix><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys>
  <IsTruncated>false</IsTruncated><EncodingType>url</EncodingType></ListBucketResult>"#;
    let page = parse_list_objects_v2(body.as_bytes()).unwrap();
    assert_eq!(page, BackendPage::default());
}

#[test]
fn list_bucket_result_reads_what_the_gateway_renders() {
    let page = ListPage {
        objects: vec![ObjectEntry {
            key: KEY.into(),
            last_modified: time("2024-01-02T03:04:05.678Z"),
            etag: Some("\"e\"".into()),
            size: 7,
            storage_class: Some("STANDARD_IA".into()),
        }],
        common_prefixes: vec!["dir/a b+c|".into(), "\r\t <&>".into()],
        is_truncated: true,
        next_marker_or_token: Some("token+/=".into()),
    };
    for encoding in [KeyEncoding::Url, KeyEncoding::Plain] {
        let params = ListObjectsParams {
            prefix: "dir/".into(),
            delimiter: Some("|".into()),
            max_keys: 1000,
            encoding,
            version: ListVersion::V2 {
                continuation_token: None,
                start_after: Some("dir/ +".into()),
                fetch_owner: true,
            },
        };
        let xml = render_list_objects("b", &params, &page, &DEFAULT_BUCKET_OWNER);
        let parsed = parse_list_objects_v2(xml.as_bytes()).unwrap();
        assert_eq!(parsed.objects, page.objects, "{encoding:?}");
        assert_eq!(parsed.common_prefixes, page.common_prefixes);
        assert!(parsed.is_truncated);
    }
}

#[test]
fn list_bucket_result_refuses_incomplete_or_inconsistent_answers() {
    let entry = "<LastModified>2024-01-02T03:04:05Z</LastModified><Size>1</Size>";
    let cases = [
        (
            format!("<ListBucketResult><Contents><Key>k</Key>{entry}</Contents></ListBucketResult>"),
            "no IsTruncated",
        ),
        (
            "<ListBucketResult><IsTruncated>maybe</IsTruncated></ListBucketResult>".into(),
            "bad IsTruncated",
        ),
        (
            format!(
                "<ListBucketResult><IsTruncated>true</IsTruncated><IsTruncated>false</IsTruncated>{}",
                "</ListBucketResult>"
            ),
            "two IsTruncated",
        ),
        (
            format!("<ListBucketResult><IsTruncated>false</IsTruncated><Contents>{entry}</Contents></ListBucketResult>"),
            "no Key",
        ),
        (
            format!("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key></Key>{entry}</Contents></ListBucketResult>"),
            "empty Key",
        ),
        (
            format!("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a</Key><Key>b</Key>{entry}</Contents></ListBucketResult>"),
            "two Keys",
        ),
        (
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>1</Size></Contents></ListBucketResult>".into(),
            "no LastModified",
        ),
        (
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><LastModified>Mon, 12 Oct 2009 17:50:30 GMT</LastModified><Size>1</Size></Contents></ListBucketResult>".into(),
            "HTTP date",
        ),
        (
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><LastModified>2024-01-02T03:04:05Z</LastModified><Size>-1</Size></Contents></ListBucketResult>".into(),
            "negative Size",
        ),
        (
            "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><LastModified>2024-01-02T03:04:05Z</LastModified></Contents></ListBucketResult>".into(),
            "no Size",
        ),
        (
            "<ListBucketResult><IsTruncated>false</IsTruncated><CommonPrefixes></CommonPrefixes></ListBucketResult>".into(),
            "CommonPrefixes without Prefix",
        ),
        (
            format!("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a%zz</Key>{entry}</Contents><EncodingType>url</EncodingType></ListBucketResult>"),
            "bad escape",
        ),
        (
            format!("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>a%FF</Key>{entry}</Contents><EncodingType>url</EncodingType></ListBucketResult>"),
            "escape that is not UTF-8",
        ),
        (
            "<ListBucketResult><IsTruncated>false</IsTruncated><EncodingType>base64</EncodingType></ListBucketResult>".into(),
            "unknown EncodingType",
        ),
        (
            "<ListAllMyBucketsResult><Buckets/></ListAllMyBucketsResult>".into(),
            "another document",
        ),
    ];
    for (body, case) in cases {
        assert_backend_failure(parse_list_objects_v2(body.as_bytes()), case);
    }
}
