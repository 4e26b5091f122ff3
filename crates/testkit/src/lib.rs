//! # multistore-testkit
//!
//! Real services that multistore's tests start on loopback and stop again. Nothing here
//! is a mock:
//!
//! * [`S3Server`] is the `s3s-fs` S3 server, which verifies SigV4 signatures, with the S3
//!   behaviours `s3s-fs` lacks filled in (conditional reads, URL-encoded listings, complete
//!   ListParts answers); the key pairs it accepts ([`AcceptedKeys`]) can rotate mid-test.
//! * [`OidcIssuer`] is an OpenID Connect issuer over HTTPS (a certificate from a CA made up
//!   for the run, see [`OidcIssuer::ca_pem`]) that publishes discovery and JWKS documents
//!   and mints tokens ([`TokenSpec`]) signed with real RSA, P-256 and P-384 keys, which
//!   it can rotate mid-test.
//!
//! Both are also binaries (`multistore-test-s3`, `multistore-test-oidc`) for suites in
//! other languages.

mod accepted_keys;
mod conforming_fs;
mod oidc;
mod part_copy;
mod s3_server;

pub use accepted_keys::AcceptedKeys;
pub use oidc::{IssuerOptions, IssuerScheme, KeyId, OidcIssuer, TokenSpec};
pub use s3_server::S3Server;

/// `jsonwebtoken`'s algorithm names, as [`TokenSpec::algorithm`] takes them.
pub use jsonwebtoken::Algorithm;
