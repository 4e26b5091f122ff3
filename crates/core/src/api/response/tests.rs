//! `encoding-type=url` across every listing document and every field S3 encodes.

use chrono::{TimeZone, Utc};
use percent_encoding::percent_decode_str;
use quick_xml::Reader;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::Event;

use super::*;
use crate::api::response::DEFAULT_BUCKET_OWNER;
use crate::api::{ListObjectsParams, ListUploadsParams, ListVersion, ListVersionsParams};

/// Keys with every character class that matters: space, `+`, `%`, `/`, `&`, `<`, Unicode.
const KEY: &str = "dir/a b+c%25&<é😀.txt";
const ENCODED_KEY: &str = "dir/a%20b%2Bc%2525%26%3C%C3%A9%F0%9F%98%80.txt";
const PREFIX: &str = "dir/a b+";
const MARKER: &str = "dir/a b+c%&<0";
const NEXT_MARKER: &str = "dir/é ñ+z";
const COMMON_PREFIX: &str = "dir/a b+c|";
/// A delimiter other than `/`, with a space and a `+` in it.
const DELIMITER: &str = "| +";
const TOKEN: &str = "opaque token+/=";

/// What botocore does to the fields S3 encodes: `unquote_plus` (`botocore/compat.py`
/// `unquote_str`), applied only to the fields `botocore/handlers.py` lists per operation.
fn unquote_plus(value: &str) -> String {
    let spaced = value.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

/// The decoded texts of every element called `name`, in document order.
fn texts(xml: &str, name: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) if e.local_name().as_ref() == name => current = Some(String::new()),
            Event::End(e) if e.local_name().as_ref() == name => found.extend(current.take()),
            Event::Text(text) => {
                if let Some(value) = &mut current {
                    value.push_str(&text.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(value) = &mut current {
                    let entity = resolve_xml_entity(&reference);
                    let char_ref = reference.resolve_char_ref().unwrap().map(String::from);
                    value.push_str(&entity.map(str::to_owned).or(char_ref).unwrap());
                }
            }
            Event::Eof => return found,
            _ => {}
        }
    }
}

/// Checks that element `name` holds exactly `values`, URL-encoded, and that they decode back.
fn assert_encoded(xml: &str, name: &str, values: &[&str]) {
    let found = texts(xml, name);
    let expected: Vec<String> = values.iter().map(|v| url_encode(v)).collect();
    assert_eq!(found, expected, "<{name}> in {xml}");
    let decoded: Vec<String> = found.iter().map(|v| unquote_plus(v)).collect();
    assert_eq!(decoded, values, "<{name}> round trip");
}

/// Checks that element `name` holds exactly `values`, not URL-encoded.
fn assert_plain(xml: &str, name: &str, values: &[&str]) {
    assert_eq!(texts(xml, name), values, "<{name}> in {xml}");
}

fn object(key: &str) -> ObjectEntry {
    ObjectEntry {
        key: key.into(),
        last_modified: Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap(),
        etag: Some("\"e\"".into()),
        size: 1,
        storage_class: None,
    }
}

fn list_params(encoding: KeyEncoding, version: ListVersion) -> ListObjectsParams {
    ListObjectsParams {
        prefix: PREFIX.into(),
        delimiter: Some(DELIMITER.into()),
        max_keys: 1000,
        encoding,
        version,
    }
}

fn list_page(next: &str) -> ListPage {
    ListPage {
        objects: vec![object(KEY)],
        common_prefixes: vec![COMMON_PREFIX.into()],
        is_truncated: true,
        next_marker_or_token: Some(next.into()),
    }
}

#[test]
fn the_encoding_is_percent_encoding_that_leaves_slashes() {
    assert_eq!(url_encode(KEY), ENCODED_KEY);
    assert_eq!(url_encode(DELIMITER), "%7C%20%2B");
    assert_eq!(url_encode("/"), "/");
}

