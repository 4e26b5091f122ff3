//! Hostile and broken answers: backend failures, never panics, never the client's fault.

use super::*;

/// Every parser, by name.
type Parser = fn(&[u8]) -> Result<(), ProxyError>;

fn parsers() -> [(&'static str, Parser); 8] {
    [
        ("ListBucketResult", |b| parse_list_objects_v2(b).map(drop)),
        ("Initiate", |b| parse_initiate_multipart_upload(b).map(drop)),
        ("Complete", |b| parse_complete_multipart_upload(b).map(drop)),
        ("ListParts", |b| parse_list_parts(b).map(drop)),
        ("ListMultipartUploads", |b| {
            parse_list_multipart_uploads(b).map(drop)
        }),
        ("Copy", |b| parse_copy_result(b).map(drop)),
        ("Delete", |b| parse_delete_result(b).map(drop)),
        ("Error", |b| parse_error(b).map(drop)),
    ]
}

#[test]
fn hostile_documents_are_backend_failures() {
    let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>&lol3;</Key></Contents></ListBucketResult>"#;
    let external_entity = r#"<?xml version="1.0"?>
<!DOCTYPE Error [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Error><Code>&xxe;</Code></Error>"#;
    let deep = format!(
        "<ListBucketResult><IsTruncated>false</IsTruncated>{}{}</ListBucketResult>",
        "<x>".repeat(10_000),
        "</x>".repeat(10_000)
    );
    let cases: Vec<(String, &str)> = vec![
        (billion_laughs.into(), "billion laughs"),
        (external_entity.into(), "external entity"),
        (
            "<!DOCTYPE Error SYSTEM \"http://example.com/e.dtd\"><Error><Code>x</Code></Error>"
                .into(),
            "doctype",
        ),
        (
            "<Error><Code>&unknown;</Code></Error>".into(),
            "undefined entity",
        ),
        ("<Error><Code>a&#0;</Code></Error>".into(), "nul char ref"),
        (deep, "deep nesting"),
        (
            format!("<Error>{}", "<x>".repeat(100_000)),
            "deep unclosed nesting",
        ),
        ("<Error><Code>x</Code>".into(), "truncated"),
        ("<Error><Code>x</Co".into(), "truncated mid-tag"),
        ("<Error><Code>x</Message></Error>".into(), "mismatched end"),
        ("<Error><Code>x</Code></Error><Error/>".into(), "two roots"),
        ("".into(), "empty"),
        ("not xml".into(), "garbage"),
        (
            r#"<?xml version="1.0" encoding="ISO-8859-1"?><Error><Code>x</Code></Error>"#.into(),
            "latin-1",
        ),
    ];
    for (body, case) in &cases {
        for (parser, parse) in parsers() {
            assert_backend_failure(parse(body.as_bytes()), &format!("{parser}: {case}"));
        }
    }
}

#[test]
fn oversized_answers_are_refused_before_parsing() {
    let mut body = b"<ListBucketResult><IsTruncated>false</IsTruncated>".to_vec();
    body.resize(MAX_RAW_RESPONSE_SIZE - "</ListBucketResult>".len(), b' ');
    body.extend_from_slice(b"</ListBucketResult>");
    assert!(parse_list_objects_v2(&body).is_ok(), "the limit itself");
    body.insert(0, b' ');
    for (parser, parse) in parsers() {
        assert_backend_failure(parse(&body), parser);
    }
}

#[test]
fn truncated_answers_never_panic() {
    let complete = "<?xml version=\"1.0\"?><CompleteMultipartUploadResult><Location>l</Location>\
        <ETag>&quot;e-2&quot;</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32>\
        </CompleteMultipartUploadResult>"
        .to_owned();
    let documents = [LIST_V2_AWS.to_owned(), complete, error_body("InvalidPart")];
    for document in documents {
        let bytes = document.as_bytes();
        for end in 0..bytes.len() {
            for (parser, parse) in parsers() {
                assert!(
                    parse(&bytes[..end]).is_err(),
                    "{parser}: prefix {end} parsed"
                );
            }
            // Cut mid-character or not, a truncated error answer maps by status.
            let error = backend_error(StatusCode::NOT_FOUND, &bytes[..end]);
            assert!(error.status().is_client_error() || error.status().is_server_error());
        }
    }
}

#[test]
fn malformed_backend_answers_are_not_the_clients_fault() {
    // The same broken document is MalformedXML from a client, a 503 from a backend.
    let error = parse_delete_result(b"<DeleteResult><Deleted>").unwrap_err();
    assert_eq!(error.s3_code(), "ServiceUnavailable");
    assert_ne!(error.s3_code(), "MalformedXML");
    assert!(
        error.to_string().contains("malformed backend response"),
        "{error}"
    );
}
