//! Middleware in the real pipeline, through the gateway's type-erased chain: it runs after
//! authorization and in the order it was added, can answer by itself, can change the
//! context for the middleware after it, and observes every request's completion event.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use multistore::ProxyError;
use multistore::config::{BackendOptions, BackendType, BucketConfig};
use multistore::middleware::{DispatchContext, Middleware, Next};
use multistore::proxy::{CompletionEvent, GatewayResponse, ProxyGateway};
use multistore::route_handler::ProxyResponse;
use multistore_server::{ServerBackend, Timeouts, serve};
use multistore_static_config::StaticProvider;
use tokio::net::TcpListener;

/// What the middleware saw, in the order they saw it.
type Journal = Arc<Mutex<Vec<String>>>;

/// A mark that [`Tagger`] leaves in the context for [`Blocker`].
#[derive(Clone)]
struct Tagged(&'static str);

/// Runs first: records the request and tags its context.
struct Tagger {
    journal: Journal,
}

impl<Body: 'static> Middleware<Body> for Tagger {
    async fn handle(
        &self,
        mut ctx: DispatchContext,
        next: Next<'_, Body>,
    ) -> Result<GatewayResponse<Body>, ProxyError> {
        self.journal.lock().unwrap().push("tagger".into());
        ctx.extensions.insert(Tagged("from tagger"));
        next.run(ctx).await
    }

    fn after_dispatch(&self, event: &CompletionEvent) {
        let line = format!("tagger after {}", event.status.as_u16());
        self.journal.lock().unwrap().push(line);
    }
}

/// Runs second: answers `451` for keys under `blocked/` without reaching the backend, and
/// records every completion event.
struct Blocker {
    journal: Journal,
    events: Arc<Mutex<Vec<CompletionEvent>>>,
}

impl<Body: 'static> Middleware<Body> for Blocker {
    async fn handle(
        &self,
        ctx: DispatchContext,
        next: Next<'_, Body>,
    ) -> Result<GatewayResponse<Body>, ProxyError> {
        let tag = ctx.extensions.get::<Tagged>().map_or("untagged", |t| t.0);
        self.journal
            .lock()
            .unwrap()
            .push(format!("blocker sees {tag}"));
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

    fn after_dispatch(&self, event: &CompletionEvent) {
        let line = format!("blocker after {}", event.status.as_u16());
        self.journal.lock().unwrap().push(line);
        self.events.lock().unwrap().push(event.clone());
    }
}

struct Served {
    address: std::net::SocketAddr,
    journal: Journal,
    events: Arc<Mutex<Vec<CompletionEvent>>>,
    client: Client<hyper_util::client::legacy::connect::HttpConnector, Full<Bytes>>,
    _root: tempfile::TempDir,
}

impl Served {
    /// A gateway over a local directory holding `open.txt` and `blocked/secret.txt`,
    /// with [`Tagger`] then [`Blocker`].
    async fn start() -> Self {
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
        let journal = Journal::default();
        let events = Arc::new(Mutex::new(Vec::new()));
        let gateway = ProxyGateway::new(
            ServerBackend::new(Timeouts::default()).unwrap(),
            provider.clone(),
            provider,
        )
        .with_server_timing(true)
        .with_middleware(Tagger {
            journal: journal.clone(),
        })
        .with_middleware(Blocker {
            journal: journal.clone(),
            events: events.clone(),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, Arc::new(gateway), std::future::pending()));
        Self {
            address,
            journal,
            events,
            client: Client::builder(TokioExecutor::new()).build_http(),
            _root: root,
        }
    }

    /// Sends `method path` with `body` and reads the whole answer.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: &'static str,
    ) -> (StatusCode, http::HeaderMap, Bytes) {
        let request = Request::builder()
            .method(method)
            .uri(format!("http://{}{path}", self.address))
            .body(Full::new(Bytes::from_static(body.as_bytes())))
            .unwrap();
        let response = self.client.request(request).await.unwrap();
        let (parts, body) = response.into_parts();
        (
            parts.status,
            parts.headers,
            body.collect().await.unwrap().to_bytes(),
        )
    }

    /// The completion event of the request to `key`, once it has been reported.
    async fn event(&self, key: &str) -> CompletionEvent {
        for _ in 0..200 {
            let found = self
                .events
                .lock()
                .unwrap()
                .iter()
                .find(|event| event.key.as_deref() == Some(key))
                .cloned();
            if let Some(event) = found {
                return event;
            }
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        panic!("no completion event for {key}");
    }
}

