//! The parameters of an `AssumeRoleWithWebIdentity` request, from the query string or an
//! `application/x-www-form-urlencoded` body.

use std::collections::HashMap;

use bytes::Bytes;
use http::Method;
use multistore::api::RequestInfo;

use crate::StsError;
use crate::jwt::MAX_TOKEN_LEN;

/// The one action served.
pub(crate) const ACTION: &str = "AssumeRoleWithWebIdentity";
/// The STS API version.
const VERSION: &str = "2011-06-15";

/// A validated request.
#[derive(Debug, Clone)]
pub(crate) struct AssumeRoleParams {
    /// The role asked for (from `RoleArn`).
    pub(crate) role_id: String,
    /// The account named in an ARN `RoleArn`, echoed in the assumed-role ARN.
    pub(crate) account: Option<String>,
    /// `RoleSessionName`.
    pub(crate) session_name: String,
    /// `WebIdentityToken`.
    pub(crate) web_identity_token: String,
    /// `DurationSeconds`, if given.
    pub(crate) duration_secs: Option<u64>,
}

/// Whether `request` carries a form body.
pub(crate) fn is_form(request: &RequestInfo) -> bool {
    request
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| {
            value
                .get(..33)
                .is_some_and(|mime| mime.eq_ignore_ascii_case("application/x-www-form-urlencoded"))
        })
}

/// Whether the query string says `Action=AssumeRoleWithWebIdentity`.
pub(crate) fn query_names_action(request: &RequestInfo) -> bool {
    request.raw_query.as_deref().is_some_and(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .any(|(name, value)| name == "Action" && value == ACTION)
    })
}

/// Reads and validates the parameters of `request` and its `body`.
pub(crate) fn read_params(
    request: &RequestInfo,
    body: &Bytes,
) -> Result<AssumeRoleParams, StsError> {
    let mut params = HashMap::new();
    let query = request.raw_query.as_deref().unwrap_or_default().as_bytes();
    let form: &[u8] = if request.method == Method::POST && is_form(request) {
        body
    } else {
        &[]
    };
    for (name, value) in url::form_urlencoded::parse(query).chain(url::form_urlencoded::parse(form))
    {
        if params
            .insert(name.to_string(), value.into_owned())
            .is_some()
        {
            return Err(StsError::InvalidParameterValue(format!(
                "The parameter {} is given more than once.",
                bounded(&name)
            )));
        }
    }
    let mut take = |name: &'static str| params.remove(name);

    let action = take("Action").ok_or(StsError::MissingParameter("Action"))?;
    if action != ACTION {
        return Err(StsError::InvalidAction(bounded(&action)));
    }
    if take("Version").is_some_and(|version| version != VERSION) {
        return Err(StsError::InvalidParameterValue(format!(
            "The only supported Version is {VERSION}."
        )));
    }
    let (role_id, account) =
        parse_role_arn(&take("RoleArn").ok_or(StsError::MissingParameter("RoleArn"))?)?;
    let session_name =
        take("RoleSessionName").ok_or(StsError::MissingParameter("RoleSessionName"))?;
    check_session_name(&session_name)?;
    // Token files written with `echo` end in a newline, which clients send along; no
    // whitespace can be part of a compact JWS.
    let web_identity_token = take("WebIdentityToken")
        .ok_or(StsError::MissingParameter("WebIdentityToken"))?
        .trim()
        .to_owned();
    if !(4..=MAX_TOKEN_LEN).contains(&web_identity_token.len()) {
        return Err(StsError::InvalidParameterValue(format!(
            "WebIdentityToken must be 4 to {MAX_TOKEN_LEN} characters long."
        )));
    }
    let duration_secs = take("DurationSeconds")
        .map(|value| {
            value.parse::<u64>().map_err(|_| {
                StsError::InvalidParameterValue(
                    "DurationSeconds must be a whole number of seconds.".into(),
                )
            })
        })
        .transpose()?;
    if let Some(name) = params
        .keys()
        .find(|name| *name == "Policy" || name.starts_with("PolicyArns.") || *name == "ProviderId")
    {
        return Err(StsError::InvalidParameterValue(format!(
            "{} is not supported: sessions get the role's scopes.",
            bounded(name)
        )));
    }
    Ok(AssumeRoleParams {
        role_id,
        account,
        session_name,
        web_identity_token,
        duration_secs,
    })
}

