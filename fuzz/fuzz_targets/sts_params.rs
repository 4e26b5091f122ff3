//! `AssumeRoleWithWebIdentity` parameters: any method, path, query string, content type
//! and form body, with or without a valid request's parameters among them, must be routed
//! and answered with an STS document, never a server error. An exhausted input reads as a
//! valid `GET` with its parameters in the query string.
#![no_main]

mod sts_rig;

use std::sync::LazyLock;

use arbitrary::Arbitrary;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::{HeaderValue, Method};
use libfuzzer_sys::fuzz_target;
use multistore::api::RequestInfo;
use serde_json::json;
use sts_rig::{AUDIENCE, ISSUER, KID, ROLE, SUBJECT_PREFIX};

#[derive(Debug, Arbitrary)]
struct Input {
    post: bool,
    path: Path,
    /// Where a valid request's parameters go, before the query and body below.
    valid_params_in: Place,
    query: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

#[derive(Debug, Arbitrary)]
enum Path {
    Sts,
    Root,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Place {
    Query,
    Body,
    Nowhere,
}

/// A token the role admits, signed by the issuer's key.
static VALID_TOKEN: LazyLock<String> = LazyLock::new(|| {
    let at = sts_rig::now().timestamp();
    let header = json!({ "alg": "ES256", "kid": KID });
    let claims = json!({
        "iss": ISSUER, "sub": format!("{SUBJECT_PREFIX}data"), "aud": AUDIENCE,
        "iat": at, "exp": at + 300,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = sts_rig::sign(&signing_input);
    format!("{signing_input}.{signature}")
});

fuzz_target!(|input: Input| {
    let method = if input.post {
        Method::POST
    } else {
        Method::GET
    };
    let path = match input.path {
        Path::Root => "/".to_owned(),
        Path::Sts => multistore_sts::DEFAULT_STS_PATH.to_owned(),
        Path::Other(path) => format!("/{path}"),
    };
    let valid = format!(
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn={ROLE}\
         &RoleSessionName=fuzz&WebIdentityToken={}&",
        *VALID_TOKEN
    );
    let (mut query, mut body) = (String::new(), Vec::new());
    match input.valid_params_in {
        Place::Query => query.push_str(&valid),
        Place::Body => body.extend_from_slice(valid.as_bytes()),
        Place::Nowhere => {}
    }
    query.push_str(&input.query);
    body.extend_from_slice(&input.body);
    let mut request = RequestInfo::new(method, path);
    request.raw_query = Some(query);
    if let Some(value) = input
        .content_type
        .and_then(|value| HeaderValue::from_str(&value).ok())
    {
        request.headers.insert(http::header::CONTENT_TYPE, value);
    }
    sts_rig::serve(&request, Bytes::from(body));
});
