//! The parser table: every operation, every refused sub-resource.

use http::{HeaderValue, Method};

use super::*;
use crate::api::{
    CopySource, KeyEncoding, ListObjectsParams, ListPartsParams, ListVersion, ReadParams,
};

fn request(method: Method, path_and_query: &str, headers: &[(&str, &str)]) -> RequestInfo {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q.to_owned())),
        None => (path_and_query, None),
    };
    let mut info = RequestInfo::new(method, path);
    info.raw_query = query;
    for (name, value) in headers {
        let name = http::HeaderName::from_bytes(name.as_bytes()).unwrap();
        info.headers
            .insert(name, HeaderValue::from_str(value).unwrap());
    }
    info
}

fn parse(method: Method, path_and_query: &str) -> Result<S3Operation, ProxyError> {
    parse_request(&request(method, path_and_query, &[]), None)
}

fn b() -> String {
    "bkt".to_owned()
}

fn k() -> String {
    "dir/file name.txt".to_owned()
}

#[test]
fn operation_table() {
    let v1_defaults = ListObjectsParams {
        prefix: String::new(),
        delimiter: None,
        max_keys: 1000,
        encoding: KeyEncoding::Plain,
        version: ListVersion::V1 { marker: None },
    };
    let cases: Vec<(Method, &str, S3Operation)> = vec![
        (Method::GET, "/", S3Operation::ListBuckets),
        (
            Method::PUT,
            "/bkt",
            S3Operation::CreateBucket { bucket: b() },
        ),
        (
            Method::HEAD,
            "/bkt",
            S3Operation::HeadBucket { bucket: b() },
        ),
        (
            Method::GET,
            "/bkt?location",
            S3Operation::GetBucketLocation { bucket: b() },
        ),
        (
            Method::GET,
            "/bkt",
            S3Operation::ListObjects {
                bucket: b(),
                params: v1_defaults.clone(),
            },
        ),
        (
            Method::GET,
            "/bkt/?prefix=a%2Fb&delimiter=%2F&max-keys=5000&marker=m&encoding-type=url",
            S3Operation::ListObjects {
                bucket: b(),
                params: ListObjectsParams {
                    prefix: "a/b".into(),
                    delimiter: Some("/".into()),
                    max_keys: 1000,
                    encoding: KeyEncoding::Url,
                    version: ListVersion::V1 {
                        marker: Some("m".into()),
                    },
                },
            },
        ),
        (
            Method::GET,
            "/bkt?list-type=2&continuation-token=t&start-after=s&fetch-owner=true&max-keys=7",
            S3Operation::ListObjects {
                bucket: b(),
                params: ListObjectsParams {
                    max_keys: 7,
                    version: ListVersion::V2 {
                        continuation_token: Some("t".into()),
                        start_after: Some("s".into()),
                        fetch_owner: true,
                    },
                    ..v1_defaults
                },
            },
        ),
        (
            Method::POST,
            "/bkt?delete",
            S3Operation::DeleteObjects { bucket: b() },
        ),
        (
            Method::GET,
            "/bkt/dir/file%20name.txt",
            S3Operation::GetObject {
                bucket: b(),
                key: k(),
                params: ReadParams::default(),
            },
        ),
        (
            Method::GET,
            "/bkt/dir/file%20name.txt?versionId=v1&partNumber=3&response-content-type=text%2Fplain",
            S3Operation::GetObject {
                bucket: b(),
                key: k(),
                params: ReadParams {
                    version_id: Some("v1".into()),
                    part_number: Some(3),
                    response_overrides: vec![(http::header::CONTENT_TYPE, "text/plain".into())],
                },
            },
        ),
        (
            Method::HEAD,
            "/bkt/dir/file%20name.txt",
            S3Operation::HeadObject {
                bucket: b(),
                key: k(),
                params: ReadParams::default(),
            },
        ),
        (
            Method::PUT,
            "/bkt/dir/file%20name.txt",
            S3Operation::PutObject {
                bucket: b(),
                key: k(),
            },
        ),
        (
            Method::DELETE,
            "/bkt/dir/file%20name.txt?versionId=v9",
            S3Operation::DeleteObject {
                bucket: b(),
                key: k(),
                version_id: Some("v9".into()),
            },
        ),
        (
            Method::POST,
            "/bkt/dir/file%20name.txt?uploads",
            S3Operation::CreateMultipartUpload {
                bucket: b(),
                key: k(),
            },
        ),
        (
            Method::PUT,
            "/bkt/dir/file%20name.txt?partNumber=2&uploadId=u%2B1",
            S3Operation::UploadPart {
                bucket: b(),
                key: k(),
                upload_id: "u+1".into(),
                part_number: 2,
            },
        ),
        (
            Method::POST,
            "/bkt/dir/file%20name.txt?uploadId=u1",
            S3Operation::CompleteMultipartUpload {
                bucket: b(),
                key: k(),
                upload_id: "u1".into(),
            },
        ),
        (
            Method::DELETE,
            "/bkt/dir/file%20name.txt?uploadId=u1",
            S3Operation::AbortMultipartUpload {
                bucket: b(),
                key: k(),
                upload_id: "u1".into(),
            },
        ),
        (
            Method::GET,
            "/bkt/dir/file%20name.txt?uploadId=u1&max-parts=10&part-number-marker=4",
            S3Operation::ListParts {
                bucket: b(),
                key: k(),
                upload_id: "u1".into(),
                params: ListPartsParams {
                    max_parts: 10,
                    part_number_marker: Some(4),
                },
            },
        ),
        (
            Method::GET,
            "/bkt/dir/file%20name.txt?tagging",
            S3Operation::GetObjectTagging {
                bucket: b(),
                key: k(),
                version_id: None,
            },
        ),
        (
            Method::PUT,
            "/bkt/dir/file%20name.txt?tagging&versionId=v",
            S3Operation::PutObjectTagging {
                bucket: b(),
                key: k(),
                version_id: Some("v".into()),
            },
        ),
    ];
    for (method, path, expected) in cases {
        assert_eq!(
            parse(method.clone(), path).unwrap(),
            expected,
            "{method} {path}"
        );
    }
}

