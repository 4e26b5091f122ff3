//! CompleteMultipartUpload request bodies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use multistore::api::request_body::parse_complete_multipart_upload;

fuzz_target!(|data: &[u8]| {
    let _ = parse_complete_multipart_upload(data);
});
