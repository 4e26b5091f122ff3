//! Presigned URLs: made by `object_store`'s signer, and by hand (to sign one in the past).

use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use http::{Method, StatusCode};
use multistore::SecretString;
use multistore::auth::sigv4::{SigningKey, encode_query_component, sha256_hex};
use object_store::path::Path;
use object_store::signer::Signer;
use object_store::{ObjectStoreExt, PutPayload};

use crate::chunked::flip_last_hex_digit;
use crate::harness::{Harness, Key, Kind, READER, WRITER};
use crate::raw::{get_url, request_url};

both_backends!(object_store_presigned_urls, presigned_expiry_and_tampering);

async fn object_store_presigned_urls(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    let path = Path::from("presigned/report.txt");
    store
        .put(&path, PutPayload::from_static(b"for your eyes only"))
        .await
        .expect("put");

    let get = store
        .signed_url(Method::GET, &path, Duration::from_secs(300))
        .await
        .expect("presign GET");
    let response = get_url(get.as_str()).await.ok();
    assert_eq!(response.text(), "for your eyes only");
    // The method is part of the signature.
    request_url(Method::DELETE, get.as_str(), Bytes::new())
        .await
        .assert_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch");

    let target = Path::from("presigned/uploaded.txt");
    let put = store
        .signed_url(Method::PUT, &target, Duration::from_secs(300))
        .await
        .expect("presign PUT");
    request_url(
        Method::PUT,
        put.as_str(),
        Bytes::from_static(b"uploaded by URL"),
    )
    .await
    .ok();
    let got = store
        .get(&target)
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body");
    assert_eq!(got, "uploaded by URL");

    // A URL is worth what its signer may do.
    let before = h.snapshot();
    let reader_put = h
        .store(READER)
        .signed_url(Method::PUT, &target, Duration::from_secs(300))
        .await
        .expect("presign PUT");
    request_url(
        Method::PUT,
        reader_put.as_str(),
        Bytes::from_static(b"overwritten"),
    )
    .await
    .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    assert_eq!(h.snapshot(), before);
}

async fn presigned_expiry_and_tampering(kind: Kind) {
    let h = Harness::start(kind).await;
    let store = h.store(WRITER);
    store
        .put(
            &Path::from("presigned/old.txt"),
            PutPayload::from_static(b"old news"),
        )
        .await
        .expect("put");
    let path = format!("/{}/presigned/old.txt", h.bucket());

    // A URL made by hand, valid now: the recipe is right.
    let fresh = presign(&h, WRITER, &Method::GET, &path, 60, Utc::now());
    assert_eq!(get_url(&fresh).await.ok().text(), "old news");

    // Signed two hours ago for one minute.
    let long_ago = Utc::now() - chrono::Duration::hours(2);
    let expired = presign(&h, WRITER, &Method::GET, &path, 60, long_ago);
    get_url(&expired)
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");

    let before = h.snapshot();
    let expired_put = presign(
        &h,
        WRITER,
        &Method::PUT,
        &format!("/{}/presigned/late.txt", h.bucket()),
        60,
        long_ago,
    );
    request_url(Method::PUT, &expired_put, Bytes::from_static(b"too late"))
        .await
        .assert_error(StatusCode::FORBIDDEN, "AccessDenied");
    assert_eq!(h.snapshot(), before, "an expired URL writes nothing");

    let tampered = flip_last_hex_digit(&fresh);
    get_url(&tampered)
        .await
        .assert_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch");
    // Another key, the same signature.
    let swapped = fresh.replace(WRITER.id, READER.id);
    get_url(&swapped)
        .await
        .assert_error(StatusCode::FORBIDDEN, "SignatureDoesNotMatch");
}

/// A presigned URL for `path` (already encoded), signed for `expires` seconds from `at`,
/// following the SigV4 query-signing recipe.
fn presign(
    h: &Harness,
    key: Key,
    method: &Method,
    path: &str,
    expires: u32,
    at: DateTime<Utc>,
) -> String {
    let amz_date = at.format("%Y%m%dT%H%M%SZ").to_string();
    let date = &amz_date[..8];
    let scope = format!("{date}/us-east-1/s3/aws4_request");
    let credential = encode_query_component(&format!("{}/{scope}", key.id));
    // Already in canonical (sorted) order.
    let query = format!(
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Date={amz_date}\
         &X-Amz-Expires={expires}&X-Amz-SignedHeaders=host"
    );
    let canonical = format!(
        "{method}\n{path}\n{query}\nhost:{}\n\nhost\nUNSIGNED-PAYLOAD",
        h.address
    );
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical.as_bytes())
    );
    let signature = SigningKey::derive(&SecretString::new(key.secret), date, "us-east-1", "s3")
        .sign(&string_to_sign);
    format!(
        "http://{}{path}?{query}&X-Amz-Signature={signature}",
        h.address
    )
}
