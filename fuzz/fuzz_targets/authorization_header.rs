//! `Authorization` header parsing, alone and as part of claim parsing.
#![no_main]

use http::{HeaderValue, Method};
use libfuzzer_sys::fuzz_target;
use multistore::api::RequestInfo;
use multistore::auth::sigv4::{AuthorizationHeader, parse_claims};

fuzz_target!(|data: &str| {
    let _ = AuthorizationHeader::parse(data);
    if let Ok(value) = HeaderValue::from_str(data) {
        let mut info = RequestInfo::new(Method::GET, "/bucket/key");
        info.headers.insert("authorization", value);
        info.headers.insert("x-amz-date", HeaderValue::from_static("20260101T000000Z"));
        info.headers.insert("x-amz-content-sha256", HeaderValue::from_static("UNSIGNED-PAYLOAD"));
        let _ = parse_claims(&info);
    }
});
