//! Middleware in the real pipeline: it runs after authorization, can answer by itself, can
//! change the context, and observes every outcome with the bytes actually sent.

use std::sync::{Arc, Mutex};

use http::StatusCode;
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use multistore::ProxyError;
use multistore::config::{BackendOptions, BackendType, BucketConfig};
use multistore::middleware::{Dispatch, DispatchContext, DispatchOutcome, Middleware, Next};
use multistore::proxy::{GatewayResponse, ProxyGateway};
use multistore::route_handler::ProxyResponse;
use multistore_server::{ServerBackend, Timeouts, serve};
use multistore_static_config::StaticProvider;
use tokio::net::TcpListener;

/// Answers `451` for keys under `blocked/` without reaching the backend, and records every
/// outcome.
#[derive(Default)]
struct Blocker {
    outcomes: Arc<Mutex<Vec<DispatchOutcome>>>,
}

impl Middleware for Blocker {
    async fn handle<D: Dispatch>(
        &self,
        ctx: DispatchContext,
        next: Next<D>,
    ) -> Result<GatewayResponse<D::Body>, ProxyError> {
        if ctx
            .operation
            .key()
            .is_some_and(|key| key.starts_with("blocked/"))
        {
            return Ok(GatewayResponse::Response(ProxyResponse::empty(
                StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS,
            )));
        }
        next.run(ctx).await
    }

    fn after_dispatch(&self, outcome: &DispatchOutcome) {
        self.outcomes.lock().unwrap().push(outcome.clone());
    }
}

#[tokio::test]
async fn middleware_short_circuits_and_observes_outcomes() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("blocked")).unwrap();
    std::fs::write(root.path().join("open.txt"), "twelve bytes").unwrap();
    std::fs::write(root.path().join("blocked/secret.txt"), "hidden").unwrap();
    let bucket = BucketConfig {
        name: "files".into(),
        backend_type: BackendType::Local,
        backend_prefix: None,
        anonymous_access: true,
        allowed_roles: vec![],
        backend_options: [("root", root.path().to_string_lossy().into_owned())]
            .into_iter()
            .collect::<BackendOptions>(),
    };
    let provider = Arc::new(StaticProvider::new(vec![bucket], vec![], vec![]).unwrap());
    let blocker = Blocker::default();
    let outcomes = blocker.outcomes.clone();
    let gateway = ProxyGateway::new(
        ServerBackend::new(Timeouts::default()).unwrap(),
        provider.clone(),
        provider,
        None,
    )
    .with_middleware(blocker);

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, Arc::new(gateway), std::future::pending()));
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<bytes::Bytes>>();
    let get = |path: &str| client.get(format!("http://{address}{path}").parse().unwrap());

    let open = get("/files/open.txt").await.unwrap();
    assert_eq!(open.status(), StatusCode::OK);
    assert_eq!(
        open.into_body().collect().await.unwrap().to_bytes(),
        "twelve bytes"
    );

    let blocked = get("/files/blocked/secret.txt").await.unwrap();
    assert_eq!(blocked.status(), StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    blocked.into_body().collect().await.unwrap();

    // Refused by authorization: middleware never sees the request, but observes it.
    let private = get("/nosuchbucket/x").await.unwrap();
    assert_eq!(private.status(), StatusCode::NOT_FOUND);
    private.into_body().collect().await.unwrap();

    let outcomes = outcomes.lock().unwrap().clone();
    let summary: Vec<(Option<&str>, u16, u64)> = outcomes
        .iter()
        .map(|o| (o.key.as_deref(), o.status.as_u16(), o.bytes_sent))
        .collect();
    assert_eq!(summary.len(), 3, "{summary:?}");
    assert!(
        summary.contains(&(Some("open.txt"), 200, 12)),
        "{summary:?}"
    );
    assert!(
        summary.contains(&(Some("blocked/secret.txt"), 451, 0)),
        "{summary:?}"
    );
    assert!(
        summary
            .iter()
            .any(|(key, status, _)| *key == Some("x") && *status == 404)
    );
    assert!(outcomes.iter().all(|o| !o.aborted), "{outcomes:?}");
}
