//! Talking to the gateway: STS requests over raw HTTP (as the AWS SDKs send them), S3 with
//! `object_store`'s client, and raw SigV4-signed S3 requests for exact error codes.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use http::{HeaderValue, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use multistore::SecretString;
use multistore::auth::sigv4::{OutboundRequest, SigningCredentials, SigningKeyCache};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::{BackoffConfig, RetryConfig};

/// A response, read in full.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    /// The text of the first `<name>` element.
    pub(crate) fn element(&self, name: &str) -> Option<&str> {
        let open = format!("<{name}>");
        let start = self.body.find(&open)? + open.len();
        let end = self.body[start..].find(&format!("</{name}>"))?;
        Some(&self.body[start..start + end])
    }

    /// The error code of an error document.
    pub(crate) fn code(&self) -> Option<&str> {
        self.element("Code")
    }

    /// Asserts an STS error with `code` and `status`, and that nothing was granted.
    pub(crate) fn assert_refused(&self, status: u16, code: &str) {
        assert_eq!(
            (self.status, self.code()),
            (status, Some(code)),
            "{}",
            self.body
        );
        assert!(self.body.starts_with(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>"
        ));
        assert!(self.element("RequestId").is_some_and(|id| id.len() == 36));
        for granted in ["AccessKeyId", "SecretAccessKey", "SessionToken"] {
            assert!(self.element(granted).is_none(), "{}", self.body);
        }
    }

    /// The credentials of a successful AssumeRoleWithWebIdentity answer.
    pub(crate) fn credentials(&self) -> Minted {
        assert_eq!(self.status, 200, "{}", self.body);
        let field = |name| {
            self.element(name)
                .unwrap_or_else(|| panic!("no {name} in {}", self.body))
                .to_owned()
        };
        Minted {
            access_key_id: field("AccessKeyId"),
            secret_access_key: field("SecretAccessKey"),
            session_token: field("SessionToken"),
            expiration: field("Expiration"),
        }
    }
}

/// Temporary credentials as STS returned them.
#[derive(Debug, Clone)]
pub(crate) struct Minted {
    pub(crate) access_key_id: String,
    pub(crate) secret_access_key: String,
    pub(crate) session_token: String,
    pub(crate) expiration: String,
}

impl Minted {
    /// For signing raw requests.
    pub(crate) fn signing(&self) -> SigningCredentials {
        SigningCredentials {
            access_key_id: self.access_key_id.clone(),
            secret_access_key: SecretString::new(self.secret_access_key.clone()),
            session_token: Some(SecretString::new(self.session_token.clone())),
        }
    }
}

/// Sends a request to the gateway.
pub(crate) async fn send(
    gateway: SocketAddr,
    method: Method,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Answer {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut request = Request::builder()
        .method(method)
        .uri(format!("http://{gateway}{path_and_query}"))
        .body(Full::new(body.into()))
        .expect("request");
    for (name, value) in headers {
        request.headers_mut().insert(
            http::HeaderName::from_bytes(name.as_bytes()).expect("name"),
            HeaderValue::from_str(value).expect("value"),
        );
    }
    let response = client.request(request).await.expect("gateway answers");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body").to_bytes();
    Answer {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: String::from_utf8(body.to_vec()).expect("UTF-8"),
    }
}

/// The form body of an AssumeRoleWithWebIdentity request, plus `extra` parameters.
pub(crate) fn form(role_arn: &str, token: &str, extra: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", "AssumeRoleWithWebIdentity")
        .append_pair("Version", "2011-06-15")
        .append_pair("RoleArn", role_arn)
        .append_pair("RoleSessionName", "integration-test")
        .append_pair("WebIdentityToken", token);
    for (name, value) in extra {
        form.append_pair(name, value);
    }
    form.finish()
}

/// AssumeRoleWithWebIdentity as the AWS SDKs send it: a form POST to `/`, unsigned.
pub(crate) async fn assume(gateway: SocketAddr, role: &str, token: &str) -> Answer {
    assume_with(gateway, role, token, &[]).await
}

/// [`assume`] with more parameters.
pub(crate) async fn assume_with(
    gateway: SocketAddr,
    role: &str,
    token: &str,
    extra: &[(&str, &str)],
) -> Answer {
    send(
        gateway,
        Method::POST,
        "/",
        &[(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )],
        form(
            &format!("arn:aws:iam::123456789012:role/{role}"),
            token,
            extra,
        ),
    )
    .await
}

/// `object_store`'s S3 client for `bucket`, signing with `credentials` (session token
/// included). Retries are off: every failure must show at once.
pub(crate) fn s3(gateway: SocketAddr, bucket: &str, credentials: &Minted) -> AmazonS3 {
    AmazonS3Builder::new()
        .with_endpoint(format!("http://{gateway}"))
        .with_allow_http(true)
        .with_virtual_hosted_style_request(false)
        .with_region("us-east-1")
        .with_bucket_name(bucket)
        .with_access_key_id(&credentials.access_key_id)
        .with_secret_access_key(&credentials.secret_access_key)
        .with_token(&credentials.session_token)
        .with_retry(RetryConfig {
            backoff: BackoffConfig::default(),
            max_retries: 0,
            retry_timeout: Duration::from_secs(10),
        })
        .build()
        .expect("S3 client")
}

/// A GET of `path` signed with `credentials` in the `Authorization` header.
pub(crate) async fn signed_get(
    gateway: SocketAddr,
    path: &str,
    credentials: &SigningCredentials,
) -> Answer {
    let mut headers = http::HeaderMap::new();
    let host = gateway.to_string();
    headers.insert(
        http::header::HOST,
        HeaderValue::from_str(&host).expect("host"),
    );
    OutboundRequest {
        method: &Method::GET,
        path,
        raw_query: "",
        headers: &mut headers,
        payload_hash: "UNSIGNED-PAYLOAD",
    }
    .sign(
        credentials,
        "us-east-1",
        "s3",
        Utc::now(),
        &SigningKeyCache::default(),
    )
    .expect("signable");
    let pairs: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().expect("text").to_owned(),
            )
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    send(gateway, Method::GET, path, &borrowed, Bytes::new()).await
}
