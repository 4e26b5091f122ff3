//! `GET /__conformance` (feature `conformance`, built by scripts/workers for its tests
//! only): runs the runtime conformance suite (`multistore::conformance`) against this
//! runtime's `WorkerBackend`, and answers one line per case, `200` when all passed.
//!
//! The query names the S3 bucket to talk to and how: `bucket_url`, `access_key`,
//! `secret_key`, `region` (SigV4 with that key pair) and `refused_url` (where nothing
//! listens); `case` runs one case only.

use futures_util::TryStreamExt;
use js_sys::Uint8Array;
use multistore::SecretString;
use multistore::auth::sigv4::SigningCredentials;
use multistore::backend::{BodyStream, S3RequestSigner};
use multistore::conformance::{Case, Conformance, Report, Target};
use multistore_cf_workers::{WorkerBackend, WorkerBody};
use wasm_bindgen::JsValue;

/// The path the suite answers on.
const PATH: &str = "/__conformance";

/// The suite's report when `request` asks for a run, `None` for any other request.
pub(crate) async fn answer(
    request: &web_sys::Request,
) -> Result<Option<web_sys::Response>, JsValue> {
    let url = web_sys::Url::new(&request.url())?;
    if url.pathname() != PATH {
        return Ok(None);
    }
    let query = url.search_params();
    let param = |name: &str| {
        query
            .get(name)
            .ok_or_else(|| JsValue::from_str(&format!("{PATH}: query parameter `{name}` missing")))
    };
    let credentials = SigningCredentials {
        access_key_id: param("access_key")?,
        secret_access_key: SecretString::new(param("secret_key")?),
        session_token: None,
    };
    let target = Target {
        bucket_url: param("bucket_url")?,
        signer: Box::new(S3RequestSigner::new(credentials, param("region")?)),
        refused_url: param("refused_url")?,
    };
    let backend = WorkerBackend::new();
    let suite = Conformance::new(&backend, target, client_body);
    let report = match query.get("case") {
        None => suite.run_all().await,
        Some(name) => {
            let case = Case::ALL
                .into_iter()
                .find(|case| case.name() == name)
                .ok_or_else(|| JsValue::from_str(&format!("{PATH}: no case `{name}`")))?;
            Report {
                outcomes: vec![(case, suite.run(case).await)],
            }
        }
    };
    let init = web_sys::ResponseInit::new();
    init.set_status(if report.passed() { 200 } else { 500 });
    web_sys::Response::new_with_opt_str_and_init(Some(&report.to_string()), &init).map(Some)
}

/// Bytes as a client's upload reaches a Worker: a JavaScript `ReadableStream`, which
/// errors when the bytes fail.
fn client_body(stream: BodyStream) -> WorkerBody {
    let chunks = stream
        .map_ok(|bytes| JsValue::from(Uint8Array::from(bytes.as_ref())))
        .map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())));
    WorkerBody::Js(wasm_streams::ReadableStream::from_stream(chunks).into_raw())
}
