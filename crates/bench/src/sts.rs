//! Temporary credentials for the STS scenario: a web identity token from the testkit's
//! OIDC issuer, traded at the gateway's `/.sts` route.

use http::{HeaderValue, Method};
use multistore::auth::sigv4::{SigningCredentials, encode_query_component};
use multistore_testkit::{OidcIssuer, TokenSpec};

use crate::client::{BenchBody, Connection, Keep, Recorder, RequestSpec, Target, element_text};
use crate::error::{BenchError, BenchResult};
use crate::gateway::{AUDIENCE, MAX_SESSION_SECS, ROLE, SUBJECT};

/// The gateway's STS route.
const STS_PATH: &str = "/.sts";

/// Mints a token with `issuer` and trades it for credentials of the benchmark role with
/// `AssumeRoleWithWebIdentity` (a form POST to `/.sts`, unsigned, as the SDKs send it).
pub(crate) async fn assume_role(
    issuer: &OidcIssuer,
    gateway: &Target,
) -> BenchResult<SigningCredentials> {
    let token = issuer.mint(&TokenSpec::new(SUBJECT, AUDIENCE));
    let form = [
        ("Action", "AssumeRoleWithWebIdentity"),
        ("Version", "2011-06-15"),
        ("RoleArn", &format!("arn:aws:iam::000000000000:role/{ROLE}")),
        ("RoleSessionName", "multistore-bench"),
        ("WebIdentityToken", &token),
        ("DurationSeconds", &MAX_SESSION_SECS.to_string()),
    ]
    .iter()
    .map(|(name, value)| format!("{name}={}", encode_query_component(value)))
    .collect::<Vec<_>>()
    .join("&");
    let request = gateway.request_at_path(
        STS_PATH,
        RequestSpec::new(Method::POST, None)
            .with_header(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
            )
            .with_body(BenchBody::full(form)),
    )?;
    let reply = Connection::new(gateway.address)
        .send(request, Keep::Body, &mut Recorder::default())
        .await?;
    let text = reply.text();
    if !reply.status.is_success() {
        return Err(BenchError::Status {
            what: "AssumeRoleWithWebIdentity".into(),
            status: reply.status,
            body: text,
        });
    }
    let field = |name: &str| {
        element_text(&text, name)
            .ok_or_else(|| BenchError::Setup(format!("STS answered without {name}: {text}")))
    };
    Ok(Target::credentials(
        &field("AccessKeyId")?,
        &field("SecretAccessKey")?,
        Some(&field("SessionToken")?),
    ))
}
