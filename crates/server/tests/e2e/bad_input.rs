//! Requests a client gets wrong: each is answered with the right S3 error, in XML, and
//! leaves every backend exactly as it was.

use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{HeaderValue, Method, StatusCode};
use multistore::auth::sigv4::sha256_hex;
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};

use crate::batch_delete::delete_document;
use crate::chunked::flip_last_hex_digit;
use crate::harness::{Harness, Kind, READER, SCOPED, UNKNOWN, WRITER};
use crate::xml;

both_backends!(
    wrong_signature,
    unknown_access_key,
    anonymous_writes_are_refused,
    read_only_and_scoped_keys_stay_in_bounds,
    dot_segments_are_refused,
    unsupported_subresources,
    oversized_delete_body,
    malformed_xml,
    payload_hash_mismatch
);

/// A harness with one object, `keep/me.txt`, already stored.
async fn with_object(kind: Kind) -> Harness {
    let h = Harness::start(kind).await;
    h.store(WRITER)
        .put(
            &Path::from("keep/me.txt"),
            PutPayload::from_static(b"keep me"),
        )
        .await
        .expect("put");
    h
}

async fn wrong_signature(kind: Kind) {
    let h = with_object(kind).await;
    let before = h.snapshot();
    for method in [Method::PUT, Method::GET, Method::DELETE] {
        let mut prepared = h
            .object(method.clone(), h.bucket(), "keep/me.txt")
            .body(if method == Method::PUT {
                "overwrite"
            } else {
                ""
            })
            .signed(WRITER)
            .prepare();
        let headers = prepared.request.headers_mut();
        let tampered = flip_last_hex_digit(headers[AUTHORIZATION].to_str().expect("text"));
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&tampered).expect("value"),
        );
        prepared
            .send()
            .await
            .assert_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch");
    }
    // A signed header changed after signing.
    let mut prepared = h
        .object(Method::PUT, h.bucket(), "keep/me.txt")
        .body("signed body")
        .signed(WRITER)
        .header("x-amz-meta-signed", "yes")
        .prepare();
    prepared
        .request
        .headers_mut()
        .insert("x-amz-meta-signed", HeaderValue::from_static("changed"));
    prepared
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch");
    assert_eq!(h.snapshot(), before);
}

async fn unknown_access_key(kind: Kind) {
    let h = with_object(kind).await;
    let before = h.snapshot();
    h.object(Method::PUT, h.bucket(), "keep/me.txt")
        .body("overwrite")
        .signed(UNKNOWN)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "InvalidAccessKeyId");
    h.object(Method::GET, h.bucket(), "keep/me.txt")
        .signed(UNKNOWN)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "InvalidAccessKeyId");
    assert_eq!(h.snapshot(), before);
}

async fn anonymous_writes_are_refused(kind: Kind) {
    let h = with_object(kind).await;
    h.object(Method::PUT, h.public_bucket(), "open/readme.txt")
        .body("public copy")
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(
        h.object(Method::GET, h.public_bucket(), "open/readme.txt")
            .send()
            .await
            .ok()
            .text(),
        "public copy",
        "anonymous reads of the public bucket work"
    );
    assert!(h.public_dir().join("open/readme.txt").exists());

    let before = h.snapshot();
    for method in [Method::PUT, Method::DELETE] {
        h.object(method, h.public_bucket(), "open/readme.txt")
            .body("vandalized")
            .send()
            .await
            .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    }
    h.object(Method::POST, h.public_bucket(), "open/new")
        .query("uploads=")
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    h.on_bucket(Method::POST, h.public_bucket())
        .query("delete=")
        .body(delete_document(&["open/readme.txt"], false))
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    // The private bucket refuses anonymous reads too.
    h.object(Method::GET, h.bucket(), "keep/me.txt")
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    assert_eq!(h.snapshot(), before);
}

