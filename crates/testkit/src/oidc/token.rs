//! What a test asks the issuer to mint, and the minting.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{Map, Value, json};

use super::keys::{KeyFamily, KeyRing};

/// Which `kid` the token's header names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum KeyId {
    /// The `kid` of the key that signs (the normal case).
    #[default]
    Signing,
    /// Another `kid` (a key the issuer does not publish, say), signed with the usual key.
    Named(String),
    /// No `kid` at all.
    Omitted,
}

/// A token to mint. Times are seconds relative to now.
///
/// ```
/// use multistore_testkit::TokenSpec;
/// let spec = TokenSpec::new("repo:example/data:ref:refs/heads/main", "sts.amazonaws.com")
///     .with_algorithm(jsonwebtoken::Algorithm::ES256)
///     .with_claim("team", "geo");
/// assert_eq!(spec.expires_in, Some(300));
/// ```
#[derive(Debug, Clone)]
pub struct TokenSpec {
    /// The signature algorithm. `HS256`/`HS384`/`HS512` sign with the issuer's RSA public
    /// key (PKCS#1 DER) as the HMAC secret: the algorithm-confusion attack.
    pub algorithm: Algorithm,
    /// `sub`.
    pub subject: String,
    /// `aud`: omitted when empty, a string when one, a list otherwise.
    pub audiences: Vec<String>,
    /// `exp` (None: no `exp` claim).
    pub expires_in: Option<i64>,
    /// `nbf`, if any.
    pub not_before_in: Option<i64>,
    /// `iat`, if any.
    pub issued_at_in: Option<i64>,
    /// `iss` instead of the issuer's own URL.
    pub issuer: Option<String>,
    /// The header's `kid`.
    pub kid: KeyId,
    /// More claims.
    pub claims: Map<String, Value>,
}

impl TokenSpec {
    /// An RS256 token for `subject` and `audience`, issued now, expiring in 5 minutes.
    pub fn new(subject: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            algorithm: Algorithm::RS256,
            subject: subject.into(),
            audiences: vec![audience.into()],
            expires_in: Some(300),
            not_before_in: None,
            issued_at_in: Some(0),
            issuer: None,
            kid: KeyId::Signing,
            claims: Map::new(),
        }
    }

    /// Signs with `algorithm`.
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        self.algorithm = algorithm;
        self
    }

    /// Sets `exp` (None for no `exp`).
    pub fn with_expires_in(mut self, seconds: Option<i64>) -> Self {
        self.expires_in = seconds;
        self
    }

    /// Sets `nbf`.
    pub fn with_not_before_in(mut self, seconds: i64) -> Self {
        self.not_before_in = Some(seconds);
        self
    }

    /// Sets `iat`.
    pub fn with_issued_at_in(mut self, seconds: i64) -> Self {
        self.issued_at_in = Some(seconds);
        self
    }

    /// Sets `aud`.
    pub fn with_audiences(mut self, audiences: &[&str]) -> Self {
        self.audiences = audiences.iter().map(|a| (*a).to_owned()).collect();
        self
    }

    /// Claims another issuer in `iss`.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Names `kid` in the header.
    pub fn with_kid(mut self, kid: KeyId) -> Self {
        self.kid = kid;
        self
    }

    /// Adds a claim.
    pub fn with_claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.claims.insert(name.into(), value.into());
        self
    }

    /// The claims, with times made absolute and `iss` defaulting to `issuer`.
    pub(crate) fn payload(&self, issuer: &str) -> Value {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs() as i64);
        let mut claims = self.claims.clone();
        claims.insert(
            "iss".into(),
            json!(self.issuer.as_deref().unwrap_or(issuer)),
        );
        claims.insert("sub".into(), json!(self.subject));
        match self.audiences.as_slice() {
            [] => {}
            [one] => {
                claims.insert("aud".into(), json!(one));
            }
            many => {
                claims.insert("aud".into(), json!(many));
            }
        }
        for (name, offset) in [
            ("exp", self.expires_in),
            ("nbf", self.not_before_in),
            ("iat", self.issued_at_in),
        ] {
            if let Some(offset) = offset {
                claims.insert(name.into(), json!(now + offset));
            }
        }
        Value::Object(claims)
    }
}

/// A signed compact JWS for `spec`.
pub(crate) fn sign(keys: &KeyRing, issuer: &str, spec: &TokenSpec) -> String {
    let key = keys.key(KeyFamily::of(spec.algorithm));
    let hmac_secret;
    let encoding = match spec.algorithm {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            hmac_secret = EncodingKey::from_secret(&key.public_der).expect("a non-empty secret");
            &hmac_secret
        }
        _ => &key.encoding,
    };
    let header = header(&format!("{:?}", spec.algorithm), &spec.kid, &key.kid);
    let signing_input = format!("{header}.{}", encode_json(&spec.payload(issuer)));
    let signer = (DEFAULT_PROVIDER.signer_factory)(&spec.algorithm, encoding)
        .expect("the key fits the algorithm");
    let signature = signer
        .try_sign(signing_input.as_bytes())
        .expect("signing works");
    format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// An unsigned token (`alg: none`, empty signature) for `spec`.
pub(crate) fn unsigned(keys: &KeyRing, issuer: &str, spec: &TokenSpec) -> String {
    let key = keys.key(KeyFamily::Rsa);
    let header = header("none", &spec.kid, &key.kid);
    format!("{header}.{}.", encode_json(&spec.payload(issuer)))
}

fn header(alg: &str, kid: &KeyId, signing_kid: &str) -> String {
    let mut header = json!({ "alg": alg, "typ": "JWT" });
    match kid {
        KeyId::Signing => header["kid"] = json!(signing_kid),
        KeyId::Named(kid) => header["kid"] = json!(kid),
        KeyId::Omitted => {}
    }
    encode_json(&header)
}

fn encode_json(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("JSON"))
}
