//! ListObjects V2 and V1: prefixes, delimiters, pagination, start-after, and the backend
//! prefix never showing.

use futures_util::TryStreamExt;
use futures_util::future::try_join_all;
use http::Method;
use multistore::auth::sigv4::encode_query_component;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::harness::{BACKEND_PREFIX, Harness, Kind, WRITER};
use crate::raw::Response;
use crate::xml;

both_backends!(
    list_v2_pages,
    list_v2_delimiter_pages,
    list_v2_start_after,
    list_v1_pages,
    list_v1_delimiter_pages,
    object_store_listing,
    backend_prefix_stays_hidden
);

/// 25 keys under `page/`, two under `page/sub/`, one elsewhere.
pub(crate) async fn put_keys(h: &Harness) -> Vec<String> {
    let store = h.store(WRITER);
    let mut keys: Vec<String> = (0..25).map(|i| format!("page/k{i:02}")).collect();
    keys.extend(["page/sub/x".to_owned(), "page/sub/y".to_owned()]);
    let all: Vec<&str> = keys.iter().map(String::as_str).chain(["other/z"]).collect();
    try_join_all(all.iter().map(|key| {
        let store = &store;
        async move {
            store
                .put(&Path::from(*key), PutPayload::from(key.as_bytes().to_vec()))
                .await
        }
    }))
    .await
    .expect("puts");
    keys.sort();
    keys
}

/// A signed listing request with these query pairs.
pub(crate) async fn list(h: &Harness, pairs: &[(&str, &str)]) -> Response {
    let query = pairs
        .iter()
        .map(|(name, value)| format!("{name}={}", encode_query_component(value)))
        .collect::<Vec<_>>()
        .join("&");
    h.on_bucket(Method::GET, h.bucket())
        .query(&query)
        .signed(WRITER)
        .send()
        .await
        .ok()
}

/// Nothing the backend prefix names may reach a client.
#[track_caller]
pub(crate) fn assert_hidden(document: &str) {
    assert!(
        !document.contains(BACKEND_PREFIX) && !document.contains("hidden-prefix"),
        "the backend prefix leaked: {document}"
    );
}

async fn list_v2_pages(kind: Kind) {
    let h = Harness::start(kind).await;
    let expected = put_keys(&h).await;
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut pairs = vec![("list-type", "2"), ("prefix", "page/"), ("max-keys", "4")];
        if let Some(token) = &token {
            pairs.push(("continuation-token", token));
        }
        let page = list(&h, &pairs).await.text();
        assert_hidden(&page);
        pages += 1;
        let keys = xml::listed_keys(&page);
        assert!(keys.len() <= 4, "max-keys is honoured: {page}");
        assert_eq!(
            xml::value(&page, "KeyCount"),
            Some(keys.len().to_string()),
            "{page}"
        );
        assert_eq!(xml::value(&page, "MaxKeys").as_deref(), Some("4"));
        assert_eq!(xml::value(&page, "Prefix").as_deref(), Some("page/"));
        seen.extend(keys);
        if xml::value(&page, "IsTruncated").as_deref() == Some("true") {
            let next = xml::value(&page, "NextContinuationToken").expect("a next token");
            assert_eq!(
                xml::value(&page, "ContinuationToken"),
                token,
                "the token sent is echoed"
            );
            token = Some(next);
        } else {
            assert_eq!(xml::value(&page, "NextContinuationToken"), None);
            break;
        }
        assert!(pages < 20, "pagination ends");
    }
    assert_eq!(seen, expected, "every key once, in order");
    assert_eq!(pages, 7, "27 keys in pages of 4");
}

