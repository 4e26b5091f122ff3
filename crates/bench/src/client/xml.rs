//! Reading one element out of a small S3 or STS XML answer.

/// The text of the first `<name>` element of `document`, with XML's five entities
/// decoded; `None` when there is no such element.
pub(crate) fn element_text(document: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = document.find(&open)? + open.len();
    let end = document[start..].find(&format!("</{name}>"))?;
    Some(unescape(&document[start..start + end]))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
