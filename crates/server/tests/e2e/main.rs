//! End-to-end tests of `multistore-server`: the gateway in-process on loopback, in front of
//! a real S3 server (`s3s-fs`) and a local directory, driven by `object_store`'s S3 client
//! and a small raw HTTP client.
//!
//! Every test in a `both_backends!` list runs twice: against a bucket on the S3 server
//! (under a backend prefix that clients must never see) and against a local-directory
//! bucket.

/// Runs each listed `async fn name(kind: Kind)` once per backend, as tests
/// `name::s3` and `name::local`.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn s3() {
                    super::$name($crate::harness::Kind::S3).await;
                }

                #[tokio::test]
                async fn local() {
                    super::$name($crate::harness::Kind::Local).await;
                }
            }
        )*
    };
}

mod chunked;
mod clients;
mod data;
mod harness;
mod raw;
mod xml;

mod authorization;
mod backend_down;
mod bad_input;
mod batch_delete;
mod buckets;
mod completion_retry;
mod conditional;
mod copy;
mod directory_conflicts;
mod entity_headers;
mod limits;
mod listing;
mod multipart;
mod objects;
mod odd_keys;
mod part_copy;
mod presigned;
mod streaming;
mod versions;
