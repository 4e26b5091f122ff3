//! Where an S3 bucket's backend lives, and how its URLs are formed.

use url::Url;

use crate::ProxyError;
use crate::auth::sigv4::encode_path;
use crate::config::{BackendType, BucketConfig, DEFAULT_REGION};

/// How the backend bucket is named in URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Addressing {
    /// `https://endpoint/bucket/key`.
    Path,
    /// `https://bucket.endpoint/key`.
    VirtualHosted,
}

/// The S3 endpoint and bucket behind a virtual bucket, from its `backend_options`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Endpoint {
    /// Endpoint URL without a trailing slash, e.g. `http://127.0.0.1:9000`.
    endpoint: Url,
    bucket_name: String,
    region: String,
    addressing: Addressing,
}

impl S3Endpoint {
    /// Reads the endpoint of an `s3` bucket: options `endpoint` (default: AWS in
    /// `region`), `bucket_name`, `region` (default `us-east-1`) and
    /// `virtual_hosted_style_request` (default: on for AWS, off for other endpoints).
    pub fn from_bucket(bucket: &BucketConfig) -> Result<Self, ProxyError> {
        if bucket.backend_type != BackendType::S3 {
            return Err(ProxyError::Internal(format!(
                "bucket `{}` is not an s3 bucket",
                bucket.name
            )));
        }
        let options = &bucket.backend_options;
        let misconfigured =
            |what: String| ProxyError::Internal(format!("bucket `{}`: {what}", bucket.name));
        let region = options.get("region").unwrap_or(DEFAULT_REGION).to_owned();
        let bucket_name = options
            .get("bucket_name")
            .ok_or_else(|| misconfigured("option `bucket_name` is required".into()))?
            .to_owned();
        let (endpoint, aws) = match options.get("endpoint") {
            Some(endpoint) => (endpoint.to_owned(), false),
            None => (format!("https://s3.{region}.amazonaws.com"), true),
        };
        let endpoint = Url::parse(endpoint.trim_end_matches('/'))
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
            .ok_or_else(|| misconfigured("option `endpoint` must be an http(s) URL".into()))?;
        let addressing = match options
            .flag("virtual_hosted_style_request")
            .map_err(misconfigured)?
        {
            true => Addressing::VirtualHosted,
            false if aws && options.get("virtual_hosted_style_request").is_none() => {
                Addressing::VirtualHosted
            }
            false => Addressing::Path,
        };
        Ok(Self {
            endpoint,
            bucket_name,
            region,
            addressing,
        })
    }

    /// The region requests are signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The `Host` header value requests to this endpoint carry.
    pub fn host(&self) -> String {
        match self.addressing {
            Addressing::Path => authority(&self.endpoint),
            Addressing::VirtualHosted => {
                format!("{}.{}", self.bucket_name, authority(&self.endpoint))
            }
        }
    }

    /// The backend bucket name.
    pub fn bucket_name(&self) -> &str {
        &self.bucket_name
    }

    /// Whether `other` is the same endpoint and bucket (copies need both ends on one).
    pub fn same_bucket_endpoint(&self, other: &Self) -> bool {
        self.endpoint == other.endpoint
    }

    /// The URL of an object (`Some(key)`) or of the bucket itself (`None`), with `query`
    /// (already encoded, without `?`) appended when not empty.
    pub fn url(&self, backend_key: Option<&str>, query: &str) -> String {
        let scheme = self.endpoint.scheme();
        let authority = authority(&self.endpoint);
        let base_path = self.endpoint.path().trim_end_matches('/');
        let mut url = match self.addressing {
            Addressing::Path => format!("{scheme}://{authority}{base_path}/{}", self.bucket_name),
            Addressing::VirtualHosted => {
                format!("{scheme}://{}.{authority}{base_path}", self.bucket_name)
            }
        };
        match backend_key {
            Some(key) => {
                url.push('/');
                url.push_str(&encode_path(key));
            }
            None if self.addressing == Addressing::VirtualHosted => url.push('/'),
            None => {}
        }
        if !query.is_empty() {
            url.push('?');
            url.push_str(query);
        }
        url
    }
}

/// `host[:port]` of a URL, as the `Host` header carries it.
fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::BackendOptions;

    fn bucket(options: &[(&str, &str)]) -> BucketConfig {
        BucketConfig {
            name: "v".into(),
            backend_type: BackendType::S3,
            backend_prefix: None,
            anonymous_access: false,
            allowed_roles: vec![],
            backend_options: options.iter().copied().collect::<BackendOptions>(),
        }
    }

    #[test]
    fn path_style_for_custom_endpoints() {
        let endpoint = S3Endpoint::from_bucket(&bucket(&[
            ("endpoint", "http://127.0.0.1:9000/"),
            ("bucket_name", "data"),
        ]))
        .unwrap();
        assert_eq!(
            endpoint.url(Some("a b/c+d"), "partNumber=1"),
            "http://127.0.0.1:9000/data/a%20b/c%2Bd?partNumber=1"
        );
        assert_eq!(
            endpoint.url(None, "list-type=2"),
            "http://127.0.0.1:9000/data?list-type=2"
        );
        assert_eq!(endpoint.region(), "us-east-1");
    }

    #[test]
    fn virtual_hosted_for_aws() {
        let endpoint =
            S3Endpoint::from_bucket(&bucket(&[("bucket_name", "data"), ("region", "eu-west-1")]))
                .unwrap();
        assert_eq!(
            endpoint.url(Some("k"), ""),
            "https://data.s3.eu-west-1.amazonaws.com/k"
        );
        assert_eq!(
            endpoint.url(None, ""),
            "https://data.s3.eu-west-1.amazonaws.com/"
        );
    }

    #[test]
    fn bad_options() {
        assert!(S3Endpoint::from_bucket(&bucket(&[("endpoint", "http://x")])).is_err());
        assert!(
            S3Endpoint::from_bucket(&bucket(&[("endpoint", "ftp://x"), ("bucket_name", "b")]))
                .is_err()
        );
    }
}
