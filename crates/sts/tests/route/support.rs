//! What the route tests run against: an identity provider's documents served from memory
//! (so that a test controls time and failures), a clock the test moves, a role registry,
//! and real P-256 signatures.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use http::{HeaderValue, Method};
use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};
use multistore::api::RequestInfo;
use multistore::config::{AccessScope, Action, RoleConfig, StoredCredential};
use multistore::route_handler::{ProxyResponse, ProxyResponseBody, RouteHandler};
use multistore::{ProxyError, SecretString};
use multistore_sts::{Clock, FetchError, FetchLimits, HttpsFetcher, StsRouteHandler, TokenKey};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::EncodePrivateKey;
use serde_json::{Value, json};

pub(crate) const ISSUER: &str = "https://idp.test";
pub(crate) const DISCOVERY: &str = "https://idp.test/.well-known/openid-configuration";
pub(crate) const JWKS: &str = "https://idp.test/keys";
pub(crate) const ROLE: &str = "analysts";

pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

/// A clock the test sets.
#[derive(Debug)]
pub(crate) struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub(crate) fn set(&self, now: DateTime<Utc>) {
        *self.0.lock().unwrap() = now;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// Documents by URL, each answer counted; a URL may be made to fail.
#[derive(Debug, Default)]
pub(crate) struct Documents {
    bodies: Mutex<HashMap<String, Result<Bytes, u16>>>,
    fetches: Mutex<HashMap<String, usize>>,
}

impl Documents {
    pub(crate) fn serve(&self, url: &str, body: &Value) {
        self.bodies
            .lock()
            .unwrap()
            .insert(url.to_owned(), Ok(Bytes::from(body.to_string())));
    }

    pub(crate) fn fail(&self, url: &str, status: u16) {
        self.bodies
            .lock()
            .unwrap()
            .insert(url.to_owned(), Err(status));
    }

    pub(crate) fn fetches(&self, url: &str) -> usize {
        self.fetches.lock().unwrap().get(url).copied().unwrap_or(0)
    }
}

impl HttpsFetcher for Documents {
    async fn get(&self, url: &str, limits: FetchLimits) -> Result<Bytes, FetchError> {
        *self
            .fetches
            .lock()
            .unwrap()
            .entry(url.to_owned())
            .or_default() += 1;
        match self.bodies.lock().unwrap().get(url) {
            Some(Ok(body)) if body.len() > limits.max_bytes => {
                Err(FetchError::TooLarge(limits.max_bytes))
            }
            Some(Ok(body)) => Ok(body.clone()),
            Some(Err(status)) => Err(FetchError::Status(*status)),
            None => Err(FetchError::Status(404)),
        }
    }
}

/// One role, looked up by id.
#[derive(Debug)]
pub(crate) struct Roles(pub(crate) RoleConfig);

impl multistore::registry::CredentialRegistry for Roles {
    async fn get_credential(&self, _: &str) -> Result<Option<StoredCredential>, ProxyError> {
        Ok(None)
    }

    async fn get_role(&self, role_id: &str) -> Result<Option<RoleConfig>, ProxyError> {
        Ok((role_id == self.0.role_id).then(|| self.0.clone()))
    }
}

pub(crate) fn role(scopes: Vec<AccessScope>) -> RoleConfig {
    RoleConfig {
        role_id: ROLE.into(),
        name: "Analysts".into(),
        trusted_oidc_issuers: vec![ISSUER.into()],
        required_audiences: vec!["sts.amazonaws.com".into()],
        subject_conditions: vec!["repo:example/*".into()],
        max_session_duration_secs: 7200,
        allowed_scopes: scopes,
    }
}

pub(crate) fn scope(bucket: &str, prefixes: &[&str]) -> AccessScope {
    AccessScope {
        bucket: bucket.into(),
        prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        actions: vec![Action::GetObject, Action::ListBucket],
    }
}

/// A P-256 signing key with a fixed scalar.
pub(crate) struct Key {
    kid: &'static str,
    encoding: EncodingKey,
    pub(crate) jwk: Value,
}

impl Key {
    pub(crate) fn new(kid: &'static str, scalar: u8) -> Self {
        let secret = p256::SecretKey::from_slice(&[scalar; 32]).unwrap();
        let point = secret.public_key().to_sec1_point(false);
        Self {
            kid,
            encoding: EncodingKey::from_ec_der(secret.to_pkcs8_der().unwrap().as_bytes()),
            jwk: json!({
                "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
                "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
                "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
            }),
        }
    }

    /// An ES256 token with `claims`.
    pub(crate) fn sign(&self, claims: &Value) -> String {
        let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
        let input = format!(
            "{}.{}",
            encode(&json!({"alg": "ES256", "typ": "JWT", "kid": self.kid})),
            encode(claims)
        );
        let signature = (DEFAULT_PROVIDER.signer_factory)(&Algorithm::ES256, &self.encoding)
            .unwrap()
            .try_sign(input.as_bytes())
            .unwrap();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    /// A token for an admitted subject, issued at `at`, valid 5 minutes.
    pub(crate) fn token_at(&self, at: DateTime<Utc>, extra: Value) -> String {
        let mut claims = json!({
            "iss": ISSUER,
            "sub": "repo:example/data:ref:refs/heads/main",
            "aud": "sts.amazonaws.com",
            "iat": at.timestamp(),
            "exp": at.timestamp() + 300,
        });
        if let (Some(claims), Value::Object(extra)) = (claims.as_object_mut(), extra) {
            claims.extend(extra);
        }
        self.sign(&claims)
    }
}

/// The handler under test and what it runs against.
pub(crate) struct Setup {
    pub(crate) handler: StsRouteHandler<Roles, Arc<Documents>, Arc<ManualClock>>,
    pub(crate) documents: Arc<Documents>,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) token_key: TokenKey,
    pub(crate) key: Key,
}

impl Setup {
    /// The provider publishes `k1`; the clock reads [`t0`].
    pub(crate) fn new(role: RoleConfig) -> Self {
        let documents = Arc::new(Documents::default());
        let key = Key::new("k1", 7);
        documents.serve(DISCOVERY, &json!({"issuer": ISSUER, "jwks_uri": JWKS}));
        documents.serve(JWKS, &json!({"keys": [key.jwk]}));
        let clock = Arc::new(ManualClock(Mutex::new(t0())));
        let token_key = TokenKey::new(&[3; 32]);
        let handler = StsRouteHandler::new(Roles(role), token_key.clone(), documents.clone())
            .with_clock(clock.clone());
        Self {
            handler,
            documents,
            clock,
            token_key,
            key,
        }
    }

    /// Assumes the role with `token` (a form POST to `/`), plus `extra` form text.
    pub(crate) fn assume(&self, token: &str, extra: &str) -> Answer {
        let mut request = RequestInfo::new(Method::POST, "/");
        request.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        let body = format!(
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={ROLE}\
             &RoleSessionName=test&WebIdentityToken={token}{extra}"
        );
        assert!(self.handler.matches(&request));
        let response = futures_executor::block_on(self.handler.handle(&request, Bytes::from(body)));
        Answer::from(response)
    }

    /// Assumes the role with a fresh token of `k1` issued at the clock's time.
    pub(crate) fn assume_now(&self) -> Answer {
        self.assume(&self.key.token_at(self.clock.now(), json!({})), "")
    }
}

/// A response's status and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
}

impl From<ProxyResponse> for Answer {
    fn from(response: ProxyResponse) -> Self {
        let body = match response.body {
            ProxyResponseBody::Bytes(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
            ProxyResponseBody::Empty => String::new(),
            ProxyResponseBody::Stream(_) => panic!("a streamed STS answer"),
        };
        Self {
            status: response.status.as_u16(),
            body,
        }
    }
}

impl Answer {
    pub(crate) fn element(&self, name: &str) -> Option<&str> {
        let open = format!("<{name}>");
        let start = self.body.find(&open)? + open.len();
        let end = self.body[start..].find(&format!("</{name}>"))?;
        Some(&self.body[start..start + end])
    }

    pub(crate) fn code(&self) -> Option<&str> {
        self.element("Code")
    }

    pub(crate) fn secret(&self) -> SecretString {
        SecretString::new(self.element("SecretAccessKey").unwrap())
    }
}
