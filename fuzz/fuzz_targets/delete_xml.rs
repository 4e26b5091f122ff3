//! DeleteObjects and PutObjectTagging request bodies.
#![no_main]

use libfuzzer_sys::fuzz_target;
use multistore::api::request_body::{parse_delete, parse_tagging};

fuzz_target!(|data: &[u8]| {
    let _ = parse_delete(data);
    let _ = parse_tagging(data);
});
