//! DeleteObjects: each key authorized on its own, partial results.

use futures_util::future::try_join_all;
use futures_util::stream;
use futures_util::{StreamExt, TryStreamExt};
use http::Method;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::harness::{BACKEND_PREFIX, Harness, Kind, SCOPED, WRITER};
use crate::xml;

both_backends!(scoped_delete_is_partial, object_store_bulk_delete);

async fn put_all(h: &Harness, keys: &[&str]) {
    let store = h.store(WRITER);
    try_join_all(keys.iter().map(|key| {
        let store = &store;
        async move {
            store
                .put(&Path::from(*key), PutPayload::from_static(b"x"))
                .await
        }
    }))
    .await
    .expect("puts");
}

/// A `<Delete>` document naming `keys`.
pub(crate) fn delete_document(keys: &[&str], quiet: bool) -> String {
    let objects: String = keys
        .iter()
        .map(|key| format!("<Object><Key>{}</Key></Object>", xml::escape(key)))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>{quiet}</Quiet>{objects}</Delete>"
    )
}

async fn scoped_delete_is_partial(kind: Kind) {
    let h = Harness::start(kind).await;
    put_all(&h, &["scoped/a", "scoped/b&c", "private/keep"]).await;
    let result = h
        .on_bucket(Method::POST, h.bucket())
        .query("delete=")
        .body(delete_document(
            &[
                "scoped/a",
                "scoped/b&c",
                "private/keep",
                "scoped/never-existed",
            ],
            false,
        ))
        .signed(SCOPED)
        .send()
        .await
        .ok()
        .text();
    assert!(!result.contains(BACKEND_PREFIX), "{result}");
    let mut deleted: Vec<String> = xml::sections(&result, "Deleted")
        .into_iter()
        .filter_map(|entry| xml::value(entry, "Key"))
        .collect();
    deleted.sort();
    assert_eq!(
        deleted,
        ["scoped/a", "scoped/b&c", "scoped/never-existed"],
        "{result}"
    );
    let errors = xml::sections(&result, "Error");
    assert_eq!(errors.len(), 1, "{result}");
    assert_eq!(
        xml::value(errors[0], "Key").as_deref(),
        Some("private/keep")
    );
    assert_eq!(
        xml::value(errors[0], "Code").as_deref(),
        Some("AccessDenied")
    );

    let store = h.store(WRITER);
    let left: Vec<String> = store
        .list(None)
        .map_ok(|meta| meta.location.to_string())
        .try_collect()
        .await
        .expect("list");
    assert_eq!(left, ["private/keep"]);
    assert!(h.data_dir().join("private/keep").exists());
    assert!(!h.data_dir().join("scoped/a").exists());

    // Quiet mode reports only the failures.
    put_all(&h, &["scoped/q"]).await;
    let quiet = h
        .on_bucket(Method::POST, h.bucket())
        .query("delete=")
        .body(delete_document(&["scoped/q", "private/keep"], true))
        .signed(SCOPED)
        .send()
        .await
        .ok()
        .text();
    assert!(xml::sections(&quiet, "Deleted").is_empty(), "{quiet}");
    assert_eq!(xml::sections(&quiet, "Error").len(), 1, "{quiet}");
}

async fn object_store_bulk_delete(kind: Kind) {
    let h = Harness::start(kind).await;
    let keys: Vec<String> = (0..12).map(|i| format!("bulk/{i}")).collect();
    let key_refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    put_all(&h, &key_refs).await;
    let store = h.store(WRITER);
    let locations = stream::iter(keys.clone().into_iter().map(|k| Ok(Path::from(k)))).boxed();
    let deleted: Vec<Path> = store
        .delete_stream(locations)
        .try_collect()
        .await
        .expect("bulk delete");
    assert_eq!(deleted.len(), 12);
    let left: Vec<_> = store.list(None).try_collect().await.expect("list");
    assert!(left.is_empty(), "{left:?}");
}
