//! # multistore-testkit
//!
//! Real services that multistore's tests start on loopback and stop again. Nothing here
//! is a mock: [`S3Server`] is the `s3s-fs` S3 server, which verifies SigV4 signatures.

mod s3_server;

pub use s3_server::S3Server;