/// botocore's `decode_list_object` decodes `Delimiter`, `Marker`, `NextMarker`, `Key` and
/// `CommonPrefixes/Prefix`, but not the request `Prefix`, which S3 sends as it was given.
#[test]
fn list_objects_v1_encodes_delimiter_markers_and_keys_but_not_the_prefix() {
    let params = list_params(
        KeyEncoding::Url,
        ListVersion::V1 {
            marker: Some(MARKER.into()),
        },
    );
    let xml = render_list_objects("b", &params, &list_page(NEXT_MARKER), &DEFAULT_BUCKET_OWNER);
    assert_encoded(&xml, "Delimiter", &[DELIMITER]);
    assert_encoded(&xml, "Marker", &[MARKER]);
    assert_encoded(&xml, "NextMarker", &[NEXT_MARKER]);
    assert_encoded(&xml, "Key", &[KEY]);
    // The request prefix as sent, then the common prefix encoded.
    let prefixes = texts(&xml, "Prefix");
    assert_eq!(prefixes, [PREFIX.to_owned(), url_encode(COMMON_PREFIX)]);
    assert_eq!(unquote_plus(&prefixes[1]), COMMON_PREFIX);
    assert_plain(&xml, "EncodingType", &["url"]);
    assert!(xml.contains(&format!("<Key>{ENCODED_KEY}</Key>")));
}

/// botocore's `decode_list_object_v2`: `Delimiter`, `Prefix`, `StartAfter`, `Key`,
/// `CommonPrefixes/Prefix`.
#[test]
fn list_objects_v2_encodes_delimiter_prefix_start_after_and_keys_but_not_tokens() {
    let params = list_params(
        KeyEncoding::Url,
        ListVersion::V2 {
            continuation_token: Some(TOKEN.into()),
            start_after: Some(MARKER.into()),
            fetch_owner: false,
        },
    );
    let xml = render_list_objects("b", &params, &list_page(TOKEN), &DEFAULT_BUCKET_OWNER);
    assert_encoded(&xml, "Delimiter", &[DELIMITER]);
    assert_encoded(&xml, "StartAfter", &[MARKER]);
    assert_encoded(&xml, "Key", &[KEY]);
    assert_encoded(&xml, "Prefix", &[PREFIX, COMMON_PREFIX]);
    assert_plain(&xml, "ContinuationToken", &[TOKEN]);
    assert_plain(&xml, "NextContinuationToken", &[TOKEN]);
    assert_plain(&xml, "EncodingType", &["url"]);
    assert_plain(&xml, "KeyCount", &["2"]);
}

#[test]
fn list_multipart_uploads_encodes_delimiter_markers_prefix_and_keys() {
    let params = ListUploadsParams {
        prefix: PREFIX.into(),
        delimiter: Some(DELIMITER.into()),
        max_uploads: 1000,
        encoding: KeyEncoding::Url,
        key_marker: Some(MARKER.into()),
        upload_id_marker: Some(TOKEN.into()),
    };
    let page = UploadsPage {
        uploads: vec![UploadEntry {
            key: KEY.into(),
            upload_id: TOKEN.into(),
            initiated: Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap(),
            storage_class: None,
        }],
        common_prefixes: vec![COMMON_PREFIX.into()],
        is_truncated: true,
        next_key_marker: Some(NEXT_MARKER.into()),
        next_upload_id_marker: Some(TOKEN.into()),
    };
    let xml = render_list_multipart_uploads("b", &params, &page, &DEFAULT_BUCKET_OWNER);
    assert_encoded(&xml, "Delimiter", &[DELIMITER]);
    assert_encoded(&xml, "KeyMarker", &[MARKER]);
    assert_encoded(&xml, "NextKeyMarker", &[NEXT_MARKER]);
    assert_encoded(&xml, "Key", &[KEY]);
    assert_encoded(&xml, "Prefix", &[PREFIX, COMMON_PREFIX]);
    assert_plain(&xml, "UploadIdMarker", &[TOKEN]);
    assert_plain(&xml, "NextUploadIdMarker", &[TOKEN]);
    assert_plain(&xml, "UploadId", &[TOKEN]);
    assert_plain(&xml, "EncodingType", &["url"]);
}

