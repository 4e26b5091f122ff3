//! End-to-end tests of STS `AssumeRoleWithWebIdentity` in `multistore-server`: a real OIDC
//! issuer (HTTPS, its own CA, real RSA and EC keys) from `multistore-testkit`, gateways with
//! `multistore-sts` on loopback, and the minted credentials used at once for S3 through
//! `object_store`'s client.

mod binary;
mod clients;
mod harness;
mod identity_refused;
mod mint;
mod rotation;
mod session_tokens;
