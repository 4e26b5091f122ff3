//! Just enough XML reading for S3 response documents: element texts by name.

/// The inner text of every `<tag>` element, in document order (nested elements of other
/// names included as text).
pub(crate) fn sections<'a>(document: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = document;
    while let Some(start) = rest.find(&open) {
        let after_name = &rest[start + open.len()..];
        // `<Key>`, `<Key attr="">` or `<Key/>`, but not `<KeyCount>`.
        let Some(end_of_open) = after_name.find('>') else {
            break;
        };
        let open_tail = &after_name[..end_of_open];
        if !(open_tail.is_empty() || open_tail.starts_with(' ') || open_tail == "/") {
            rest = after_name;
            continue;
        }
        let inner_start = &after_name[end_of_open + 1..];
        if open_tail.ends_with('/') {
            out.push("");
            rest = inner_start;
            continue;
        }
        let Some(inner_end) = inner_start.find(&close) else {
            break;
        };
        out.push(&inner_start[..inner_end]);
        rest = &inner_start[inner_end + close.len()..];
    }
    out
}

/// The unescaped text of every `<tag>` element.
pub(crate) fn values(document: &str, tag: &str) -> Vec<String> {
    sections(document, tag).into_iter().map(unescape).collect()
}

/// The unescaped text of the first `<tag>` element.
pub(crate) fn value(document: &str, tag: &str) -> Option<String> {
    sections(document, tag).first().map(|text| unescape(text))
}

/// The keys of a listing (`<Contents><Key>`), unescaped.
pub(crate) fn listed_keys(document: &str) -> Vec<String> {
    sections(document, "Contents")
        .into_iter()
        .filter_map(|contents| value(contents, "Key"))
        .collect()
}

/// The common prefixes of a listing, unescaped.
pub(crate) fn common_prefixes(document: &str) -> Vec<String> {
    sections(document, "CommonPrefixes")
        .into_iter()
        .filter_map(|prefixes| value(prefixes, "Prefix"))
        .collect()
}

/// Replaces the five predefined entities and character references.
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').expect("terminated entity");
        let entity = &tail[1..end];
        let decoded = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16)
                } else {
                    entity.trim_start_matches('#').parse()
                };
                char::from_u32(code.expect("character reference")).expect("character")
            }
        };
        out.push(decoded);
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Decodes a field of an `encoding-type=url` listing as botocore's `unquote_plus` does:
/// `%XX` is a byte and `+` a space (S3 writes a plus as `%2B`).
pub(crate) fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'+' {
            out.push(b' ');
            i += 1;
        } else if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII escape");
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 key")
}

/// Escapes text for an XML element.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
