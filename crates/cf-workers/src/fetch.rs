//! Subrequests with the Workers `fetch`, made so that nothing on the way changes them.

use http::header::{CONNECTION, CONTENT_LENGTH, HOST, TRANSFER_ENCODING};
use http::{HeaderMap, Method, StatusCode};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortSignal, RequestCache, RequestInit, RequestRedirect, Response, WorkerGlobalScope,
};

use crate::headers;
use crate::js_error::JsFailure;

/// One outbound request.
pub(crate) struct Subrequest<'a> {
    /// HTTP method.
    pub(crate) method: &'a Method,
    /// The URL, encoded as it must be sent.
    pub(crate) url: &'a str,
    /// Headers, signature included.
    pub(crate) headers: &'a HeaderMap,
    /// The body (a `ReadableStream` or a `Uint8Array`), if any.
    pub(crate) body: Option<JsValue>,
    /// Aborts the request when signalled.
    pub(crate) signal: Option<&'a AbortSignal>,
}

/// A response's status, headers and body (`None` for HEAD, 204, 304 …).
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<web_sys::ReadableStream>,
}

impl Subrequest<'_> {
    /// Sends the request and waits for the response headers.
    ///
    /// GET and HEAD bypass the platform cache (`cache: "no-store"`): without it,
    /// Cloudflare's cache may serve a HEAD or a ranged GET from a cached full object, or
    /// turn it into a GET of the whole object to fill the cache. Other methods are never
    /// cached, and must not carry `no-store`: the runtime then adds `Cache-Control:
    /// no-cache` to the request, which S3 would store as the object's metadata on a PUT.
    /// Redirects are not followed
    /// (`redirect: "manual"`): a backend's 3xx reaches the client as the backend sent it,
    /// as with the native server. `Host` and `Content-Length` come from the URL and the
    /// body; hop-by-hop headers are not forwarded.
    pub(crate) async fn send(self) -> Result<Answer, JsFailure> {
        let mut outgoing = self.headers.clone();
        for name in [HOST, CONTENT_LENGTH, TRANSFER_ENCODING, CONNECTION] {
            outgoing.remove(name);
        }
        let init = RequestInit::new();
        init.set_method(self.method.as_str());
        init.set_headers(&headers::to_js(&outgoing)?.into());
        init.set_redirect(RequestRedirect::Manual);
        if matches!(*self.method, Method::GET | Method::HEAD) {
            init.set_cache(RequestCache::NoStore);
        }
        if let Some(signal) = self.signal {
            init.set_signal(Some(signal));
        }
        let body = match self.body {
            Some(body) => Some(body),
            // A PUT or POST without a body still says `Content-Length: 0`, which S3
            // requires; GET and HEAD must not have one.
            None if !matches!(*self.method, Method::GET | Method::HEAD) => {
                Some(js_sys::Uint8Array::new_with_length(0).into())
            }
            None => None,
        };
        if let Some(body) = &body {
            init.set_body(body);
        }
        let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
        let response = JsFuture::from(scope.fetch_with_str_and_init(self.url, &init))
            .await
            .map_err(|error| JsFailure::new("fetch", &error))?;
        let response: Response = response
            .dyn_into()
            .map_err(|value| JsFailure::new("fetch answered with no Response", &value))?;
        let status = StatusCode::from_u16(response.status())
            .map_err(|_| JsFailure::new("fetch", &JsValue::from_str("invalid status code")))?;
        Ok(Answer {
            status,
            headers: headers::from_js(&response.headers()),
            body: response.body(),
        })
    }
}