async fn list_v2_delimiter_pages(kind: Kind) {
    let h = Harness::start(kind).await;
    put_keys(&h).await;
    let mut keys = Vec::new();
    let mut prefixes = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut pairs = vec![
            ("list-type", "2"),
            ("prefix", "page/"),
            ("delimiter", "/"),
            ("max-keys", "5"),
        ];
        if let Some(token) = &token {
            pairs.push(("continuation-token", token));
        }
        let page = list(&h, &pairs).await.text();
        assert_hidden(&page);
        let page_keys = xml::listed_keys(&page);
        let page_prefixes = xml::common_prefixes(&page);
        assert!(page_keys.len() + page_prefixes.len() <= 5, "{page}");
        keys.extend(page_keys);
        prefixes.extend(page_prefixes);
        match xml::value(&page, "NextContinuationToken") {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let expected: Vec<String> = (0..25).map(|i| format!("page/k{i:02}")).collect();
    assert_eq!(keys, expected);
    assert_eq!(prefixes, ["page/sub/"], "the folder rolls up once");

    // The whole bucket, one level deep.
    let top = list(&h, &[("list-type", "2"), ("delimiter", "/")])
        .await
        .text();
    assert_hidden(&top);
    assert_eq!(xml::common_prefixes(&top), ["other/", "page/"]);
    assert!(xml::listed_keys(&top).is_empty());
}

async fn list_v2_start_after(kind: Kind) {
    let h = Harness::start(kind).await;
    put_keys(&h).await;
    let page = list(
        &h,
        &[
            ("list-type", "2"),
            ("prefix", "page/"),
            ("start-after", "page/k21"),
        ],
    )
    .await
    .text();
    assert_hidden(&page);
    assert_eq!(xml::value(&page, "StartAfter").as_deref(), Some("page/k21"));
    assert_eq!(
        xml::listed_keys(&page),
        [
            "page/k22",
            "page/k23",
            "page/k24",
            "page/sub/x",
            "page/sub/y"
        ]
    );
    // Past every key: an empty, complete page.
    let past = list(&h, &[("list-type", "2"), ("start-after", "zzz")])
        .await
        .text();
    assert!(xml::listed_keys(&past).is_empty());
    assert_eq!(xml::value(&past, "IsTruncated").as_deref(), Some("false"));
    // A token wins over start-after.
    let first = list(
        &h,
        &[("list-type", "2"), ("prefix", "page/"), ("max-keys", "2")],
    )
    .await
    .text();
    let token = xml::value(&first, "NextContinuationToken").expect("token");
    let second = list(
        &h,
        &[
            ("list-type", "2"),
            ("prefix", "page/"),
            ("max-keys", "2"),
            ("start-after", "page/k00"),
            ("continuation-token", &token),
        ],
    )
    .await
    .text();
    assert_eq!(xml::listed_keys(&second), ["page/k02", "page/k03"]);
}

async fn list_v1_pages(kind: Kind) {
    let h = Harness::start(kind).await;
    let expected = put_keys(&h).await;
    let mut seen: Vec<String> = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..20 {
        let mut pairs = vec![("prefix", "page/"), ("max-keys", "4")];
        if let Some(marker) = &marker {
            pairs.push(("marker", marker));
        }
        let page = list(&h, &pairs).await.text();
        assert_hidden(&page);
        assert_eq!(
            xml::value(&page, "Marker").unwrap_or_default(),
            marker.clone().unwrap_or_default(),
            "the marker sent is echoed"
        );
        let keys = xml::listed_keys(&page);
        assert!(keys.len() <= 4);
        seen.extend(keys.iter().cloned());
        if xml::value(&page, "IsTruncated").as_deref() != Some("true") {
            marker = None;
            break;
        }
        // Without a delimiter S3 may leave NextMarker out: the last key is the marker.
        let next = xml::value(&page, "NextMarker")
            .unwrap_or_else(|| keys.last().cloned().expect("a truncated page has keys"));
        assert_eq!(Some(&next), keys.last());
        marker = Some(next);
    }
    assert_eq!(marker, None, "pagination ends");
    assert_eq!(seen, expected);
}

async fn list_v1_delimiter_pages(kind: Kind) {
    let h = Harness::start(kind).await;
    put_keys(&h).await;
    let mut entries: Vec<String> = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..20 {
        let mut pairs = vec![("prefix", "page/"), ("delimiter", "/"), ("max-keys", "7")];
        if let Some(marker) = &marker {
            pairs.push(("marker", marker));
        }
        let page = list(&h, &pairs).await.text();
        assert_hidden(&page);
        entries.extend(xml::listed_keys(&page));
        entries.extend(xml::common_prefixes(&page));
        if xml::value(&page, "IsTruncated").as_deref() != Some("true") {
            marker = None;
            break;
        }
        let next = xml::value(&page, "NextMarker").expect("NextMarker with a delimiter");
        assert!(next.starts_with("page/"), "a client key: {next}");
        marker = Some(next);
    }
    assert_eq!(marker, None, "pagination ends");
    let mut expected: Vec<String> = (0..25).map(|i| format!("page/k{i:02}")).collect();
    expected.push("page/sub/".into());
    entries.sort();
    assert_eq!(entries, expected);
}

async fn object_store_listing(kind: Kind) {
    let h = Harness::start(kind).await;
    let expected = put_keys(&h).await;
    let store = h.store(WRITER);
    let mut listed: Vec<String> = store
        .list(Some(&Path::from("page")))
        .map_ok(|meta| meta.location.to_string())
        .try_collect()
        .await
        .expect("list");
    listed.sort();
    assert_eq!(listed, expected);

    let folders = store
        .list_with_delimiter(Some(&Path::from("page")))
        .await
        .expect("list with delimiter");
    assert_eq!(folders.objects.len(), 25);
    assert_eq!(
        folders
            .common_prefixes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["page/sub"]
    );
}

async fn backend_prefix_stays_hidden(kind: Kind) {
    let h = Harness::start(kind).await;
    put_keys(&h).await;
    if kind == Kind::S3 {
        // An object of the backend bucket outside the virtual bucket's prefix.
        std::fs::write(h.backend_bucket_dir().join("outside.txt"), "not yours").expect("write");
    }
    let everything = list(&h, &[("list-type", "2")]).await.text();
    assert_hidden(&everything);
    let keys = xml::listed_keys(&everything);
    assert_eq!(keys.len(), 28);
    assert!(!keys.iter().any(|k| k.contains("outside")));
    let v1 = list(&h, &[]).await.text();
    assert_hidden(&v1);
    assert_eq!(xml::listed_keys(&v1), keys);
    // A prefix that climbs out of the bucket finds nothing.
    let climbing = list(&h, &[("list-type", "2"), ("prefix", "../")])
        .await
        .text();
    assert!(xml::listed_keys(&climbing).is_empty(), "{climbing}");
}
