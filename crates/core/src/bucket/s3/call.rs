//! One request to an S3 backend, before signing.

use http::{HeaderMap, Method};

use crate::auth::sigv4::encode_query_component;

/// A request to an S3 backend: method, backend key, query and headers.
pub(crate) struct S3Call<'a> {
    pub(super) method: Method,
    /// The backend key, or `None` for a request on the bucket itself.
    pub(super) key: Option<&'a str>,
    /// The query, encoded as it will be sent.
    pub(super) query: String,
    pub(super) headers: HeaderMap,
}

impl<'a> S3Call<'a> {
    /// A request on `key`, or on the bucket itself when `None`.
    pub(crate) fn new(method: Method, key: Option<&'a str>) -> Self {
        Self {
            method,
            key,
            query: String::new(),
            headers: HeaderMap::new(),
        }
    }

    /// Adds the query parameter `name=value`, encoded.
    pub(crate) fn query(mut self, name: &str, value: &str) -> Self {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.push_str(&encode_query_component(name));
        self.query.push('=');
        self.query.push_str(&encode_query_component(value));
        self
    }

    /// Adds `name=value` when there is a value.
    pub(crate) fn optional_query(self, name: &str, value: Option<&str>) -> Self {
        match value {
            Some(value) => self.query(name, value),
            None => self,
        }
    }

    /// Sends `headers` with the request.
    pub(crate) fn headers(mut self, headers: HeaderMap) -> Self {
        self.headers = headers;
        self
    }
}
