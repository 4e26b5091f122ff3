//! Web identity tokens: the JWS compact form, the accepted algorithms, JSON Web Keys, and
//! the checks on claims.

mod algorithm;
mod claims;
mod compact;
mod glob;
mod jwk;

pub(crate) use claims::Claims;
pub(crate) use compact::{CompactJws, MAX_TOKEN_LEN};
pub(crate) use jwk::{KeyMatch, VerificationKey, parse_jwks, select};