/// `RoleArn` as a bare role id, or an ARN `arn:<partition>:iam::<account>:role/<role_id>`.
fn parse_role_arn(value: &str) -> Result<(String, Option<String>), StsError> {
    let invalid = || {
        StsError::InvalidParameterValue(
            "RoleArn must be a role id or an ARN ending in role/<role id>.".into(),
        )
    };
    if value.is_empty() || value.len() > 2048 {
        return Err(invalid());
    }
    if !value.starts_with("arn:") {
        return Ok((value.to_owned(), None));
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [_, _partition, service, _region, account, resource] = parts[..] else {
        return Err(invalid());
    };
    let role_id = resource.strip_prefix("role/").ok_or_else(invalid)?;
    if service != "iam" || role_id.is_empty() {
        return Err(invalid());
    }
    let account = (!account.is_empty()).then(|| account.to_owned());
    Ok((role_id.to_owned(), account))
}

/// AWS's rule for `RoleSessionName`: 2 to 64 of `[A-Za-z0-9_+=,.@-]`.
fn check_session_name(name: &str) -> Result<(), StsError> {
    let valid = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b));
    if valid {
        Ok(())
    } else {
        Err(StsError::InvalidParameterValue(
            "RoleSessionName must be 2 to 64 characters of letters, digits and _+=,.@-".into(),
        ))
    }
}

/// Echoed text cut to a sensible length.
fn bounded(text: &str) -> String {
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    const TOKEN: &str = "header.payload.signature";

    fn get(query: &str) -> RequestInfo {
        let mut request = RequestInfo::new(Method::GET, "/.sts");
        request.raw_query = Some(query.to_owned());
        request
    }

    fn form(body: &str) -> (RequestInfo, Bytes) {
        let mut request = RequestInfo::new(Method::POST, "/");
        request.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"),
        );
        (request, Bytes::from(body.to_owned()))
    }

    fn valid(extra: &str) -> String {
        format!(
            "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleSessionName=ci-run\
             &WebIdentityToken={TOKEN}{extra}"
        )
    }

    #[test]
    fn reads_a_form_body_as_the_sdks_send_it() {
        let (request, body) = form(&valid(
            "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fanalysts&DurationSeconds=1800",
        ));
        assert!(is_form(&request));
        let params = read_params(&request, &body).unwrap();
        assert_eq!(params.role_id, "analysts");
        assert_eq!(params.account.as_deref(), Some("123456789012"));
        assert_eq!(params.session_name, "ci-run");
        assert_eq!(params.web_identity_token, TOKEN);
        assert_eq!(params.duration_secs, Some(1800));
    }

    #[test]
    fn surrounding_whitespace_of_the_token_is_dropped() {
        let request = get(&valid("&RoleArn=r").replace(TOKEN, &format!("{TOKEN}%0A")));
        let params = read_params(&request, &Bytes::new()).unwrap();
        assert_eq!(params.web_identity_token, TOKEN);
    }

    #[test]
    fn reads_the_query_string() {
        let request = get(&valid("&RoleArn=analysts"));
        assert!(query_names_action(&request));
        let params = read_params(&request, &Bytes::new()).unwrap();
        assert_eq!(params.role_id, "analysts");
        assert_eq!(params.account, None);
        assert_eq!(params.duration_secs, None);
    }

    #[test]
    fn a_body_without_form_content_type_is_ignored() {
        let request = RequestInfo::new(Method::POST, "/.sts");
        let error = read_params(&request, &Bytes::from(valid("&RoleArn=r"))).unwrap_err();
        assert!(matches!(error, StsError::MissingParameter("Action")));
    }

    #[test]
    fn refuses_bad_parameters() {
        let cases: Vec<(String, &str)> = vec![
            ("Action=AssumeRole".to_owned(), "InvalidAction"),
            ("RoleArn=r".to_owned(), "MissingParameter"),
            (valid(""), "MissingParameter"),
            (
                valid("&RoleArn=arn:aws:iam::1:user/bob"),
                "InvalidParameterValue",
            ),
            (
                valid("&RoleArn=arn:aws:s3:::role/x"),
                "InvalidParameterValue",
            ),
            (
                valid("&RoleArn=arn:aws:iam::1:role/"),
                "InvalidParameterValue",
            ),
            (
                valid("&RoleArn=r&DurationSeconds=soon"),
                "InvalidParameterValue",
            ),
            (
                valid("&RoleArn=r&DurationSeconds=-1"),
                "InvalidParameterValue",
            ),
            (valid("&RoleArn=r&Policy=%7B%7D"), "InvalidParameterValue"),
            (
                valid("&RoleArn=r&PolicyArns.member.1.arn=x"),
                "InvalidParameterValue",
            ),
            (valid("&RoleArn=r&RoleArn=s"), "InvalidParameterValue"),
            (
                valid("&RoleArn=r").replace("ci-run", "a"),
                "InvalidParameterValue",
            ),
            (
                valid("&RoleArn=r").replace("ci-run", "has%20space"),
                "InvalidParameterValue",
            ),
            (
                valid("&RoleArn=r").replace("2011-06-15", "2099-01-01"),
                "InvalidParameterValue",
            ),
            (
                valid("&RoleArn=r").replace(TOKEN, "x"),
                "InvalidParameterValue",
            ),
        ];
        for (query, code) in cases {
            let error = read_params(&get(&query), &Bytes::new()).unwrap_err();
            assert_eq!(error.sts_code(), code, "{query}");
        }
    }
}