#[tokio::test]
async fn middleware_run_in_order_short_circuit_and_observe_outcomes() {
    let served = Served::start().await;

    let (status, _, body) = served.send(Method::GET, "/files/open.txt", "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "twelve bytes");
    served.event("open.txt").await;
    assert_eq!(
        *served.journal.lock().unwrap(),
        [
            "tagger",
            "blocker sees from tagger",
            "tagger after 200",
            "blocker after 200"
        ]
    );

    let (status, _, body) = served
        .send(Method::GET, "/files/blocked/secret.txt", "")
        .await;
    assert_eq!(status, StatusCode::UNAVAILABLE_FOR_LEGAL_REASONS);
    assert!(body.is_empty());
    let blocked = served.event("blocked/secret.txt").await;
    assert_eq!((blocked.status.as_u16(), blocked.bytes_out), (451, 0));
    assert_eq!(blocked.backend_time, None, "never dispatched: {blocked:?}");

    // Refused by bucket lookup: middleware never sees the request, but observes it.
    served.journal.lock().unwrap().clear();
    let (status, _, _) = served.send(Method::GET, "/nosuchbucket/x", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    served.event("x").await;
    assert_eq!(
        *served.journal.lock().unwrap(),
        ["tagger after 404", "blocker after 404"]
    );

    let events = served.events.lock().unwrap().clone();
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(events.iter().all(|event| !event.aborted), "{events:?}");
}

#[tokio::test]
async fn the_completion_event_describes_the_request() {
    let served = Served::start().await;

    let (status, headers, body) = served.send(Method::GET, "/files/open.txt", "").await;
    assert_eq!((status, body.len()), (StatusCode::OK, 12));
    let event = served.event("open.txt").await;
    assert_eq!(event.operation, "GetObject");
    assert_eq!(event.method, Method::GET);
    assert_eq!(event.bucket.as_deref(), Some("files"));
    assert_eq!(event.principal, "anonymous");
    assert_eq!(event.status, StatusCode::OK);
    assert_eq!(event.error_code, None);
    assert_eq!((event.bytes_in, event.bytes_out), (0, 12));
    assert_eq!(
        headers["x-amz-request-id"].to_str().unwrap(),
        event.request_id
    );
    let backend = event.backend_time.expect("dispatched");
    let auth = event.auth_time.expect("authorized");
    assert!(backend <= event.headers_time, "{event:?}");
    assert!(auth <= event.headers_time, "{event:?}");
    assert!(event.headers_time <= event.total_time, "{event:?}");
    // Server-Timing is rendered from the same event.
    let timing = headers["server-timing"].to_str().unwrap();
    let expected = event.server_timing().unwrap();
    assert_eq!(timing, expected.to_str().unwrap());
    assert!(timing.contains("backend;dur="), "{timing}");

    // An anonymous upload: refused by bucket lookup, with its S3 error code.
    let (status, _, body) = served
        .send(Method::PUT, "/files/new.txt", "seventeen bytes!!")
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let refused = served.event("new.txt").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.error_code, Some("AccessDenied"));
    assert_eq!(refused.bytes_out, body.len() as u64);
    assert!(refused.bytes_out > 0);
    assert_eq!(refused.operation, "PutObject");
    assert_eq!(refused.backend_time, None);

    let (status, _, _) = served.send(Method::GET, "/files/missing.txt", "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let missing = served.event("missing.txt").await;
    assert_eq!(missing.error_code, Some("NoSuchKey"));
    let backend = missing.backend_time.expect("dispatched");
    assert!(backend <= missing.total_time, "{missing:?}");
}
