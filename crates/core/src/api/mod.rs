//! The S3 wire protocol: requests in, XML out.

mod copy_range;
mod key;
pub mod list_rewrite;
mod operation;
pub mod request;
pub mod request_body;
pub mod response;
pub(crate) mod rfc2047;
pub(crate) mod xml_reader;

pub use copy_range::CopySourceRange;
pub use key::{MAX_KEY_LEN, validate_key};
pub use list_rewrite::{KeySpace, ListRewrite};
pub use operation::{
    CopySource, KeyEncoding, ListObjectsParams, ListPartsParams, ListUploadsParams, ListVersion,
    ListVersionsParams, ReadParams, S3Operation,
};
pub use request::{RequestInfo, parse_request};
