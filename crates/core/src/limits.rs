//! The size limits of the bodies the gateway reads whole.

/// The largest XML body the gateway reads: room for 10,000 parts with every checksum
/// (about 4 MB) and for 1,000 keys of 1,024 bytes even if every byte is written as an
/// entity (about 6 MB).
pub const MAX_XML_BODY_SIZE: usize = 8 * 1024 * 1024;

/// The largest backend response body [`crate::backend::ProxyBackend::send_raw`] must accept
/// (a listing page of 1,000 long keys with owners fits comfortably).
pub const MAX_RAW_RESPONSE_SIZE: usize = 16 * 1024 * 1024;