async fn read_only_and_scoped_keys_stay_in_bounds(kind: Kind) {
    let h = with_object(kind).await;
    let before = h.snapshot();
    let read = h
        .object(Method::GET, h.bucket(), "keep/me.txt")
        .signed(READER)
        .send()
        .await
        .ok();
    assert_eq!(read.text(), "keep me");
    h.object(Method::PUT, h.bucket(), "keep/me.txt")
        .body("overwrite")
        .signed(READER)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    h.object(Method::PUT, h.bucket(), "new/by-reader.txt")
        .body("new")
        .signed(READER)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    h.object(Method::DELETE, h.bucket(), "keep/me.txt")
        .signed(READER)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    h.object(Method::POST, h.bucket(), "new/multi")
        .query("uploads=")
        .signed(READER)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    // object_store reports the refusal as such.
    let refused = h
        .store(READER)
        .put(
            &Path::from("new/by-reader.txt"),
            PutPayload::from_static(b"x"),
        )
        .await;
    assert!(
        matches!(refused, Err(object_store::Error::PermissionDenied { .. })),
        "{refused:?}"
    );

    // The scoped key writes under its prefix only, and lists nothing else.
    h.object(Method::PUT, h.bucket(), "elsewhere.txt")
        .body("x")
        .signed(SCOPED)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    h.object(Method::GET, h.bucket(), "keep/me.txt")
        .signed(SCOPED)
        .send()
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    for query in ["list-type=2", "list-type=2&prefix=keep%2F", "prefix=scope"] {
        h.on_bucket(Method::GET, h.bucket())
            .query(query)
            .signed(SCOPED)
            .send()
            .await
            .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    }
    assert_eq!(h.snapshot(), before);

    h.object(Method::PUT, h.bucket(), "scoped/mine.txt")
        .body("mine")
        .signed(SCOPED)
        .send()
        .await
        .ok();
    let listing = h
        .on_bucket(Method::GET, h.bucket())
        .query("list-type=2&prefix=scoped%2F")
        .signed(SCOPED)
        .send()
        .await
        .ok()
        .text();
    assert_eq!(xml::listed_keys(&listing), ["scoped/mine.txt"]);
}

async fn dot_segments_are_refused(kind: Kind) {
    let h = with_object(kind).await;
    let before = h.snapshot();
    let bucket = h.bucket();
    for path in [
        format!("/{bucket}/keep/../escape.txt"),
        format!("/{bucket}/../escape.txt"),
        format!("/{bucket}/keep/%2E%2E/escape.txt"),
        format!("/{bucket}/./escape.txt"),
        format!("/{bucket}/keep/.."),
    ] {
        for method in [Method::PUT, Method::GET] {
            h.path(method.clone(), &path)
                .body(if method == Method::PUT { "escaped" } else { "" })
                .signed(WRITER)
                .send()
                .await
                .assert_error(StatusCode::BAD_REQUEST, "InvalidArgument");
        }
    }
    // The same key as a copy source.
    h.object(Method::PUT, bucket, "keep/copy.txt")
        .header(
            "x-amz-copy-source",
            &format!("/{bucket}/keep/../keep/me.txt"),
        )
        .signed(WRITER)
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "InvalidArgument");
    assert_eq!(h.snapshot(), before);
}

async fn unsupported_subresources(kind: Kind) {
    let h = with_object(kind).await;
    let before = h.snapshot();
    for (method, query) in [
        (Method::GET, "acl"),
        (Method::GET, "acl="),
        (Method::PUT, "acl="),
        (Method::GET, "retention"),
        (Method::GET, "prefix=x&acl"),
    ] {
        h.object(method.clone(), h.bucket(), "keep/me.txt")
            .query(query)
            .body(if method == Method::PUT {
                "<AccessControlPolicy/>"
            } else {
                ""
            })
            .signed(WRITER)
            .send()
            .await
            .assert_error(StatusCode::NOT_IMPLEMENTED, "NotImplemented");
    }
    for query in ["acl", "acl=", "policy", "cors=", "list-type=2&lifecycle"] {
        h.on_bucket(Method::GET, h.bucket())
            .query(query)
            .signed(WRITER)
            .send()
            .await
            .assert_error(StatusCode::NOT_IMPLEMENTED, "NotImplemented");
    }
    assert_eq!(h.snapshot(), before);
}

