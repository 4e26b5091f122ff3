//! Keys with characters that URLs, XML and file systems treat specially: every one is
//! put, listed, read and deleted byte-faithfully.

use http::{Method, StatusCode};
use multistore::auth::sigv4::encode_query_component;

use crate::harness::{Harness, Kind, WRITER};
use crate::xml;

both_backends!(
    odd_characters_round_trip,
    plus_in_path_is_a_plus,
    encoded_listings_encode_what_s3_encodes
);

/// Keys under `odd/`, each with a character that URLs, XML or SigV4 treat specially.
const ODD_CHARACTERS: &[&str] = &[
    "odd/with space",
    "odd/plus+sign",
    "odd/100%",
    "odd/percent%20literal",
    "odd/equals=sign",
    "odd/hash#tag",
    "odd/question?mark",
    "odd/amp&lt;",
    "odd/unicodé ☃ 日本語",
    "odd/tilde~star*",
    "odd/semi;colon,comma",
];

/// Keys that are not file paths: an empty segment and a directory marker.
const NOT_PATHS: &[&str] = &["odd/a//b", "odd/dir/", "odd/dir/inside"];

async fn odd_characters_round_trip(kind: Kind) {
    round_trip(&Harness::start(kind).await, ODD_CHARACTERS).await;
}

mod keys_that_are_not_paths {
    use crate::harness::{Harness, Kind};

    #[tokio::test]
    #[ignore = "s3s-fs stores keys as file paths: `a//b` becomes `a/b`, and `dir/` a \
                directory it never lists"]
    async fn s3() {
        super::round_trip(&Harness::start(Kind::S3).await, super::NOT_PATHS).await;
    }

    #[tokio::test]
    async fn local() {
        super::round_trip(&Harness::start(Kind::Local).await, super::NOT_PATHS).await;
    }
}

/// Puts `keys` (all under `odd/`), lists them three ways, reads and deletes each.
async fn round_trip(h: &Harness, keys: &[&str]) {
    // Directory markers are empty, as clients create them.
    let body_of = |key: &str| if key.ends_with('/') { "" } else { key }.to_owned();
    for key in keys {
        h.object(Method::PUT, h.bucket(), key)
            .body(body_of(key))
            .signed(WRITER)
            .send()
            .await
            .ok();
    }
    let mut expected: Vec<String> = keys.iter().map(|k| (*k).to_owned()).collect();
    expected.sort();

    let plain = list(h, "list-type=2&prefix=odd%2F").await;
    assert_eq!(xml::listed_keys(&plain), expected, "{plain}");

    let encoded = list(h, "list-type=2&prefix=odd%2F&encoding-type=url").await;
    assert_eq!(xml::value(&encoded, "EncodingType").as_deref(), Some("url"));
    let decoded: Vec<String> = xml::listed_keys(&encoded)
        .iter()
        .map(|k| xml::form_decode(k))
        .collect();
    assert_eq!(decoded, expected, "{encoded}");

    // V1 with a delimiter and URL encoding: what has another `/` rolls up.
    let (mut files, mut folders): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for key in &expected {
        let rest = &key["odd/".len()..];
        match rest.find('/') {
            Some(slash) => folders.push(format!("odd/{}", &rest[..=slash])),
            None => files.push(key.clone()),
        }
    }
    folders.dedup();
    let rolled = list(h, "prefix=odd%2F&delimiter=%2F&encoding-type=url").await;
    let decode_all = |values: Vec<String>| -> Vec<String> {
        values.iter().map(|v| xml::form_decode(v)).collect()
    };
    assert_eq!(decode_all(xml::listed_keys(&rolled)), files, "{rolled}");
    assert_eq!(
        decode_all(xml::common_prefixes(&rolled)),
        folders,
        "{rolled}"
    );

    for key in keys {
        let got = h
            .object(Method::GET, h.bucket(), key)
            .signed(WRITER)
            .send()
            .await
            .ok();
        assert_eq!(got.text(), body_of(key), "GET {key}");
        // A listing from exactly this key finds it first.
        let one = list(
            h,
            &format!("list-type=2&prefix={}", encode_query_component(key)),
        )
        .await;
        assert_eq!(
            xml::listed_keys(&one).first().map(String::as_str),
            Some(*key)
        );
    }

    for key in keys {
        let deleted = h
            .object(Method::DELETE, h.bucket(), key)
            .signed(WRITER)
            .send()
            .await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT, "DELETE {key}");
        h.object(Method::HEAD, h.bucket(), key)
            .signed(WRITER)
            .send()
            .await
            .assert_status(StatusCode::NOT_FOUND);
    }
    let empty = list(h, "list-type=2&prefix=odd%2F").await;
    assert!(xml::listed_keys(&empty).is_empty(), "{empty}");
}

