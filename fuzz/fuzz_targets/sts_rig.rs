//! What the STS targets run against: an `StsRouteHandler` reached through its public API,
//! with one role, an identity provider whose discovery document and JWKS are served from
//! memory, a fixed clock, and a real P-256 key that can sign tokens, so that inputs reach
//! signature verification and, when signed, everything after it.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};
use multistore::ProxyError;
use multistore::api::RequestInfo;
use multistore::config::{AccessScope, Action, RoleConfig, StoredCredential};
use multistore::registry::CredentialRegistry;
use multistore::route_handler::{ProxyResponseBody, RouteHandler};
use multistore_sts::{Clock, FetchError, FetchLimits, HttpsFetcher, StsRouteHandler, TokenKey};
use p256::elliptic_curve::sec1::ToSec1Point;
use p256::pkcs8::EncodePrivateKey;
use serde_json::json;

/// The one trusted issuer.
pub const ISSUER: &str = "https://idp.fuzz";
/// The audience the role requires.
pub const AUDIENCE: &str = "sts.amazonaws.com";
/// What admitted subjects start with (the role's condition is this followed by `*`).
pub const SUBJECT_PREFIX: &str = "repo:fuzz/";
/// The one role.
pub const ROLE: &str = "fuzzers";
/// The `kid` of the issuer's key.
pub const KID: &str = "k1";
const DISCOVERY: &str = "https://idp.fuzz/.well-known/openid-configuration";
const JWKS: &str = "https://idp.fuzz/keys";

/// The time the handler's clock reads.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        now()
    }
}

/// The issuer's key: signs tokens, and is published in the JWKS.
struct IssuerKey {
    encoding: EncodingKey,
    jwks: Bytes,
}

static KEY: LazyLock<IssuerKey> = LazyLock::new(|| {
    let secret = p256::SecretKey::from_slice(&[7; 32]).unwrap();
    let point = secret.public_key().to_sec1_point(false);
    let jwk = json!({
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": KID,
        "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
        "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
    });
    IssuerKey {
        encoding: EncodingKey::from_ec_der(secret.to_pkcs8_der().unwrap().as_bytes()),
        jwks: Bytes::from(json!({ "keys": [jwk] }).to_string()),
    }
});

/// The ES256 signature of `signing_input` by the issuer's key, base64url.
pub fn sign(signing_input: &str) -> String {
    let signature = (DEFAULT_PROVIDER.signer_factory)(&Algorithm::ES256, &KEY.encoding)
        .unwrap()
        .try_sign(signing_input.as_bytes())
        .unwrap();
    URL_SAFE_NO_PAD.encode(signature)
}

/// The identity provider's documents.
struct Documents;

impl HttpsFetcher for Documents {
    async fn get(&self, url: &str, _: FetchLimits) -> Result<Bytes, FetchError> {
        match url {
            DISCOVERY => Ok(Bytes::from(
                json!({ "issuer": ISSUER, "jwks_uri": JWKS }).to_string(),
            )),
            JWKS => Ok(KEY.jwks.clone()),
            _ => Err(FetchError::Status(404)),
        }
    }
}

/// The role, with scopes templated on claims.
struct Roles;

impl CredentialRegistry for Roles {
    async fn get_credential(&self, _: &str) -> Result<Option<StoredCredential>, ProxyError> {
        Ok(None)
    }

    async fn get_role(&self, role_id: &str) -> Result<Option<RoleConfig>, ProxyError> {
        Ok((role_id == ROLE).then(|| RoleConfig {
            role_id: ROLE.into(),
            name: "Fuzzers".into(),
            trusted_oidc_issuers: vec![ISSUER.into()],
            required_audiences: vec![AUDIENCE.into()],
            subject_conditions: vec![format!("{SUBJECT_PREFIX}*")],
            max_session_duration_secs: 7200,
            allowed_scopes: vec![AccessScope {
                bucket: "home".into(),
                prefixes: vec!["users/{sub}/".into(), "{email}/".into()],
                actions: vec![Action::GetObject],
            }],
        }))
    }
}

/// Hands `request` and `body` to a fresh handler (so that no key cache carries over from
/// one input to the next) if the route takes it, and checks the answer: no input a client
/// controls may cause a server error, and every answer is an XML document.
pub fn serve(request: &RequestInfo, body: Bytes) {
    let handler =
        StsRouteHandler::new(Roles, TokenKey::new(&[3; 32]), Documents).with_clock(FixedClock);
    if !handler.matches(request) {
        return;
    }
    let response = futures_executor::block_on(handler.handle(request, body));
    assert!(
        !response.status.is_server_error(),
        "a client caused {}",
        response.status
    );
    match response.body {
        ProxyResponseBody::Bytes(xml) => assert!(xml.starts_with(b"<"), "{xml:?}"),
        other => panic!("an STS answer without a document: {other:?}"),
    }
}
