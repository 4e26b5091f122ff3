//! # multistore-sts
//!
//! Temporary S3 credentials for holders of an OpenID Connect token: the STS
//! `AssumeRoleWithWebIdentity` action, served by the gateway itself, and the sealed session
//! tokens that carry the credentials, so that no database is needed and any number of
//! gateway instances (native or Cloudflare Workers) accept them.
//!
//! A CI job, a notebook or a service trades its OIDC token (GitHub Actions, Auth0,
//! Keycloak, Cognito, any RFC-compliant issuer) for keys scoped by a role, with stock AWS
//! tooling:
//!
//! ```text
//! aws sts assume-role-with-web-identity --endpoint-url http://gateway \
//!     --role-arn arn:aws:iam::000000000000:role/analysts \
//!     --role-session-name ci --web-identity-token "$OIDC_TOKEN"
//! ```
//!
//! ## The pieces
//!
//! * [`TokenKey`] — AES-256-GCM keys (one current, any previous) that seal
//!   [`TemporaryCredentials`](multistore::config::TemporaryCredentials) into the session
//!   token and open them again; it implements the core's
//!   [`TemporaryCredentialResolver`](multistore::registry::TemporaryCredentialResolver),
//!   so register it with `ProxyGateway::with_credential_resolver`. The token is bound to
//!   its access key id and at most [`MAX_SESSION_TOKEN_LEN`] characters long.
//! * [`StsRouteHandler`] — the route (a core `RouteHandler`): reads the request, looks the
//!   role up in the gateway's `CredentialRegistry`, verifies the web identity token,
//!   mints and seals credentials, and answers in AWS's XML.
//! * [`HttpsFetcher`] — what the runtime provides so the crate can read discovery
//!   documents and JWKS without an HTTP client of its own (the server implements it on
//!   Hyper, a Worker on `fetch`). [`IssuerTransport`] says whether plain HTTP is allowed
//!   (never, by default); [`JwksSettings`] how keys are cached.
//! * [`Clock`] — the time source, injectable for tests.
//! * [`StsError`] — the one error type, mapped onto STS error codes in one place.
//!
//! ## What a token must satisfy
//!
//! 1. Compact JWS signed with RS256, RS384, RS512, PS256, ES256 or ES384; `none` and the
//!    HMAC family are refused, and the key the `kid` names must be of the algorithm's type
//!    (and pinned to it, when the key has an `alg`).
//! 2. `iss` equal (exactly) to one of the role's `trusted_oidc_issuers`, checked *before*
//!    anything is fetched: an untrusted issuer's keys are never requested.
//! 3. A valid signature with the issuer's key, found through
//!    `<iss>/.well-known/openid-configuration` → `jwks_uri` over HTTPS, cached per issuer;
//!    an unknown `kid` triggers one rate-limited refetch, so key rotation at the provider
//!    causes no outage.
//! 4. `exp` present and not passed, `nbf` and `iat` not in the future, each with 60 s of
//!    leeway; `aud` (string or list) containing one of `required_audiences` when set; `sub`
//!    matching one of the `subject_conditions` globs when set.
//!
//! Sessions last `DurationSeconds` clamped to [900 s, the role's maximum] (default
//! 3600 s). `{claim}` placeholders in the role's scopes are filled from string claims; a
//! value that could widen the grant (`/`, `*`, `{`, `}`, `..`) drops the scope instead.
//!
//! ## Runtimes
//!
//! The crate has no HTTP client, no Tokio and builds for `wasm32-unknown-unknown`, where
//! randomness comes from the JavaScript host (`getrandom`'s `wasm_js` backend, enabled by
//! this crate for that target only).

mod clock;
mod error;
mod fetch;
mod ids;
mod jwt;
mod mint;
mod oidc;
mod route;
mod scope_template;
mod token;
mod verifier;

pub use clock::{Clock, SystemClock};
pub use error::StsError;
pub use fetch::{BoxError, FetchError, FetchLimits, HttpsFetcher, IssuerTransport};
pub use mint::{DEFAULT_SESSION_SECS, MIN_SESSION_SECS};
pub use oidc::JwksSettings;
pub use route::{DEFAULT_STS_PATH, StsRouteHandler};
pub use token::{MAX_SEALED_PAYLOAD_LEN, MAX_SESSION_TOKEN_LEN, TokenKey};
