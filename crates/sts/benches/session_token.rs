//! The per-request cost of temporary credentials: opening a sealed session token, and
//! resolving a request signed with temporary credentials (unseal + SigV4 verification,
//! signing key cached), next to the same request signed with a long-lived key.
//!
//! `cargo bench -p multistore-sts --bench session_token`

use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_executor::block_on;
use http::{HeaderValue, Method};
use multistore::api::RequestInfo;
use multistore::auth::IdentityResolver;
use multistore::auth::sigv4::{OutboundRequest, SigningCredentials, SigningKeyCache, parse_claims};
use multistore::config::{AccessScope, Action, RoleConfig, StoredCredential, TemporaryCredentials};
use multistore::registry::{CredentialRegistry, NoTemporaryCredentials};
use multistore::{ProxyError, SecretString};
use multistore_sts::TokenKey;

const LONG_LIVED_KEY: &str = "AKIDBENCHMARK";
const TEMPORARY_KEY: &str = "ASIABENCHMARKBENCHMA";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
}

/// One long-lived key; no roles.
struct OneKey;

impl CredentialRegistry for OneKey {
    async fn get_credential(&self, id: &str) -> Result<Option<StoredCredential>, ProxyError> {
        Ok((id == LONG_LIVED_KEY).then(|| StoredCredential {
            access_key_id: LONG_LIVED_KEY.into(),
            secret_access_key: SecretString::new("benchmark-secret"),
            principal_name: "bench".into(),
            created_at: now(),
            expires_at: None,
            enabled: true,
            allowed_scopes: scopes(),
        }))
    }

    async fn get_role(&self, _: &str) -> Result<Option<RoleConfig>, ProxyError> {
        Ok(None)
    }
}

fn scopes() -> Vec<AccessScope> {
    (0..3)
        .map(|i| AccessScope {
            bucket: format!("datasets-{i}"),
            prefixes: vec!["year=2024/".into()],
            actions: vec![Action::GetObject, Action::ListBucket],
        })
        .collect()
}

/// A GET as aws-cli sends it, signed in its `Authorization` header.
fn signed_get(credentials: &SigningCredentials) -> RequestInfo {
    let mut info = RequestInfo::new(Method::GET, "/datasets-0/year%3D2024/part-00001.parquet");
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
    .sign(
        credentials,
        "us-east-1",
        "s3",
        now(),
        &SigningKeyCache::default(),
    )
    .expect("signable");
    info
}

fn bench(c: &mut Criterion) {
    let token_key = TokenKey::new(&[7; 32]).with_previous(&[8; 32]).unwrap();
    let temporary = TemporaryCredentials {
        access_key_id: TEMPORARY_KEY.into(),
        secret_access_key: SecretString::new("temporary-benchmark-secret-0123456789abc"),
        session_token: SecretString::default(),
        expiration: now() + Duration::hours(1),
        allowed_scopes: scopes(),
        assumed_role_id: "analysts".into(),
        source_identity: "repo:example/data:ref:refs/heads/main".into(),
    };
    let session_token = token_key.seal(&temporary).unwrap();
    // The size of a typical token, for the report.
    #[allow(clippy::print_stdout)]
    {
        println!("session token: {} characters", session_token.expose().len());
    }

    c.bench_function("unseal a session token", |b| {
        b.iter(|| {
            token_key
                .unseal(black_box(session_token.expose()), TEMPORARY_KEY, now())
                .unwrap()
        });
    });

    let cache = SigningKeyCache::default();
    let temporary_get = signed_get(&SigningCredentials {
        access_key_id: TEMPORARY_KEY.into(),
        secret_access_key: temporary.secret_access_key,
        session_token: Some(session_token.clone()),
    });
    let opened = token_key
        .unseal(session_token.expose(), TEMPORARY_KEY, now())
        .unwrap();
    c.bench_function(
        "verify a GET signed with temporary credentials (token already open, key cached)",
        |b| {
            b.iter(|| {
                let claims = parse_claims(black_box(&temporary_get)).unwrap().unwrap();
                claims.check(&temporary_get, now(), None).unwrap();
                claims
                    .verify(&temporary_get, &opened.secret_access_key, &cache)
                    .unwrap()
            });
        },
    );

    let resolver = IdentityResolver {
        credentials: &OneKey,
        temporary: &token_key,
        region: None,
        signing_keys: &cache,
    };
    c.bench_function(
        "resolve a GET signed with temporary credentials (unseal + verify, key cached)",
        |b| b.iter(|| block_on(resolver.resolve(black_box(&temporary_get), now())).unwrap()),
    );

    let long_lived_get = signed_get(&SigningCredentials {
        access_key_id: LONG_LIVED_KEY.into(),
        secret_access_key: SecretString::new("benchmark-secret"),
        session_token: None,
    });
    let baseline = IdentityResolver {
        credentials: &OneKey,
        temporary: &NoTemporaryCredentials,
        region: None,
        signing_keys: &cache,
    };
    c.bench_function(
        "resolve a GET signed with a long-lived key (lookup + verify, key cached)",
        |b| b.iter(|| block_on(baseline.resolve(black_box(&long_lived_get), now())).unwrap()),
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
