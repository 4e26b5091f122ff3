//! Who is calling, and what they may do.
//!
//! * [`sigv4`] verifies AWS Signature Version 4 (headers, presigned URLs, signed chunks) and
//!   signs outbound requests.
//! * [`ResolvedIdentity`] is the verified caller.
//! * [`authorize`] is the standard authorization rule, which the gateway applies once a
//!   request's buckets are resolved.

mod authorize;
mod identity;
mod resolve;
pub mod sigv4;

pub use authorize::{
    Requirement, Resource, authorize, authorize_key, can_see_bucket, requirements,
};
pub use identity::ResolvedIdentity;
pub use resolve::{Authenticated, IdentityResolver};
