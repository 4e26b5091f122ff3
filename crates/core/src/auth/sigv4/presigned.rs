//! Presigned URLs: `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`,
//! `X-Amz-SignedHeaders`, `X-Amz-Signature` and `X-Amz-Security-Token` in the query.

use super::claims::{
    AuthLocation, CredentialScope, PayloadMode, SignatureClaims, is_signature, parse_amz_date,
};
use crate::ProxyError;
use crate::api::request::Query;

/// The longest validity S3 allows a presigned URL: seven days.
pub const MAX_PRESIGNED_EXPIRY_SECS: u32 = 604_800;

fn query_error(message: String) -> ProxyError {
    ProxyError::AuthorizationQueryParametersError(message)
}

/// The claims of a presigned request.
pub(super) fn parse(query: &Query) -> Result<SignatureClaims, ProxyError> {
    let required = |name: &str| {
        query.get(name).ok_or_else(|| {
            query_error(
                "Query-string authentication version 4 requires the X-Amz-Algorithm, \
                 X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and \
                 X-Amz-Expires parameters."
                    .into(),
            )
        })
    };
    let algorithm = required("X-Amz-Algorithm")?;
    if algorithm != "AWS4-HMAC-SHA256" {
        return Err(query_error(format!(
            "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\", not \"{algorithm}\"."
        )));
    }
    let credential = CredentialScope::parse(required("X-Amz-Credential")?, query_error)?;
    let amz_date = required("X-Amz-Date")?;
    let request_time = parse_amz_date(amz_date).ok_or_else(|| {
        query_error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"".into())
    })?;
    let expires_secs = required("X-Amz-Expires")?
        .parse::<u32>()
        .ok()
        .filter(|secs| (1..=MAX_PRESIGNED_EXPIRY_SECS).contains(secs))
        .ok_or_else(|| {
            query_error(format!(
                "X-Amz-Expires must be a number of seconds from 1 to {MAX_PRESIGNED_EXPIRY_SECS} (seven days)."
            ))
        })?;
    let signed_headers =
        super::parse_signed_headers(required("X-Amz-SignedHeaders")?, query_error)?;
    let signature = required("X-Amz-Signature")?;
    if !is_signature(signature) {
        return Err(query_error(
            "X-Amz-Signature must be 64 lower-case hex digits.".into(),
        ));
    }
    let payload = match query.get("X-Amz-Content-Sha256") {
        Some(value) => PayloadMode::parse(value)?,
        None => PayloadMode::Unsigned,
    };
    Ok(SignatureClaims {
        credential,
        signed_headers,
        signature: signature.to_owned(),
        amz_date: amz_date.to_owned(),
        request_time,
        session_token: query.get("X-Amz-Security-Token").map(str::to_owned),
        location: AuthLocation::Query { expires_secs },
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(expires: &str) -> Query {
        Query::parse(&format!(
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20240101%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20240101T000000Z&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host\
             &X-Amz-Signature={}",
            "0".repeat(64)
        ))
        .unwrap()
    }

    #[test]
    fn parses_a_presigned_url() {
        let claims = parse(&query("3600")).unwrap();
        assert_eq!(claims.credential.access_key_id, "AK");
        assert_eq!(claims.location, AuthLocation::Query { expires_secs: 3600 });
        assert_eq!(claims.payload, PayloadMode::Unsigned);
        assert_eq!(claims.signed_headers, vec!["host"]);
    }

    #[test]
    fn expiry_is_one_second_to_seven_days() {
        assert!(parse(&query("1")).is_ok());
        assert!(parse(&query("604800")).is_ok());
        for bad in ["0", "604801", "-1", "abc", ""] {
            let err = parse(&query(bad)).unwrap_err();
            assert_eq!(err.s3_code(), "AuthorizationQueryParametersError", "{bad}");
        }
    }

    #[test]
    fn missing_parameters() {
        let err = parse(&Query::parse("X-Amz-Algorithm=AWS4-HMAC-SHA256").unwrap()).unwrap_err();
        assert_eq!(err.s3_code(), "AuthorizationQueryParametersError");
    }
}
