//! Web identity tokens: the JWS compact form, its header and claims, and signature
//! verification with the issuer's published key, through `AssumeRoleWithWebIdentity`.
//! Tokens are arbitrary text, or assembled from a header and claims (structured or raw
//! bytes) with an arbitrary signature or a valid one, so that the claim checks, scope
//! templates, minting and sealing behind the signature are reached too.
#![no_main]

mod sts_rig;

use arbitrary::Arbitrary;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::{HeaderValue, Method};
use libfuzzer_sys::fuzz_target;
use multistore::api::RequestInfo;
use serde_json::{Map, Value, json};
use sts_rig::{AUDIENCE, ISSUER, KID, ROLE, SUBJECT_PREFIX};

// Every choice's first variant is the one the role admits, and an exhausted input reads
// as first variants, zeros and empty strings: the shortest input is a valid token, and
// mutations explore around it.

#[derive(Debug, Arbitrary)]
struct Input {
    token: Token,
    duration_seconds: Option<u64>,
}

#[derive(Debug, Arbitrary)]
enum Token {
    /// `header.payload.signature`.
    Compact {
        header: Part<Header>,
        payload: Part<Claims>,
        signature: Signature,
    },
    /// Sent as is.
    Verbatim(String),
}

/// A JSON part, or any bytes in its place.
#[derive(Debug, Arbitrary)]
enum Part<T> {
    Json(T),
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct Header {
    alg: Alg,
    kid: Text,
    crit: bool,
}

#[derive(Debug, Arbitrary)]
enum Alg {
    Es256,
    Es384,
    Rs256,
    Ps256,
    None,
    Hs256,
    Other(String),
}

#[derive(Debug, Arbitrary)]
struct Claims {
    iss: Text,
    sub: Subject,
    aud: Audience,
    exp: Time,
    nbf: Time,
    iat: Time,
    email: AnyValue,
    extra: Vec<(String, String)>,
}

/// The value the rig expects, none, or another.
#[derive(Debug, Arbitrary)]
enum Text {
    Expected,
    Missing,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Subject {
    Admitted(String),
    Missing,
    Other(AnyValue),
}

#[derive(Debug, Arbitrary)]
enum Audience {
    One(Text),
    List(Vec<Text>),
    Other(AnyValue),
}

#[derive(Debug, Arbitrary)]
enum Time {
    /// Seconds from the handler's clock.
    FromNow(i32),
    Missing,
    Seconds(i64),
    Fractional(f64),
    Other(AnyValue),
}

/// A JSON value of any shape.
#[derive(Debug, Arbitrary)]
enum AnyValue {
    Text(String),
    Null,
    Bool(bool),
    Number(i64),
    List(Vec<String>),
}

#[derive(Debug, Arbitrary)]
enum Signature {
    /// The issuer's signature over `header.payload`.
    Valid,
    Raw(Vec<u8>),
}

impl Text {
    fn or(&self, expected: &str) -> Option<Value> {
        match self {
            Self::Expected => Some(expected.into()),
            Self::Missing => None,
            Self::Other(text) => Some(text.as_str().into()),
        }
    }
}

impl AnyValue {
    fn json(&self) -> Value {
        match self {
            Self::Text(text) => text.as_str().into(),
            Self::Null => Value::Null,
            Self::Bool(b) => (*b).into(),
            Self::Number(n) => (*n).into(),
            Self::List(list) => list.as_slice().into(),
        }
    }
}

impl Time {
    fn json(&self) -> Option<Value> {
        Some(match self {
            Self::FromNow(offset) => (sts_rig::now().timestamp() + i64::from(*offset)).into(),
            Self::Missing => return None,
            Self::Seconds(secs) => (*secs).into(),
            Self::Fractional(secs) => json!(secs),
            Self::Other(value) => value.json(),
        })
    }
}

impl Header {
    fn json(&self) -> Value {
        let alg = match &self.alg {
            Alg::Es256 => "ES256",
            Alg::Es384 => "ES384",
            Alg::Rs256 => "RS256",
            Alg::Ps256 => "PS256",
            Alg::None => "none",
            Alg::Hs256 => "HS256",
            Alg::Other(alg) => alg,
        };
        let mut header = json!({ "alg": alg, "typ": "JWT" });
        if let Some(kid) = self.kid.or(KID) {
            header["kid"] = kid;
        }
        if self.crit {
            header["crit"] = json!(["exp"]);
        }
        header
    }
}

impl Claims {
    fn json(&self) -> Value {
        let mut claims: Map<String, Value> = self
            .extra
            .iter()
            .map(|(name, value)| (name.clone(), value.as_str().into()))
            .collect();
        let fields = [
            ("iss", self.iss.or(ISSUER)),
            (
                "sub",
                match &self.sub {
                    Subject::Admitted(rest) => Some(format!("{SUBJECT_PREFIX}{rest}").into()),
                    Subject::Missing => None,
                    Subject::Other(value) => Some(value.json()),
                },
            ),
            (
                "aud",
                match &self.aud {
                    Audience::One(text) => text.or(AUDIENCE),
                    Audience::List(list) => {
                        Some(list.iter().filter_map(|text| text.or(AUDIENCE)).collect())
                    }
                    Audience::Other(value) => Some(value.json()),
                },
            ),
            ("exp", self.exp.json()),
            ("nbf", self.nbf.json()),
            ("iat", self.iat.json()),
            ("email", Some(self.email.json())),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                claims.insert(name.into(), value);
            }
        }
        Value::Object(claims)
    }
}

fn encode<T>(part: &Part<T>, json: impl Fn(&T) -> Value) -> String {
    match part {
        Part::Json(value) => URL_SAFE_NO_PAD.encode(json(value).to_string()),
        Part::Raw(bytes) => URL_SAFE_NO_PAD.encode(bytes),
    }
}

fn token(token: &Token) -> String {
    match token {
        Token::Verbatim(text) => text.clone(),
        Token::Compact {
            header,
            payload,
            signature,
        } => {
            let signing_input = format!(
                "{}.{}",
                encode(header, Header::json),
                encode(payload, Claims::json)
            );
            let signature = match signature {
                Signature::Valid => sts_rig::sign(&signing_input),
                Signature::Raw(bytes) => URL_SAFE_NO_PAD.encode(bytes),
            };
            format!("{signing_input}.{signature}")
        }
    }
}

fuzz_target!(|input: Input| {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", "AssumeRoleWithWebIdentity")
        .append_pair("Version", "2011-06-15")
        .append_pair("RoleArn", ROLE)
        .append_pair("RoleSessionName", "fuzz")
        .append_pair("WebIdentityToken", &token(&input.token));
    if let Some(duration) = input.duration_seconds {
        form.append_pair("DurationSeconds", &duration.to_string());
    }
    let mut request = RequestInfo::new(Method::POST, "/");
    request.headers.insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    sts_rig::serve(&request, Bytes::from(form.finish()));
});
