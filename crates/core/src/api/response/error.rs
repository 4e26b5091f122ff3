//! The S3 error document.

use super::{Namespace, XmlDocument};
use crate::ProxyError;

/// Renders `error` as S3's `<Error>` document.
///
/// `resource` is the path the request addressed (`/bucket/key`) and `request_id` the id the
/// gateway also sends in `x-amz-request-id`. The message is
/// [`ProxyError::client_message`], so server errors never leak their details.
///
/// ```
/// use multistore::ProxyError;
/// use multistore::api::response::render_error;
///
/// let xml = render_error(&ProxyError::NoSuchKey("k".into()), "/b/k", "REQ1");
/// assert!(xml.contains("<Code>NoSuchKey</Code>"));
/// ```
pub fn render_error(error: &ProxyError, resource: &str, request_id: &str) -> String {
    let mut doc = XmlDocument::new("Error", Namespace::Omitted);
    doc.element("Code", error.s3_code());
    doc.element("Message", &error.client_message());
    doc.element("Resource", resource);
    doc.element("RequestId", request_id);
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_error_document() {
        let xml = render_error(
            &ProxyError::NoSuchKey("photos/a&b.jpg".into()),
            "/bucket/photos/a&b.jpg",
            "4442587FB7D0A2F9",
        );
        assert_eq!(
            xml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                "<Error><Code>NoSuchKey</Code>",
                "<Message>The specified key does not exist.</Message>",
                "<Resource>/bucket/photos/a&amp;b.jpg</Resource>",
                "<RequestId>4442587FB7D0A2F9</RequestId></Error>"
            )
        );
    }

    #[test]
    fn server_errors_render_the_fixed_message() {
        let xml = render_error(
            &ProxyError::backend("dial tcp 10.0.0.7: refused"),
            "/b",
            "R",
        );
        assert!(xml.contains("<Code>ServiceUnavailable</Code>"));
        assert!(!xml.contains("10.0.0.7"));
    }

    #[test]
    fn client_messages_are_escaped() {
        let xml = render_error(
            &ProxyError::InvalidArgument("bad <value> & \"quote\"".into()),
            "/",
            "R",
        );
        assert!(
            xml.contains("<Message>bad &lt;value&gt; &amp; &quot;quote&quot;</Message>"),
            "{xml}"
        );
    }
}
