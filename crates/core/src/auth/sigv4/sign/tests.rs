//! Outbound signing against AWS's documented examples, and round trips through the
//! verifier.

use chrono::TimeZone;

use super::*;
use crate::api::RequestInfo;
use crate::auth::sigv4::parse_claims;

fn documented_credentials() -> SigningCredentials {
    SigningCredentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: SecretString::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
        session_token: None,
    }
}

fn documented_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2013, 5, 24, 0, 0, 0).unwrap()
}

/// "Example: GET Object" of AWS's header-based SigV4 documentation.
#[test]
fn documented_get_object() {
    let mut headers = HeaderMap::new();
    headers.insert(
        "host",
        HeaderValue::from_static("examplebucket.s3.amazonaws.com"),
    );
    headers.insert("range", HeaderValue::from_static("bytes=0-9"));
    OutboundRequest {
        method: &Method::GET,
        path: "/test.txt",
        raw_query: "",
        headers: &mut headers,
        payload_hash: crate::auth::sigv4::EMPTY_SHA256,
    }
    .sign(
        &documented_credentials(),
        "us-east-1",
        "s3",
        documented_time(),
        &SigningKeyCache::default(),
    )
    .unwrap();
    let authorization = headers["authorization"].to_str().unwrap();
    assert_eq!(
        authorization,
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
         SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, \
         Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    );
}

/// The seed request of AWS's chunked-upload example: its signature starts the chain that
/// the chunk tests verify.
#[test]
fn documented_chunked_put_seed() {
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("host", "s3.amazonaws.com"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"),
        ("content-length", "66824"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    OutboundRequest {
        method: &Method::PUT,
        path: "/examplebucket/chunkObject.txt",
        raw_query: "",
        headers: &mut headers,
        payload_hash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    }
    .sign(
        &documented_credentials(),
        "us-east-1",
        "s3",
        documented_time(),
        &SigningKeyCache::default(),
    )
    .unwrap();
    let authorization = headers["authorization"].to_str().unwrap();
    assert!(
        authorization.ends_with(
            "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
        ),
        "{authorization}"
    );
}

#[test]
fn signed_requests_verify_and_session_tokens_are_signed() {
    let credentials = SigningCredentials {
        session_token: Some(SecretString::new("token/with+odd=chars")),
        ..documented_credentials()
    };
    let mut info = RequestInfo::new(Method::PUT, "/bucket/a%20b%2Bc");
    info.raw_query = Some("partNumber=1&uploadId=x%2By".into());
    info.headers
        .insert("host", HeaderValue::from_static("127.0.0.1:9000"));
    info.headers.insert(
        "x-amz-meta-note",
        HeaderValue::from_static("  spaced   out "),
    );
    let cache = SigningKeyCache::default();
    let now = documented_time();
    OutboundRequest {
        method: &info.method,
        path: &info.raw_path,
        raw_query: info.raw_query.as_deref().unwrap(),
        headers: &mut info.headers,
        payload_hash: "UNSIGNED-PAYLOAD",
    }
    .sign(&credentials, "eu-central-1", "s3", now, &cache)
    .unwrap();

    let claims = parse_claims(&info).unwrap().unwrap();
    assert_eq!(
        claims.session_token.as_deref(),
        Some("token/with+odd=chars")
    );
    claims.check(&info, now, Some("eu-central-1")).unwrap();
    claims
        .verify(&info, &credentials.secret_access_key, &cache)
        .unwrap();
}
