//! The per-request CPU path of the core: parse, verify a SigV4 signature (signing key
//! cached), authorize, sign the backend request, render a listing page.
//!
//! `cargo bench -p multistore --bench request_path`

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use http::{HeaderValue, Method};
use multistore::SecretString;
use multistore::api::response::{ListPage, ObjectEntry, render_list_objects};
use multistore::api::{KeyEncoding, ListObjectsParams, ListVersion, RequestInfo, parse_request};
use multistore::auth::sigv4::{OutboundRequest, SigningCredentials, SigningKeyCache, parse_claims};
use multistore::auth::{ResolvedIdentity, authorize};
use multistore::backend::{BackendRequest, S3RequestSigner, Signer};
use multistore::config::{
    AccessScope, Action, BackendOptions, BackendType, BucketConfig, StoredCredential,
};
use multistore::registry::DEFAULT_BUCKET_OWNER;

fn credentials() -> SigningCredentials {
    SigningCredentials {
        access_key_id: "AKIDBENCHMARK".into(),
        secret_access_key: SecretString::new("benchmark-secret"),
        session_token: None,
    }
}

/// A GET as aws-cli sends it, signed in its `Authorization` header.
fn signed_get(cache: &SigningKeyCache) -> RequestInfo {
    let mut info = RequestInfo::new(Method::GET, "/datasets/year%3D2024/part-00001.parquet");
    for (name, value) in [
        ("host", "127.0.0.1:8080"),
        ("user-agent", "aws-cli/1.46.3 Python/3.11.7"),
        ("range", "bytes=0-65535"),
        ("accept-encoding", "identity"),
    ] {
        info.headers.insert(name, HeaderValue::from_static(value));
    }
    OutboundRequest {
        method: &info.method,
        path: &info.raw_path,
        raw_query: "",
        headers: &mut info.headers,
        payload_hash: "UNSIGNED-PAYLOAD",
    }
    .sign(&credentials(), "us-east-1", "s3", now(), cache)
    .expect("signable");
    info
}

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
}

fn bucket() -> BucketConfig {
    BucketConfig {
        name: "datasets".into(),
        backend_type: BackendType::S3,
        backend_prefix: Some("tenant-a".into()),
        anonymous_access: false,
        allowed_roles: vec![],
        backend_options: [
            ("endpoint", "http://127.0.0.1:9000"),
            ("bucket_name", "backend"),
            ("access_key_id", "AKIDBACKEND"),
            ("secret_access_key", "backend-secret"),
        ]
        .into_iter()
        .collect::<BackendOptions>(),
    }
}

fn identity() -> ResolvedIdentity {
    ResolvedIdentity::LongLived(Box::new(StoredCredential {
        access_key_id: "AKIDBENCHMARK".into(),
        secret_access_key: SecretString::new("benchmark-secret"),
        principal_name: "bench".into(),
        created_at: now(),
        expires_at: None,
        enabled: true,
        allowed_scopes: vec![AccessScope {
            bucket: "datasets".into(),
            prefixes: vec!["year=2023/".into(), "year=2024/".into()],
            actions: vec![Action::GetObject, Action::ListBucket],
        }],
    }))
}

fn request_path(c: &mut Criterion) {
    let cache = SigningKeyCache::default();
    let info = signed_get(&cache);
    let secret = SecretString::new("benchmark-secret");

    c.bench_function("parse a GET", |b| {
        b.iter(|| parse_request(black_box(&info), None).unwrap());
    });

    c.bench_function("verify a signed GET (key cached)", |b| {
        b.iter(|| {
            let claims = parse_claims(black_box(&info)).unwrap().unwrap();
            claims.check(&info, now(), None).unwrap();
            claims.verify(&info, &secret, &cache).unwrap()
        });
    });

    let operation = parse_request(&info, None).unwrap();
    let config = bucket();
    let caller = identity();
    c.bench_function("authorize a GET", |b| {
        b.iter(|| authorize(black_box(&caller), &config, &operation).unwrap());
    });

    let signer = S3RequestSigner::new(
        SigningCredentials {
            access_key_id: "AKIDBACKEND".into(),
            secret_access_key: SecretString::new("backend-secret"),
            session_token: None,
        },
        "us-east-1",
    );
    c.bench_function("sign the backend request", |b| {
        b.iter(|| {
            let mut request = BackendRequest {
                method: Method::GET,
                url: "http://127.0.0.1:9000/backend/tenant-a/year%3D2024/part-00001.parquet".into(),
                headers: [
                    (
                        http::header::HOST,
                        HeaderValue::from_static("127.0.0.1:9000"),
                    ),
                    (
                        http::header::RANGE,
                        HeaderValue::from_static("bytes=0-65535"),
                    ),
                ]
                .into_iter()
                .collect(),
            };
            signer
                .sign(&mut request, "UNSIGNED-PAYLOAD", now(), &cache)
                .unwrap();
            request
        });
    });

    let page = ListPage {
        objects: (0..1000)
            .map(|i| ObjectEntry {
                key: format!("year=2024/month={:02}/part-{i:05}.parquet", i % 12),
                last_modified: now(),
                etag: Some(format!("\"{i:032x}\"")),
                size: 1_048_576 + i,
                storage_class: None,
            })
            .collect(),
        common_prefixes: vec![],
        is_truncated: true,
        next_marker_or_token: Some("token".into()),
    };
    let params = ListObjectsParams {
        prefix: "year=2024/".into(),
        delimiter: None,
        max_keys: 1000,
        encoding: KeyEncoding::Url,
        version: ListVersion::V2 {
            continuation_token: None,
            start_after: None,
            fetch_owner: false,
        },
    };
    c.bench_function("render a 1,000-key list page", |b| {
        b.iter(|| {
            render_list_objects("datasets", black_box(&params), &page, &DEFAULT_BUCKET_OWNER)
        });
    });
}

criterion_group!(benches, request_path);
criterion_main!(benches);