async fn oversized_delete_body(kind: Kind) {
    let h = with_object(kind).await;
    let before = h.snapshot();
    // A valid start naming an existing key, then padding past the 8 MiB cap.
    let mut document = delete_document(&["keep/me.txt"], false);
    document.truncate(document.len() - "</Delete>".len());
    let padding = "<Object><Key>padding/key</Key></Object>";
    while document.len() <= 9 * 1024 * 1024 {
        document.push_str(padding);
    }
    document.push_str("</Delete>");
    let response = h
        .on_bucket(Method::POST, h.bucket())
        .query("delete=")
        .body(document)
        .signed_unsigned_payload(WRITER)
        .send()
        .await;
    let code = response.code();
    assert!(
        matches!(code.as_deref(), Some("EntityTooLarge" | "MalformedXML")),
        "{} {}",
        response.status,
        response.text()
    );
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(h.snapshot(), before, "nothing deleted");
}

async fn malformed_xml(kind: Kind) {
    let h = with_object(kind).await;
    let before = h.snapshot();
    for body in [
        "<Delete><Object><Key>keep/me.txt</Key></Object>",
        "this is not XML",
        "<Delete><Object><Key>keep/me.txt</Key></Object></Remove>",
        "<Delete><Object></Object></Delete>",
        "<Delete></Delete>",
        "<!DOCTYPE d [<!ENTITY e \"keep/me.txt\">]><Delete><Object><Key>&e;</Key></Object></Delete>",
    ] {
        h.on_bucket(Method::POST, h.bucket())
            .query("delete=")
            .body(body)
            .signed(WRITER)
            .send()
            .await
            .assert_error(StatusCode::BAD_REQUEST, "MalformedXML");
    }
    assert_eq!(h.snapshot(), before, "nothing deleted");

    // CompleteMultipartUpload with a broken body leaves the upload pending, no object.
    let upload_query = h.create_upload("multi/broken").await;
    h.object(Method::PUT, h.bucket(), "multi/broken")
        .query(&format!("partNumber=1&{upload_query}"))
        .body("only part")
        .signed(WRITER)
        .send()
        .await
        .ok();
    let pending = h.snapshot();
    h.object(Method::POST, h.bucket(), "multi/broken")
        .query(&upload_query)
        .body("<CompleteMultipartUpload><Part><PartNumber>1</PartNumber>")
        .signed(WRITER)
        .send()
        .await
        .assert_error(StatusCode::BAD_REQUEST, "MalformedXML");
    assert_eq!(h.snapshot(), pending);
    h.object(Method::HEAD, h.bucket(), "multi/broken")
        .signed(WRITER)
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

async fn payload_hash_mismatch(kind: Kind) {
    let h = with_object(kind).await;
    let before = h.snapshot();
    for key in ["hash/new.txt", "keep/me.txt"] {
        let response = h
            .object(Method::PUT, h.bucket(), key)
            .body(Bytes::from_static(b"the bytes actually sent"))
            .signed_declaring(WRITER, &sha256_hex(b"the bytes that were signed"))
            .send()
            .await;
        match kind {
            Kind::Local => {
                response.assert_error(StatusCode::BAD_REQUEST, "XAmzContentSHA256Mismatch");
            }
            // The gateway signs the client's hash for the backend, which refuses the body.
            Kind::S3 => {
                assert!(
                    response.status.is_client_error(),
                    "{} {}",
                    response.status,
                    response.text()
                );
                assert!(
                    matches!(
                        response.code().as_deref(),
                        Some("XAmzContentSHA256Mismatch" | "BadDigest")
                    ),
                    "{}",
                    response.text()
                );
            }
        }
    }
    assert_eq!(h.snapshot(), before, "nothing stored");
    h.object(Method::HEAD, h.bucket(), "hash/new.txt")
        .signed(WRITER)
        .send()
        .await
        .assert_status(StatusCode::NOT_FOUND);
}
