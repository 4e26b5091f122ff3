//! The JWS compact serialization: `header.payload.signature`, each base64url.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::algorithm::SigningAlgorithm;
use crate::StsError;

/// The longest web identity token accepted (AWS STS's limit on `WebIdentityToken`).
pub(crate) const MAX_TOKEN_LEN: usize = 20_000;

/// A token split into its parts; nothing is verified yet.
#[derive(Debug)]
pub(crate) struct CompactJws<'a> {
    /// The signature algorithm the header names (already on the allow-list).
    pub(crate) algorithm: SigningAlgorithm,
    /// The key id the header names.
    pub(crate) kid: Option<String>,
    /// `header.payload` as sent: the bytes the signature covers.
    pub(crate) signing_input: &'a str,
    /// The decoded payload (JSON claims).
    pub(crate) payload: Vec<u8>,
    /// The decoded signature.
    pub(crate) signature: Vec<u8>,
}

/// The JOSE header fields this crate reads.
#[derive(Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    /// Extensions the recipient must understand; none are, so its presence refuses the
    /// token (RFC 7515 §4.1.11).
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

fn malformed(what: &str) -> StsError {
    StsError::InvalidIdentityToken(format!("The web identity token is malformed: {what}."))
}

impl<'a> CompactJws<'a> {
    /// Splits and decodes `token`, refusing disallowed algorithms.
    pub(crate) fn parse(token: &'a str) -> Result<Self, StsError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(malformed("too long"));
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed("not three dot-separated parts"));
        };
        let decode = |part: &str, what: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| malformed(&format!("the {what} is not base64url")))
        };
        let header: Header = serde_json::from_slice(&decode(header, "header")?)
            .map_err(|_| malformed("the header is not a JOSE header"))?;
        if header.crit.is_some() {
            return Err(malformed("it names critical header extensions"));
        }
        let algorithm = SigningAlgorithm::from_header(&header.alg)?;
        let signature = decode(signature, "signature")?;
        if signature.is_empty() {
            return Err(malformed("the signature is empty"));
        }
        let signing_input = &token[..token.len() - signature_len(token)];
        Ok(Self {
            algorithm,
            kid: header.kid,
            signing_input,
            payload: decode(payload, "payload")?,
            signature,
        })
    }
}

/// The length of `.signature` at the end of `token`.
fn signature_len(token: &str) -> usize {
    token.len() - token.rfind('.').unwrap_or(token.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    fn token(header: &str) -> String {
        format!("{}.{}.{}", b64(header), b64(r#"{"sub":"x"}"#), b64("sig"))
    }

    #[test]
    fn splits_a_token() {
        let token = token(r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#);
        let jws = CompactJws::parse(&token).unwrap();
        assert_eq!(jws.algorithm, SigningAlgorithm::Rs256);
        assert_eq!(jws.kid.as_deref(), Some("k1"));
        assert_eq!(jws.payload, br#"{"sub":"x"}"#);
        assert_eq!(jws.signature, b"sig");
        assert_eq!(
            jws.signing_input,
            &token[..token.rfind('.').unwrap()],
            "header.payload as sent"
        );
    }

    #[test]
    fn refuses_malformed_tokens() {
        for bad in [
            String::new(),
            "a.b".into(),
            "a.b.c.d".into(),
            format!("{}.e30.", b64(r#"{"alg":"RS256"}"#)),
            format!("{}.e30.c2ln", b64("not json")),
            format!("{}.e30=.c2ln", b64(r#"{"alg":"RS256"}"#)),
            token(r#"{"kid":"no alg"}"#),
            token(r#"{"alg":"RS256","crit":["exp"]}"#),
            token(r#"{"alg":"none"}"#),
            token(r#"{"alg":"HS256"}"#),
            "x".repeat(MAX_TOKEN_LEN + 1),
        ] {
            assert!(
                matches!(
                    CompactJws::parse(&bad),
                    Err(StsError::InvalidIdentityToken(_))
                ),
                "{bad}"
            );
        }
    }
}