/// botocore's `decode_list_object_versions`: `KeyMarker`, `NextKeyMarker`, `Prefix`,
/// `Delimiter`, `Version/Key`, `DeleteMarker/Key`, `CommonPrefixes/Prefix`.
#[test]
fn list_versions_encodes_delimiter_markers_prefix_and_keys() {
    let params = ListVersionsParams {
        prefix: PREFIX.into(),
        delimiter: Some(DELIMITER.into()),
        max_keys: 1000,
        encoding: KeyEncoding::Url,
        key_marker: Some(MARKER.into()),
        version_id_marker: Some(TOKEN.into()),
    };
    let page = VersionsPage {
        entries: vec![VersionEntry {
            key: KEY.into(),
            version_id: TOKEN.into(),
            is_latest: true,
            last_modified: Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap(),
            kind: VersionKind::DeleteMarker,
        }],
        common_prefixes: vec![COMMON_PREFIX.into()],
        is_truncated: true,
        next_key_marker: Some(NEXT_MARKER.into()),
        next_version_id_marker: Some(TOKEN.into()),
    };
    let xml = render_list_versions("b", &params, &page, &DEFAULT_BUCKET_OWNER);
    assert_encoded(&xml, "Delimiter", &[DELIMITER]);
    assert_encoded(&xml, "KeyMarker", &[MARKER]);
    assert_encoded(&xml, "NextKeyMarker", &[NEXT_MARKER]);
    assert_encoded(&xml, "Key", &[KEY]);
    assert_encoded(&xml, "Prefix", &[PREFIX, COMMON_PREFIX]);
    assert_plain(&xml, "VersionIdMarker", &[TOKEN]);
    assert_plain(&xml, "NextVersionIdMarker", &[TOKEN]);
    assert_plain(&xml, "VersionId", &[TOKEN]);
    assert_plain(&xml, "EncodingType", &["url"]);
}

#[test]
fn without_encoding_type_fields_are_escaped_xml_text() {
    let params = list_params(
        KeyEncoding::Plain,
        ListVersion::V1 {
            marker: Some(MARKER.into()),
        },
    );
    let xml = render_list_objects("b", &params, &list_page(NEXT_MARKER), &DEFAULT_BUCKET_OWNER);
    assert!(
        xml.contains("<Key>dir/a b+c%25&amp;&lt;é😀.txt</Key>"),
        "{xml}"
    );
    assert_plain(&xml, "Key", &[KEY]);
    assert_plain(&xml, "Delimiter", &[DELIMITER]);
    assert_plain(&xml, "Marker", &[MARKER]);
    assert_plain(&xml, "NextMarker", &[NEXT_MARKER]);
    assert_plain(&xml, "Prefix", &[PREFIX, COMMON_PREFIX]);
    assert!(texts(&xml, "EncodingType").is_empty());
}

#[test]
fn every_kind_of_key_round_trips_through_a_listing() {
    let keys = [
        "a b",
        "a+b",
        "100%",
        "%2F",
        "x/y",
        "a&b",
        "<tag>",
        "\"q\" 'a'",
        "日本語",
        "😀",
        "~!@#$^*()=[]{};:,?",
        "tab\there",
        "cr\rlf\n",
        " lead",
        "trail ",
        "a//b",
        "dir/",
    ];
    let page = ListPage {
        objects: keys.iter().map(|key| object(key)).collect(),
        ..ListPage::default()
    };
    for encoding in [KeyEncoding::Plain, KeyEncoding::Url] {
        let params = list_params(encoding, ListVersion::V1 { marker: None });
        let xml = render_list_objects("b", &params, &page, &DEFAULT_BUCKET_OWNER);
        let found = texts(&xml, "Key");
        let decoded: Vec<String> = match encoding {
            KeyEncoding::Plain => found,
            KeyEncoding::Url => {
                // A client that percent-decodes without reading `+` as a space gets the
                // keys back too.
                let percent_decoded: Vec<String> = (found.iter())
                    .map(|v| percent_decode_str(v).decode_utf8().unwrap().into_owned())
                    .collect();
                assert_eq!(percent_decoded, keys);
                found.iter().map(|v| unquote_plus(v)).collect()
            }
        };
        assert_eq!(decoded, keys, "{encoding:?}");
    }
}
