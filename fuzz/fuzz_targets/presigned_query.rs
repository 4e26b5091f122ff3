//! Presigned-URL query parsing and its checks against the clock.
#![no_main]

use chrono::{TimeZone, Utc};
use http::Method;
use libfuzzer_sys::fuzz_target;
use multistore::api::RequestInfo;
use multistore::auth::sigv4::parse_claims;

fuzz_target!(|query: String| {
    let mut info = RequestInfo::new(Method::GET, "/bucket/key");
    info.raw_query = Some(query);
    if let Ok(Some(claims)) = parse_claims(&info) {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let _ = claims.check(&info, now, Some("us-east-1"));
    }
});
