//! The issuer's HTTP routes: discovery, JWKS, and minting and rotation for other processes.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use jsonwebtoken::Algorithm;
use serde_json::json;

use super::IssuerState;
use super::token::{KeyId, TokenSpec};

/// Answers one request.
pub(crate) async fn route<B>(
    state: Arc<IssuerState>,
    request: Request<B>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let query = request.uri().query().unwrap_or_default().to_owned();
    let response = match (request.method(), request.uri().path()) {
        (&Method::GET, "/.well-known/openid-configuration") => {
            state.discovery_requests.fetch_add(1, Ordering::SeqCst);
            json_response(&json!({
                "issuer": state.issuer,
                "jwks_uri": state.jwks_uri,
                "response_types_supported": ["id_token"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported":
                    ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"],
            }))
        }
        (&Method::GET, "/jwks.json") => {
            state.jwks_requests.fetch_add(1, Ordering::SeqCst);
            json_response(&state.keys().jwks())
        }
        (&Method::GET, "/mint") => match mint_spec(&query) {
            Ok((spec, Signing::Signed)) => text(StatusCode::OK, state.mint(&spec)),
            Ok((spec, Signing::Unsigned)) => text(StatusCode::OK, state.mint_unsigned(&spec)),
            Err(message) => text(StatusCode::BAD_REQUEST, message),
        },
        (&Method::POST, "/rotate") => match algorithm_param(&query) {
            Ok(algorithm) => text(StatusCode::OK, state.rotate(algorithm)),
            Err(message) => text(StatusCode::BAD_REQUEST, message),
        },
        _ => text(StatusCode::NOT_FOUND, "not found".to_owned()),
    };
    Ok(response)
}

/// Whether `/mint` signs.
enum Signing {
    Signed,
    Unsigned,
}

/// `/mint?sub=…&aud=a,b&alg=RS256&exp_in=300&nbf_in=…&iat_in=…&kid=…&iss=…&claim.NAME=…`.
///
/// `alg=none` mints an unsigned token; `exp_in=none` omits `exp`; `kid=none` omits `kid`.
fn mint_spec(query: &str) -> Result<(TokenSpec, Signing), String> {
    let mut spec = TokenSpec::new("", "").with_audiences(&[]);
    let mut signing = Signing::Signed;
    let mut subject = None;
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let seconds = || {
            value
                .parse::<i64>()
                .map_err(|_| format!("{name} must be a number of seconds"))
        };
        match name.as_ref() {
            "sub" => subject = Some(value.to_string()),
            "aud" => spec.audiences = value.split(',').map(str::to_owned).collect(),
            "alg" if value == "none" => signing = Signing::Unsigned,
            "alg" => spec.algorithm = parse_algorithm(&value)?,
            "exp_in" if value == "none" => spec.expires_in = None,
            "exp_in" => spec.expires_in = Some(seconds()?),
            "nbf_in" => spec.not_before_in = Some(seconds()?),
            "iat_in" => spec.issued_at_in = Some(seconds()?),
            "kid" if value == "none" => spec.kid = KeyId::Omitted,
            "kid" => spec.kid = KeyId::Named(value.to_string()),
            "iss" => spec.issuer = Some(value.to_string()),
            other => match other.strip_prefix("claim.") {
                Some(claim) => {
                    spec.claims.insert(claim.to_owned(), json!(value));
                }
                None => return Err(format!("unknown parameter {other}")),
            },
        }
    }
    spec.subject = subject.ok_or("sub is required")?;
    Ok((spec, signing))
}

fn algorithm_param(query: &str) -> Result<Algorithm, String> {
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "alg")
        .map_or(Ok(Algorithm::RS256), |(_, value)| parse_algorithm(&value))
}

fn parse_algorithm(name: &str) -> Result<Algorithm, String> {
    name.parse::<Algorithm>()
        .map_err(|_| format!("unknown algorithm {name}"))
}

fn json_response(value: &serde_json::Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(value.to_string())));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

fn text(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
}
