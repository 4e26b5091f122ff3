//! An independent oracle for SigV4 verification: requests signed by botocore (the signer of
//! boto3 and the AWS CLI) must verify, and no single-byte change to them may.
//!
//! The fixtures are `tests/sigv4/fixtures.json`, written by `tests/sigv4/generate_fixtures.py`
//! (see its header for how to regenerate them). Each records a request exactly as sent: the
//! raw path and query, the headers (repeated names kept), the key that signed it and when.
//! Streaming uploads also carry their `aws-chunked` body and the payload it decodes to.
//!
//! For every fixture this test resolves the caller through [`IdentityResolver`] with a small
//! in-test [`CredentialRegistry`] (the fixture's long-lived key) and
//! [`TemporaryCredentialResolver`] (the fixture's session token for its access key id), at the
//! fixture's signing time, and then:
//! * flips every byte of the path, the query, the `Authorization` header and every signed
//!   header's value (the request time among them), one at a time with several bit masks, and
//!   requires each variant to be refused. Here the resolver accepts any session token, so a
//!   tampered token has to be caught by the signature. Variants `RequestInfo` cannot hold
//!   (invalid UTF-8 or header bytes) are skipped, and so are query variants that mean the same
//!   query (`%2f` for `%2F`);
//! * decodes a streaming body with the chunk verifier the signature seeds, and requires every
//!   flipped byte of its framing, signatures and trailers, and a sample of its data, to fail;
//! * checks the clock (skew, presigned expiry), wrong and unknown keys, and unsigned
//!   `x-amz-*` headers.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use futures_executor::block_on;
use http::{HeaderMap, HeaderName, HeaderValue, Method};
use multistore::api::RequestInfo;
use multistore::auth::sigv4::{ChunkedDecoder, PayloadMode, SigningKeyCache};
use multistore::auth::{Authenticated, IdentityResolver, ResolvedIdentity};
use multistore::config::{RoleConfig, StoredCredential, TemporaryCredentials};
use multistore::registry::{CredentialRegistry, TemporaryCredentialResolver};
use multistore::{ProxyError, SecretString};
use serde::Deserialize;

mod refusals;
mod streaming;
mod tampering;
mod verify;

// ---------------------------------------------------------------------------------------
// Fixtures

#[derive(Debug, Deserialize)]
struct FixtureFile {
    generator: Generator,
    fixtures: Vec<Fixture>,
}

#[derive(Debug, Deserialize)]
struct Generator {
    botocore: String,
}

#[derive(Debug, Clone, Deserialize)]
struct Fixture {
    name: String,
    /// `header`, `presigned` or `chunked`.
    kind: String,
    method: String,
    path: String,
    query: Option<String>,
    headers: Vec<(String, String)>,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    region: String,
    signed_at: String,
    /// `accept`, or the S3 error code the gateway must answer.
    expect: String,
    expires: Option<i64>,
    body: Option<Body>,
}

#[derive(Debug, Clone, Deserialize)]
struct Body {
    /// `signed`, `signed-trailer` or `unsigned-trailer`.
    framing: String,
    framed_base64: String,
    decoded_base64: String,
    trailers: Vec<(String, String)>,
}

fn fixture_file() -> FixtureFile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sigv4/fixtures.json");
    let text = std::fs::read_to_string(path).expect("fixtures.json is readable");
    serde_json::from_str(&text).expect("fixtures.json parses")
}

fn fixtures() -> Vec<Fixture> {
    fixture_file().fixtures
}

fn accepted() -> Vec<Fixture> {
    fixtures()
        .into_iter()
        .filter(|f| f.expect == "accept")
        .collect()
}

impl Fixture {
    fn signed_at(&self) -> DateTime<Utc> {
        let naive = NaiveDateTime::parse_from_str(&self.signed_at, "%Y%m%dT%H%M%SZ")
            .expect("signed_at is an ISO 8601 basic time");
        Utc.from_utc_datetime(&naive)
    }

    fn wire(&self) -> Wire {
        Wire {
            method: self.method.clone(),
            path: self.path.clone().into_bytes(),
            query: self.query.clone().map(String::into_bytes),
            headers: self
                .headers
                .iter()
                .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
                .collect(),
        }
    }

    fn info(&self) -> RequestInfo {
        self.wire()
            .info()
            .unwrap_or_else(|| panic!("{}: fixture is not a valid request", self.name))
    }

    fn is_presigned(&self) -> bool {
        self.kind == "presigned"
    }
}

/// A request as bytes on the wire, before `RequestInfo` (which needs UTF-8 and valid header
/// values) is built from it.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    path: Vec<u8>,
    query: Option<Vec<u8>>,
    headers: Vec<(String, Vec<u8>)>,
}

