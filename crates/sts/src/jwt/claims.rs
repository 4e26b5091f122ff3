//! The claims of a web identity token and the checks on them: times, audience, subject.

use chrono::{DateTime, Duration, Utc};
use serde_json::{Map, Value};

use super::glob::glob_matches;
use crate::StsError;

/// How far the clocks of the identity provider and the gateway may disagree.
pub(crate) const LEEWAY: Duration = Duration::seconds(60);

/// The longest `sub` accepted (OpenID Connect Core §2 caps it at 255 ASCII characters).
const MAX_SUBJECT_LEN: usize = 255;

/// The claims of a token, read before its signature is checked: only `iss` may be used
/// until then, to pick the keys.
#[derive(Debug, Clone)]
pub(crate) struct Claims {
    /// `iss`.
    pub(crate) issuer: String,
    /// `sub`.
    pub(crate) subject: String,
    /// `aud`, as a list whether sent as a string or an array.
    pub(crate) audiences: Vec<String>,
    expires: Option<i64>,
    not_before: Option<i64>,
    issued_at: Option<i64>,
    /// Every claim, for `{claim}` templates.
    pub(crate) all: Map<String, Value>,
}

fn invalid(message: impl Into<String>) -> StsError {
    StsError::InvalidIdentityToken(message.into())
}

impl Claims {
    /// Reads the claims from the token's payload.
    pub(crate) fn parse(payload: &[u8]) -> Result<Self, StsError> {
        let all: Map<String, Value> = serde_json::from_slice(payload)
            .map_err(|_| invalid("The web identity token's payload is not a JSON object."))?;
        let issuer = match all.get("iss") {
            Some(Value::String(issuer)) => issuer.clone(),
            _ => return Err(invalid("The web identity token has no issuer (iss).")),
        };
        let subject = match all.get("sub") {
            Some(Value::String(subject))
                if !subject.is_empty() && subject.len() <= MAX_SUBJECT_LEN =>
            {
                subject.clone()
            }
            _ => {
                return Err(invalid(
                    "The web identity token has no valid subject (sub).",
                ));
            }
        };
        let audiences = match all.get("aud") {
            None => vec![],
            Some(Value::String(audience)) => vec![audience.clone()],
            Some(Value::Array(list)) => list
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| invalid("The web identity token's audience (aud) is malformed."))?,
            Some(_) => {
                return Err(invalid(
                    "The web identity token's audience (aud) is malformed.",
                ));
            }
        };
        Ok(Self {
            issuer,
            subject,
            audiences,
            expires: numeric_date(&all, "exp")?,
            not_before: numeric_date(&all, "nbf")?,
            issued_at: numeric_date(&all, "iat")?,
            all,
        })
    }

    /// Checks `exp` (required), `nbf` and `iat` against `now`, each with [`LEEWAY`].
    pub(crate) fn check_times(&self, now: DateTime<Utc>) -> Result<(), StsError> {
        let now_secs = now.timestamp();
        let leeway = LEEWAY.num_seconds();
        let expires = self
            .expires
            .ok_or_else(|| invalid("The web identity token has no expiration time (exp)."))?;
        if now_secs >= expires.saturating_add(leeway) {
            return Err(StsError::ExpiredIdentityToken(format!(
                "Token expired: current date/time {} must be before the expiration date/time {}.",
                format_time(now_secs),
                format_time(expires)
            )));
        }
        if self
            .not_before
            .is_some_and(|nbf| now_secs.saturating_add(leeway) < nbf)
        {
            return Err(invalid("The web identity token is not valid yet (nbf)."));
        }
        if self
            .issued_at
            .is_some_and(|iat| now_secs.saturating_add(leeway) < iat)
        {
            return Err(invalid(
                "The web identity token was issued in the future (iat).",
            ));
        }
        Ok(())
    }

    /// Checks `aud` against the role's `required_audiences` and returns the audience to
    /// report: the one that matched, or the first the token names.
    pub(crate) fn check_audience(&self, required: &[String]) -> Result<String, StsError> {
        if required.is_empty() {
            return Ok(self.audiences.first().cloned().unwrap_or_default());
        }
        self.audiences
            .iter()
            .find(|audience| required.contains(audience))
            .cloned()
            .ok_or_else(|| invalid("Incorrect token audience."))
    }

    /// Checks `sub` against the role's `subject_conditions` (globs; none means any).
    pub(crate) fn check_subject(&self, conditions: &[String]) -> Result<(), StsError> {
        if conditions.is_empty()
            || conditions
                .iter()
                .any(|pattern| glob_matches(pattern, &self.subject))
        {
            Ok(())
        } else {
            Err(StsError::AccessDenied(
                "The token's subject does not satisfy the role's conditions.".into(),
            ))
        }
    }
}

