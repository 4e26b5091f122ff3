//! Request parsing: any method, path, query and headers must parse or fail cleanly.
#![no_main]

use arbitrary::Arbitrary;
use http::{HeaderName, HeaderValue, Method};
use libfuzzer_sys::fuzz_target;
use multistore::api::{RequestInfo, parse_request};

#[derive(Debug, Arbitrary)]
struct Input {
    method: u8,
    path: String,
    query: Option<String>,
    host: Option<String>,
    copy_source: Option<String>,
    virtual_host: bool,
}

const METHODS: [Method; 6] = [Method::GET, Method::HEAD, Method::PUT, Method::POST, Method::DELETE, Method::PATCH];

fuzz_target!(|input: Input| {
    let mut info = RequestInfo::new(METHODS[input.method as usize % METHODS.len()].clone(), format!("/{}", input.path));
    info.raw_query = input.query;
    for (name, value) in [("host", input.host), ("x-amz-copy-source", input.copy_source)] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            info.headers.insert(HeaderName::from_static(name), value);
        }
    }
    let domain = input.virtual_host.then_some("s3.example.com");
    let _ = parse_request(&info, domain);
});