impl Wire {
    /// The request, or `None` when a byte makes it unrepresentable.
    fn info(&self) -> Option<RequestInfo> {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            headers.append(
                HeaderName::from_bytes(name.as_bytes()).ok()?,
                HeaderValue::from_bytes(value).ok()?,
            );
        }
        Some(RequestInfo {
            method: Method::from_bytes(self.method.as_bytes()).ok()?,
            raw_path: String::from_utf8(self.path.clone()).ok()?,
            raw_query: match &self.query {
                Some(query) => Some(String::from_utf8(query.clone()).ok()?),
                None => None,
            },
            headers,
        })
    }
}

// ---------------------------------------------------------------------------------------
// In-test registries

/// One long-lived key.
struct OneKey(Option<StoredCredential>);

impl OneKey {
    fn new(access_key_id: &str, secret: &str) -> Self {
        Self(Some(StoredCredential {
            access_key_id: access_key_id.to_owned(),
            secret_access_key: SecretString::new(secret),
            principal_name: "fixture".to_owned(),
            created_at: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
            expires_at: None,
            enabled: true,
            allowed_scopes: Vec::new(),
        }))
    }
}

impl CredentialRegistry for OneKey {
    async fn get_credential(
        &self,
        access_key_id: &str,
    ) -> Result<Option<StoredCredential>, ProxyError> {
        Ok(self
            .0
            .as_ref()
            .filter(|c| c.access_key_id == access_key_id)
            .cloned())
    }

    async fn get_role(&self, _role_id: &str) -> Result<Option<RoleConfig>, ProxyError> {
        Ok(None)
    }
}

/// Which session tokens the resolver accepts for its access key id.
enum Tokens {
    /// Only this one (as a real resolver would).
    Exactly(String),
    /// Any token, so that only the signature can refuse a tampered one.
    Any,
}

/// The temporary credentials of one access key id.
struct Sessions {
    access_key_id: String,
    secret: String,
    tokens: Tokens,
}

impl TemporaryCredentialResolver for Sessions {
    async fn resolve(
        &self,
        session_token: &str,
        access_key_id: &str,
        now: DateTime<Utc>,
    ) -> Result<TemporaryCredentials, ProxyError> {
        if access_key_id != self.access_key_id {
            return Err(ProxyError::InvalidToken);
        }
        if let Tokens::Exactly(token) = &self.tokens
            && token != session_token
        {
            return Err(ProxyError::InvalidToken);
        }
        Ok(TemporaryCredentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: SecretString::new(self.secret.as_str()),
            session_token: SecretString::new(session_token),
            expiration: now + Duration::hours(1),
            allowed_scopes: Vec::new(),
            assumed_role_id: "fixture-role".to_owned(),
            source_identity: "fixture-subject".to_owned(),
        })
    }
}

/// What identity resolution consults for one fixture.
struct Keys {
    long_lived: OneKey,
    sessions: Sessions,
}

impl Keys {
    /// The fixture's own key: long-lived, or temporary behind its session token.
    fn of(fixture: &Fixture, tokens: Tokens) -> Self {
        Self::with_secret(fixture, &fixture.secret_access_key, tokens)
    }

    fn with_secret(fixture: &Fixture, secret: &str, tokens: Tokens) -> Self {
        let temporary = fixture.session_token.is_some();
        Self {
            long_lived: if temporary {
                OneKey(None)
            } else {
                OneKey::new(&fixture.access_key_id, secret)
            },
            sessions: Sessions {
                access_key_id: if temporary {
                    fixture.access_key_id.clone()
                } else {
                    "ASIA-NO-SESSIONS".to_owned()
                },
                secret: secret.to_owned(),
                tokens,
            },
        }
    }

    fn resolve(
        &self,
        info: &RequestInfo,
        now: DateTime<Utc>,
        region: Option<&str>,
        cache: &SigningKeyCache,
    ) -> Result<Authenticated, ProxyError> {
        let resolver = IdentityResolver {
            credentials: &self.long_lived,
            temporary: &self.sessions,
            region,
            signing_keys: cache,
        };
        block_on(resolver.resolve(info, now))
    }
}

fn strict(fixture: &Fixture) -> Keys {
    Keys::of(
        fixture,
        Tokens::Exactly(fixture.session_token.clone().unwrap_or_default()),
    )
}

fn resolve(
    fixture: &Fixture,
    info: &RequestInfo,
    now: DateTime<Utc>,
) -> Result<Authenticated, ProxyError> {
    strict(fixture).resolve(info, now, None, &SigningKeyCache::default())
}

fn accept(fixture: &Fixture) -> Authenticated {
    resolve(fixture, &fixture.info(), fixture.signed_at())
        .unwrap_or_else(|e| panic!("{}: botocore's signature refused: {e:?}", fixture.name))
}

fn code(result: Result<Authenticated, ProxyError>) -> String {
    match result {
        Ok(auth) => format!("accepted as {}", auth.identity.principal()),
        Err(e) => e.s3_code().to_owned(),
    }
}

/// Bit masks applied to each byte in turn: a different character, the other letter case,
/// and a byte outside ASCII.
const MASKS: [u8; 4] = [0x01, 0x02, 0x20, 0x80];
