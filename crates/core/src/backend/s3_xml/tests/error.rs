//! `Error` documents and what backend errors mean for the client.

use super::*;

#[test]
fn error_document() {
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The resource you requested does not exist</Message>
  <Key>tenant-a/missing.txt</Key>
  <BucketName>backend-data-prod</BucketName>
  <Resource>/backend-data-prod/tenant-a/missing.txt</Resource>
  <RequestId>4442587FB7D0A2F9</RequestId>
  <HostId>hid</HostId>
</Error>"#;
    assert_eq!(
        parse_error(body.as_bytes()).unwrap(),
        BackendError {
            code: "NoSuchKey".into(),
            message: "The resource you requested does not exist".into(),
        }
    );
    let minimal = "<Error><Code>SlowDown</Code></Error>";
    assert_eq!(parse_error(minimal.as_bytes()).unwrap().message, "");
    for (body, case) in [
        ("<Error><Message>m</Message></Error>", "no code"),
        ("<Error><Code> </Code></Error>", "empty code"),
        ("<ListBucketResult/>", "another document"),
        ("", "empty"),
    ] {
        assert_backend_failure(parse_error(body.as_bytes()), case);
    }
}

#[test]
fn error_codes_map_to_the_clients_errors() {
    // (backend code, the client's code, the client's status)
    let table = [
        ("NoSuchKey", "NoSuchKey", 404),
        ("NoSuchVersion", "NoSuchKey", 404),
        ("NoSuchUpload", "NoSuchUpload", 404),
        ("InvalidPart", "InvalidPart", 400),
        ("InvalidPartOrder", "InvalidPartOrder", 400),
        ("EntityTooSmall", "EntityTooSmall", 400),
        ("EntityTooLarge", "EntityTooLarge", 400),
        ("PreconditionFailed", "PreconditionFailed", 412),
        ("NotModified", "NotModified", 304),
        ("InvalidRange", "InvalidRange", 416),
        ("InvalidArgument", "InvalidArgument", 400),
        ("InvalidStorageClass", "InvalidArgument", 400),
        ("InvalidTag", "InvalidArgument", 400),
        ("InvalidRequest", "InvalidRequest", 400),
        ("AccessDenied", "AccessDenied", 403),
        ("MalformedXML", "MalformedXML", 400),
        ("BadDigest", "BadDigest", 400),
        ("InvalidDigest", "InvalidDigest", 400),
        (
            "XAmzContentSHA256Mismatch",
            "XAmzContentSHA256Mismatch",
            400,
        ),
        ("IncompleteBody", "IncompleteBody", 400),
        ("MissingContentLength", "MissingContentLength", 411),
        ("KeyTooLongError", "KeyTooLongError", 400),
        ("MethodNotAllowed", "MethodNotAllowed", 405),
        ("NotImplemented", "NotImplemented", 501),
        // The gateway's misconfiguration or the backend's failure: never the client's.
        ("NoSuchBucket", "ServiceUnavailable", 503),
        ("InvalidAccessKeyId", "ServiceUnavailable", 503),
        ("SignatureDoesNotMatch", "ServiceUnavailable", 503),
        ("ExpiredToken", "ServiceUnavailable", 503),
        ("InvalidBucketName", "ServiceUnavailable", 503),
        ("PermanentRedirect", "ServiceUnavailable", 503),
        ("InternalError", "ServiceUnavailable", 503),
        ("SlowDown", "ServiceUnavailable", 503),
        ("ServiceUnavailable", "ServiceUnavailable", 503),
        ("RequestTimeout", "ServiceUnavailable", 503),
        ("SomethingNew", "ServiceUnavailable", 503),
    ];
    for (backend_code, client_code, client_status) in table {
        let body = error_body(backend_code);
        // The code decides, whatever the status; the status only matters without one.
        for status in [
            StatusCode::BAD_REQUEST,
            StatusCode::OK,
            StatusCode::NOT_FOUND,
        ] {
            let error = backend_error(status, body.as_bytes());
            assert_eq!(error.s3_code(), client_code, "{backend_code} with {status}");
            assert_eq!(error.status().as_u16(), client_status, "{backend_code}");
            // The backend's message names its bucket: it never reaches the client.
            let message = error.client_message();
            assert!(
                !message.contains("backend-data-prod"),
                "{backend_code}: {message}"
            );
            assert!(!message.contains("tenant-a"), "{backend_code}: {message}");
        }
    }
}

#[test]
fn error_statuses_without_a_document_map_by_status() {
    let table = [
        (304, "NotModified"),
        (400, "ServiceUnavailable"),
        (403, "ServiceUnavailable"),
        (404, "NoSuchKey"),
        (405, "MethodNotAllowed"),
        (409, "ServiceUnavailable"),
        (412, "PreconditionFailed"),
        (416, "InvalidRange"),
        (500, "ServiceUnavailable"),
        (502, "ServiceUnavailable"),
        (503, "ServiceUnavailable"),
        (504, "ServiceUnavailable"),
    ];
    let bodies: [&[u8]; 5] = [
        b"",
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"Service Unavailable",
        b"<Error><Code>NoSuchKey</Code>",
        b"\xff\xfe",
    ];
    for (status, client_code) in table {
        let status = StatusCode::from_u16(status).unwrap();
        for body in bodies {
            let error = backend_error(status, body);
            assert_eq!(error.s3_code(), client_code, "{status} with {body:?}");
        }
    }
}

#[test]
fn a_copy_range_past_the_source_keeps_the_size_s3_named() {
    let body = "<Error><Code>InvalidArgument</Code><Message>Range specified is not valid for source object of size: 41943040</Message></Error>";
    let error = backend_error(StatusCode::BAD_REQUEST, body.as_bytes());
    assert_eq!(error.s3_code(), "InvalidArgument");
    assert_eq!(
        error.client_message(),
        "Range specified is not valid for source object of size: 41943040"
    );
    // Any other message of the backend's stays behind.
    let body = "<Error><Code>InvalidArgument</Code><Message>Range specified is not valid for source object of size: bucket-x</Message></Error>";
    let error = backend_error(StatusCode::BAD_REQUEST, body.as_bytes());
    assert_eq!(error.client_message(), "Invalid Argument");
}