#[test]
fn listing_variants() {
    let op = parse(
        Method::GET,
        "/bkt?versions&prefix=p&key-marker=k&version-id-marker=v",
    )
    .unwrap();
    let S3Operation::ListObjectVersions { params, .. } = op else {
        panic!("{op:?}")
    };
    assert_eq!(params.prefix, "p");
    assert_eq!(params.key_marker.as_deref(), Some("k"));
    assert_eq!(params.version_id_marker.as_deref(), Some("v"));
    let error = parse(Method::GET, "/bkt?versions&version-id-marker=v").unwrap_err();
    assert_eq!(error.s3_code(), "InvalidArgument");

    let op = parse(
        Method::GET,
        "/bkt?uploads&max-uploads=3&key-marker=k&upload-id-marker=u",
    )
    .unwrap();
    let S3Operation::ListMultipartUploads { params, .. } = op else {
        panic!("{op:?}")
    };
    assert_eq!(params.max_uploads, 3);
    assert_eq!(params.upload_id_marker.as_deref(), Some("u"));
}

#[test]
fn copies() {
    let copy = |source: &str, path: &str| {
        parse_request(
            &request(Method::PUT, path, &[("x-amz-copy-source", source)]),
            None,
        )
    };
    let expected_source = CopySource {
        bucket: "src".into(),
        key: "a b/c+d".into(),
        version_id: None,
    };
    assert_eq!(
        copy("/src/a%20b/c%2Bd", "/bkt/dir/file%20name.txt").unwrap(),
        S3Operation::CopyObject {
            bucket: b(),
            key: k(),
            source: expected_source.clone()
        }
    );
    assert_eq!(
        copy(
            "src/a%20b/c%2Bd?versionId=v2",
            "/bkt/dir/file%20name.txt?partNumber=1&uploadId=u"
        )
        .unwrap(),
        S3Operation::UploadPartCopy {
            bucket: b(),
            key: k(),
            upload_id: "u".into(),
            part_number: 1,
            source: CopySource {
                version_id: Some("v2".into()),
                ..expected_source
            },
        }
    );
    for bad in ["nobucket", "/", "/src/../x", "/src/k?versionId="] {
        let err = copy(bad, "/bkt/k").unwrap_err();
        assert_eq!(err.s3_code(), "InvalidArgument", "{bad}");
    }
}