/// A signed listing of the data bucket with this raw query.
async fn list(h: &Harness, query: &str) -> String {
    h.on_bucket(Method::GET, h.bucket())
        .query(query)
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text()
}

/// A `+` sent unencoded in a path is a plus, not a space (S3 decodes paths, not forms).
async fn plus_in_path_is_a_plus(kind: Kind) {
    let h = Harness::start(kind).await;
    let path = format!("/{}/plus/a+b", h.bucket());
    h.path(Method::PUT, &path)
        .body("plus")
        .signed(WRITER)
        .send()
        .await
        .ok();
    let spaced = h
        .object(Method::GET, h.bucket(), "plus/a b")
        .signed(WRITER)
        .send()
        .await;
    spaced.assert_error(StatusCode::NOT_FOUND, "NoSuchKey");
    let plus = h
        .object(Method::GET, h.bucket(), "plus/a+b")
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(plus.text(), "plus");
}

/// `encoding-type=url` as S3 applies it, field by field (the fields botocore's
/// `decode_list_object`, `decode_list_object_v2` and `decode_list_object_versions` decode):
/// `/` and RFC 3986's unreserved characters stay, every other byte is `%XX`; V1 echoes its
/// request `Prefix` unencoded, V2 and ListObjectVersions encode it.
async fn encoded_listings_encode_what_s3_encodes(kind: Kind) {
    let h = Harness::start(kind).await;
    for key in ["enc/a b/c", "enc/p%q", "enc/x+y", "enc/é"] {
        h.object(Method::PUT, h.bucket(), key)
            .body("x")
            .signed(WRITER)
            .send()
            .await
            .ok();
    }
    let keys = ["enc/p%25q", "enc/x%2By", "enc/%C3%A9"];
    let folders = ["enc/a%20b/"];
    let common = "prefix=enc%2F&delimiter=%2F&encoding-type=url";

    let v1 = list(&h, &format!("{common}&marker=enc%2Fa%20")).await;
    assert_eq!(xml::listed_keys(&v1), keys, "{v1}");
    assert_eq!(xml::common_prefixes(&v1), folders, "{v1}");
    assert_eq!(xml::value(&v1, "Prefix").as_deref(), Some("enc/"), "{v1}");
    assert_eq!(xml::value(&v1, "Delimiter").as_deref(), Some("/"));
    assert_eq!(xml::value(&v1, "Marker").as_deref(), Some("enc/a%20"));

    let v2 = list(&h, &format!("list-type=2&{common}&start-after=enc%2Fa%20")).await;
    assert_eq!(xml::listed_keys(&v2), keys, "{v2}");
    assert_eq!(xml::common_prefixes(&v2), folders, "{v2}");
    assert_eq!(xml::value(&v2, "Prefix").as_deref(), Some("enc/"), "{v2}");
    assert_eq!(xml::value(&v2, "Delimiter").as_deref(), Some("/"));
    assert_eq!(xml::value(&v2, "StartAfter").as_deref(), Some("enc/a%20"));

    let versions = list(&h, &format!("versions&{common}&key-marker=enc%2Fa%20")).await;
    assert_eq!(xml::values(&versions, "Key"), keys, "{versions}");
    assert_eq!(xml::common_prefixes(&versions), folders, "{versions}");
    assert_eq!(xml::value(&versions, "Prefix").as_deref(), Some("enc/"));
    assert_eq!(
        xml::value(&versions, "KeyMarker").as_deref(),
        Some("enc/a%20")
    );

    // A prefix with a space: V1 echoes it as sent, V2 encodes it.
    let narrow = "prefix=enc%2Fa%20b&encoding-type=url";
    let v1 = list(&h, narrow).await;
    assert_eq!(
        xml::value(&v1, "Prefix").as_deref(),
        Some("enc/a b"),
        "{v1}"
    );
    assert_eq!(xml::listed_keys(&v1), ["enc/a%20b/c"]);
    let v2 = list(&h, &format!("list-type=2&{narrow}")).await;
    assert_eq!(
        xml::value(&v2, "Prefix").as_deref(),
        Some("enc/a%20b"),
        "{v2}"
    );
}
