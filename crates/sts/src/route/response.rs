//! The XML documents AWS STS answers with.

use std::fmt::Write;

use http::{HeaderName, HeaderValue};
use multistore::config::TemporaryCredentials;
use multistore::route_handler::ProxyResponse;
use quick_xml::escape::escape;

use crate::StsError;

/// The namespace of STS documents.
const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// The header AWS STS carries its request id in.
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-amzn-requestid");

/// Everything an `AssumeRoleWithWebIdentity` answer reports.
#[derive(Debug)]
pub(crate) struct AssumedRole<'a> {
    /// The minted credentials, session token included.
    pub(crate) credentials: &'a TemporaryCredentials,
    /// `sub` of the web identity token.
    pub(crate) subject: &'a str,
    /// The audience the token was accepted for.
    pub(crate) audience: &'a str,
    /// The token's issuer.
    pub(crate) provider: &'a str,
    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    pub(crate) arn: &'a str,
    /// `<role unique id>:<session>`.
    pub(crate) assumed_role_id: &'a str,
}

/// The `200 OK` answer.
pub(crate) fn success(role: &AssumedRole<'_>, request_id: &str) -> ProxyResponse {
    let credentials = role.credentials;
    let mut xml = String::with_capacity(1024 + credentials.session_token.expose().len());
    let _ = write!(
        xml,
        "<AssumeRoleWithWebIdentityResponse xmlns=\"{NAMESPACE}\">\
         <AssumeRoleWithWebIdentityResult>\
         <SubjectFromWebIdentityToken>{}</SubjectFromWebIdentityToken>\
         <Audience>{}</Audience>\
         <AssumedRoleUser><Arn>{}</Arn><AssumedRoleId>{}</AssumedRoleId></AssumedRoleUser>\
         <Credentials>\
         <AccessKeyId>{}</AccessKeyId>\
         <SecretAccessKey>{}</SecretAccessKey>\
         <SessionToken>{}</SessionToken>\
         <Expiration>{}</Expiration>\
         </Credentials>\
         <Provider>{}</Provider>\
         </AssumeRoleWithWebIdentityResult>\
         <ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata>\
         </AssumeRoleWithWebIdentityResponse>",
        escape(role.subject),
        escape(role.audience),
        escape(role.arn),
        escape(role.assumed_role_id),
        escape(&credentials.access_key_id),
        escape(credentials.secret_access_key.expose()),
        escape(credentials.session_token.expose()),
        credentials.expiration.format("%Y-%m-%dT%H:%M:%SZ"),
        escape(role.provider),
        escape(request_id),
    );
    respond(http::StatusCode::OK, xml, request_id)
}

/// The answer for `error`: AWS's `ErrorResponse` document.
pub(crate) fn error(error: &StsError, request_id: &str) -> ProxyResponse {
    let xml = format!(
        "<ErrorResponse xmlns=\"{NAMESPACE}\">\
         <Error><Type>{}</Type><Code>{}</Code><Message>{}</Message></Error>\
         <RequestId>{}</RequestId>\
         </ErrorResponse>",
        error.fault(),
        error.sts_code(),
        escape(error.client_message()),
        escape(request_id),
    );
    respond(error.status(), xml, request_id)
}

fn respond(status: http::StatusCode, xml: String, request_id: &str) -> ProxyResponse {
    let mut response = ProxyResponse::with_body(status, "text/xml", xml);
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers.insert(REQUEST_ID_HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use multistore::SecretString;
    use multistore::route_handler::ProxyResponseBody;

    use super::*;

    fn body(response: &ProxyResponse) -> String {
        match &response.body {
            ProxyResponseBody::Bytes(bytes) => String::from_utf8(bytes.to_vec()).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn success_has_the_aws_shape() {
        let credentials = TemporaryCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: SecretString::new("se/cr+et"),
            session_token: SecretString::new("token-_"),
            expiration: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            allowed_scopes: vec![],
            assumed_role_id: "analysts".into(),
            source_identity: "repo:a/b".into(),
        };
        let response = success(
            &AssumedRole {
                credentials: &credentials,
                subject: "repo:a/b&<c>",
                audience: "sts.amazonaws.com",
                provider: "https://idp.example",
                arn: "arn:aws:sts::000000000000:assumed-role/analysts/ci",
                assumed_role_id: "AROAEXAMPLE:ci",
            },
            "req-1",
        );
        assert_eq!(response.status, http::StatusCode::OK);
        assert_eq!(response.headers["content-type"], "text/xml");
        assert_eq!(response.headers["x-amzn-requestid"], "req-1");
        let xml = body(&response);
        for part in [
            "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">",
            "<SubjectFromWebIdentityToken>repo:a/b&amp;&lt;c&gt;</SubjectFromWebIdentityToken>",
            "<Expiration>2026-01-01T00:00:00Z</Expiration>",
            "<SecretAccessKey>se/cr+et</SecretAccessKey>",
            "<AssumedRoleId>AROAEXAMPLE:ci</AssumedRoleId>",
            "<Provider>https://idp.example</Provider>",
            "<ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>",
        ] {
            assert!(xml.contains(part), "{part} in {xml}");
        }
    }

    #[test]
    fn errors_have_the_aws_shape_and_escape_messages() {
        let response = error(&StsError::InvalidAction("<script>&".into()), "req-2");
        assert_eq!(response.status, http::StatusCode::BAD_REQUEST);
        assert_eq!(
            body(&response),
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <Error><Type>Sender</Type><Code>InvalidAction</Code>\
             <Message>Could not find operation &lt;script&gt;&amp; for version 2011-06-15.</Message>\
             </Error><RequestId>req-2</RequestId></ErrorResponse>"
        );
    }
}