#[test]
fn unsupported_bucket_subresources_are_not_implemented() {
    for sub in UNSUPPORTED_BUCKET_SUBRESOURCES {
        for method in [Method::GET, Method::PUT, Method::DELETE] {
            let err = parse(method.clone(), &format!("/bkt?{sub}")).unwrap_err();
            assert_eq!(err.s3_code(), "NotImplemented", "{method} ?{sub}");
        }
    }
    // Even with listing parameters next to it, `?acl` is never a listing.
    let err = parse(Method::GET, "/bkt?prefix=x&acl").unwrap_err();
    assert_eq!(err.s3_code(), "NotImplemented");
}

#[test]
fn versioning_is_read_only() {
    let op = parse(Method::GET, "/bkt?versioning").unwrap();
    assert_eq!(
        op,
        S3Operation::GetBucketVersioning {
            bucket: "bkt".into()
        }
    );
    for method in [Method::PUT, Method::DELETE, Method::POST] {
        let err = parse(method.clone(), "/bkt?versioning").unwrap_err();
        assert_eq!(err.s3_code(), "NotImplemented", "{method}");
    }
}

#[test]
fn unsupported_object_subresources_are_not_implemented() {
    for sub in UNSUPPORTED_OBJECT_SUBRESOURCES {
        let err = parse(Method::GET, &format!("/bkt/key?{sub}")).unwrap_err();
        assert_eq!(err.s3_code(), "NotImplemented", "?{sub}");
    }
    let err = parse(Method::DELETE, "/bkt/key?tagging").unwrap_err();
    assert_eq!(err.s3_code(), "NotImplemented");
}

#[test]
fn bad_requests_are_s3_errors() {
    let cases = [
        (
            Method::PUT,
            "/bkt/k?partNumber=0&uploadId=u",
            "InvalidArgument",
        ),
        (
            Method::PUT,
            "/bkt/k?partNumber=10001&uploadId=u",
            "InvalidArgument",
        ),
        (Method::PUT, "/bkt/k?partNumber=1", "InvalidArgument"),
        (Method::POST, "/bkt/k?uploadId=", "InvalidArgument"),
        (Method::GET, "/bkt?max-keys=-1", "InvalidArgument"),
        (Method::GET, "/bkt?list-type=3", "InvalidArgument"),
        (Method::GET, "/bkt?encoding-type=base64", "InvalidArgument"),
        (Method::GET, "/bkt/a/../b", "InvalidArgument"),
        (Method::GET, "/bkt/a%0Ab", "InvalidArgument"),
        (Method::GET, "/bkt/%C0", "InvalidURI"),
        (Method::GET, "/bad%20bucket", "InvalidBucketName"),
        (Method::POST, "/", "MethodNotAllowed"),
        (Method::PATCH, "/bkt/k", "MethodNotAllowed"),
        (Method::POST, "/bkt", "MethodNotAllowed"),
        (Method::DELETE, "/bkt", "NotImplemented"),
    ];
    for (method, path, code) in cases {
        let err = parse(method.clone(), path).unwrap_err();
        assert_eq!(err.s3_code(), code, "{method} {path}");
    }
}

#[test]
fn odd_keys_are_byte_faithful() {
    let cases = [
        ("/bkt/a%2Bb", "a+b"),
        ("/bkt/a+b", "a+b"),
        ("/bkt/100%25", "100%"),
        ("/bkt/k%3Dv%23frag%3F", "k=v#frag?"),
        ("/bkt/a//b", "a//b"),
        ("/bkt/dir/", "dir/"),
        ("/bkt/%F0%9F%A6%80", "🦀"),
    ];
    for (path, key) in cases {
        let op = parse(Method::GET, path).unwrap();
        assert_eq!(op.key(), Some(key), "{path}");
    }
}

#[test]
fn virtual_hosted_requests() {
    let info = request(Method::GET, "/k%20x", &[("host", "bkt.s3.local:8080")]);
    let op = parse_request(&info, Some("s3.local")).unwrap();
    assert_eq!(op.bucket(), Some("bkt"));
    assert_eq!(op.key(), Some("k x"));

    let info = request(Method::GET, "/?list-type=2", &[("host", "bkt.s3.local")]);
    let op = parse_request(&info, Some("s3.local")).unwrap();
    assert_eq!(op.name(), "ListObjectsV2");
}
