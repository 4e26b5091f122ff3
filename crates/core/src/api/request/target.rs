//! Which bucket and key a request addresses: path-style or virtual-hosted style.

use percent_encoding::percent_decode_str;

use crate::ProxyError;

/// The bucket and key named by a request's host and path, percent-decoded exactly once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    /// The bucket, absent for `GET /` on the service.
    pub(crate) bucket: Option<String>,
    /// The key, absent for bucket-level requests.
    pub(crate) key: Option<String>,
}

/// Splits a request into bucket and key.
///
/// With a virtual-host domain configured, `Host: photos.s3.example.com` addresses bucket
/// `photos` when the domain is `s3.example.com`; any other host is path-style.
pub(crate) fn resolve_target(
    raw_path: &str,
    host: Option<&str>,
    virtual_host_domain: Option<&str>,
) -> Result<Target, ProxyError> {
    let path = percent_decode_str(raw_path)
        .decode_utf8()
        .map_err(|_| ProxyError::InvalidUri)?;
    let path = path.strip_prefix('/').ok_or(ProxyError::InvalidUri)?;

    if let Some(bucket) = host.and_then(|h| virtual_host_bucket(h, virtual_host_domain?)) {
        return Ok(Target {
            bucket: Some(valid_bucket_name(bucket)?.to_owned()),
            key: non_empty(path),
        });
    }

    let (bucket, key) = match path.split_once('/') {
        Some((bucket, key)) => (bucket, non_empty(key)),
        None => (path, None),
    };
    if bucket.is_empty() {
        return Ok(Target {
            bucket: None,
            key: None,
        });
    }
    Ok(Target {
        bucket: Some(valid_bucket_name(bucket)?.to_owned()),
        key,
    })
}

/// The bucket label of `host` under `domain`, ignoring any port and letter case.
fn virtual_host_bucket<'h>(host: &'h str, domain: &str) -> Option<&'h str> {
    let host = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    let split = host.len().checked_sub(domain.len() + 1)?;
    let (bucket, rest) = host.split_at(split);
    (rest.as_bytes()[0] == b'.' && rest[1..].eq_ignore_ascii_case(domain) && !bucket.is_empty())
        .then_some(bucket)
}

fn non_empty(key: &str) -> Option<String> {
    (!key.is_empty()).then(|| key.to_owned())
}

/// Bucket names are 1 to 255 characters of letters, digits, `.`, `-` and `_`: the
/// superset of S3's current and legacy rules, so any configured name can be addressed.
fn valid_bucket_name(name: &str) -> Result<&str, ProxyError> {
    let valid = !name.is_empty()
        && name.len() <= 255
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    valid.then_some(name).ok_or(ProxyError::InvalidBucketName)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(bucket: Option<&str>, key: Option<&str>) -> Target {
        Target {
            bucket: bucket.map(str::to_owned),
            key: key.map(str::to_owned),
        }
    }

    #[test]
    fn path_style() {
        assert_eq!(resolve_target("/", None, None).unwrap(), target(None, None));
        assert_eq!(
            resolve_target("/b", None, None).unwrap(),
            target(Some("b"), None)
        );
        assert_eq!(
            resolve_target("/b/", None, None).unwrap(),
            target(Some("b"), None)
        );
        assert_eq!(
            resolve_target("/b/dir/", None, None).unwrap(),
            target(Some("b"), Some("dir/"))
        );
        assert_eq!(
            resolve_target("/b//x", None, None).unwrap(),
            target(Some("b"), Some("/x"))
        );
    }

    #[test]
    fn decodes_exactly_once() {
        assert_eq!(
            resolve_target("/b/a%20b%2Bc%2525", None, None).unwrap(),
            target(Some("b"), Some("a b+c%25"))
        );
        assert_eq!(
            resolve_target("/b/%E6%97%A5", None, None).unwrap(),
            target(Some("b"), Some("日"))
        );
        assert!(resolve_target("/b/%FF", None, None).is_err());
        assert!(resolve_target("relative", None, None).is_err());
    }

    #[test]
    fn virtual_hosted_style() {
        let domain = Some("s3.example.com");
        assert_eq!(
            resolve_target("/k/x", Some("photos.s3.example.com"), domain).unwrap(),
            target(Some("photos"), Some("k/x"))
        );
        assert_eq!(
            resolve_target("/", Some("my.dotted.bucket.S3.Example.com:8080"), domain).unwrap(),
            target(Some("my.dotted.bucket"), None)
        );
        // The bare domain and foreign hosts are path-style.
        assert_eq!(
            resolve_target("/b/k", Some("s3.example.com"), domain).unwrap(),
            target(Some("b"), Some("k"))
        );
        assert_eq!(
            resolve_target("/b/k", Some("127.0.0.1:8080"), domain).unwrap(),
            target(Some("b"), Some("k"))
        );
        assert_eq!(
            resolve_target("/b/k", Some("evils3.example.com"), domain).unwrap(),
            target(Some("b"), Some("k"))
        );
    }

    #[test]
    fn bucket_names_are_checked() {
        assert!(resolve_target("/bad%20name/k", None, None).is_err());
        assert!(resolve_target("/ok-name_1.x/k", None, None).is_ok());
    }
}