/// A NumericDate claim (seconds since the epoch, possibly fractional), if present.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, StsError> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(number)) => number
            .as_i64()
            .or_else(|| {
                number
                    .as_f64()
                    .filter(|secs| secs.is_finite() && secs.abs() < 1e15)
                    .map(|secs| secs.floor() as i64)
            })
            .map(Some)
            .ok_or_else(|| invalid(format!("The web identity token's {name} is not a time."))),
        Some(_) => Err(invalid(format!(
            "The web identity token's {name} is not a time."
        ))),
    }
}

fn format_time(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(|time| time.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| secs.to_string())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
    }

    fn claims(extra: &str) -> Claims {
        let t = now().timestamp();
        Claims::parse(
            format!(
                r#"{{"iss":"https://idp","sub":"repo:x/y","aud":"sts","exp":{},"iat":{t}{extra}}}"#,
                t + 300
            )
            .as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn reads_the_standard_claims() {
        let claims = claims(r#","email":"a@b""#);
        assert_eq!(claims.issuer, "https://idp");
        assert_eq!(claims.subject, "repo:x/y");
        assert_eq!(claims.audiences, ["sts"]);
        assert_eq!(claims.all["email"], "a@b");
        assert!(claims.check_times(now()).is_ok());
    }

    #[test]
    fn refuses_missing_or_malformed_claims() {
        for payload in [
            "[]",
            r#"{"sub":"s","exp":1}"#,
            r#"{"iss":"i","exp":1}"#,
            r#"{"iss":"i","sub":"","exp":1}"#,
            r#"{"iss":"i","sub":"s","aud":[1]}"#,
            r#"{"iss":"i","sub":"s","aud":{}}"#,
            r#"{"iss":"i","sub":"s","exp":"tomorrow"}"#,
        ] {
            assert!(Claims::parse(payload.as_bytes()).is_err(), "{payload}");
        }
    }

    #[test]
    fn expiry_is_required_and_has_leeway() {
        let t = now().timestamp();
        let no_exp = Claims::parse(br#"{"iss":"i","sub":"s"}"#).unwrap();
        assert!(matches!(
            no_exp.check_times(now()),
            Err(StsError::InvalidIdentityToken(_))
        ));
        let exp = |e: i64| {
            Claims::parse(format!(r#"{{"iss":"i","sub":"s","exp":{e}}}"#).as_bytes()).unwrap()
        };
        assert!(exp(t - 59).check_times(now()).is_ok());
        assert!(matches!(
            exp(t - 60).check_times(now()),
            Err(StsError::ExpiredIdentityToken(_))
        ));
        assert!(exp(t).check_times(now()).is_ok());
    }

    #[test]
    fn not_before_and_issued_at_have_leeway() {
        let t = now().timestamp();
        assert!(
            claims(&format!(r#","nbf":{}"#, t + 60))
                .check_times(now())
                .is_ok()
        );
        assert!(
            claims(&format!(r#","nbf":{}"#, t + 61))
                .check_times(now())
                .is_err()
        );
        let future_iat = Claims::parse(
            format!(
                r#"{{"iss":"i","sub":"s","exp":{},"iat":{}}}"#,
                t + 900,
                t + 120
            )
            .as_bytes(),
        )
        .unwrap();
        assert!(future_iat.check_times(now()).is_err());
    }

    #[test]
    fn audience_may_be_a_list() {
        let claims = claims(r#","aud":["other","sts.amazonaws.com"]"#);
        assert_eq!(
            claims
                .check_audience(&["sts.amazonaws.com".into()])
                .unwrap(),
            "sts.amazonaws.com"
        );
        assert!(claims.check_audience(&["mine".into()]).is_err());
        assert_eq!(claims.check_audience(&[]).unwrap(), "other");
    }

    #[test]
    fn subject_conditions_are_globs() {
        let claims = claims("");
        assert!(claims.check_subject(&[]).is_ok());
        assert!(claims.check_subject(&["repo:x/*".into()]).is_ok());
        assert!(matches!(
            claims.check_subject(&["repo:z/*".into()]),
            Err(StsError::AccessDenied(_))
        ));
    }
}
