//! Headers between the core's `HeaderMap` and JavaScript's `Headers`.
//!
//! The Workers runtime decodes header bytes as UTF-8 into JavaScript strings and encodes
//! strings back as UTF-8, so a value's UTF-8 text (user metadata such as `café`) travels
//! byte for byte. Bytes that are not UTF-8 cannot be represented on this runtime: the
//! runtime has replaced them before the Worker sees them, and values the core builds are
//! UTF-8 already.
//!
//! Headers with empty values travel too, except `Content-Type`: the runtime drops an empty
//! one, from incoming requests and from subrequests alike (see
//! [`request_parts`](crate::request_parts) and [`without_unsendable`]).

use http::HeaderMap;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Headers;

use crate::js_error::JsFailure;

/// A JavaScript `Headers` holding `headers`; repeated names are appended.
pub(crate) fn to_js(headers: &HeaderMap) -> Result<Headers, JsFailure> {
    let js = Headers::new().map_err(|error| JsFailure::new("creating Headers", &error))?;
    for (name, value) in headers {
        js.append(name.as_str(), &String::from_utf8_lossy(value.as_bytes()))
            .map_err(|error| JsFailure::new("setting a header", &error))?;
    }
    Ok(js)
}

/// Removes what `fetch` would not send, so that a signature never covers it: an empty
/// `Content-Type`.
pub(crate) fn without_unsendable(headers: &mut HeaderMap) {
    if headers
        .get(CONTENT_TYPE)
        .is_some_and(|value| value.is_empty())
    {
        headers.remove(CONTENT_TYPE);
    }
}

/// The headers of a JavaScript `Headers` (lower-case names; the runtime has already
/// combined repeated ones). Entries that are not valid HTTP are dropped.
pub(crate) fn from_js(headers: &Headers) -> HeaderMap {
    let mut map = HeaderMap::new();
    for entry in headers.entries() {
        if let Some((name, value)) = entry.ok().and_then(name_and_value) {
            map.append(name, value);
        }
    }
    map
}

fn name_and_value(entry: JsValue) -> Option<(HeaderName, HeaderValue)> {
    let pair = entry.dyn_into::<js_sys::Array>().ok()?;
    let name = HeaderName::from_bytes(pair.get(0).as_string()?.as_bytes()).ok()?;
    let value = HeaderValue::from_bytes(pair.get(1).as_string()?.as_bytes()).ok()?;
    Some((name, value))
}
