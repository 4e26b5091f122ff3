//! One gateway type whatever is enabled: a gateway with STS and one without are the same
//! [`Gateway`] and are served by the same `serve`; the completion event counts the
//! request body bytes the server received.

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
use multistore_server::health::HealthCheck;
use multistore_server::{Gateway, IssuerFetcher, ServerBackend, Timeouts, serve};
use multistore_static_config::StaticProvider;
use multistore_sts::{IssuerTransport, StsRouteHandler, TokenKey};
use tokio::net::TcpListener;

/// Records every completion event.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<CompletionEvent>>>);

impl<Body: 'static> Middleware<Body> for Recorder {
    async fn handle(
        &self,
        ctx: DispatchContext,
        next: Next<'_, Body>,
    ) -> Result<GatewayResponse<Body>, ProxyError> {
        next.run(ctx).await
    }

    fn after_dispatch(&self, event: &CompletionEvent) {
        self.0.lock().unwrap().push(event.clone());
    }
}

impl Recorder {
    /// The events so far, once there are `count`.
    async fn wait_for(&self, count: usize) -> Vec<CompletionEvent> {
        for _ in 0..400 {
            let events = self.0.lock().unwrap().clone();
            if events.len() >= count {
                return events;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        panic!("fewer than {count} completion events");
    }
}

/// A form that the STS route reads in full and refuses (no such role).
const FORM: &str = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=nobody&\
                    RoleSessionName=s&WebIdentityToken=not-a-jwt";

#[tokio::test]
async fn sts_on_and_off_are_one_gateway_type_served_by_one_path() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("hello.txt"), "hello").unwrap();
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
    let base = |recorder: &Recorder| {
        ProxyGateway::new(
            ServerBackend::new(Timeouts::default()).unwrap(),
            provider.clone(),
            provider.clone(),
        )
        .with_route_handler(HealthCheck)
        .with_middleware(recorder.clone())
    };
    let (plain_events, sts_events) = (Recorder::default(), Recorder::default());
    let plain = base(&plain_events);
    let token_key = TokenKey::new(&[7; TokenKey::KEY_LEN]);
    let fetcher = IssuerFetcher::new(IssuerTransport::HttpsOnly).unwrap();
    let with_sts = base(&sts_events)
        .with_credential_resolver(token_key.clone())
        .with_route_handler(StsRouteHandler::new(provider.clone(), token_key, fetcher));

    // One array: the two gateways are one type.
    let gateways: [Arc<Gateway>; 2] = [Arc::new(plain), Arc::new(with_sts)];
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut answers = Vec::new();
    for gateway in gateways {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, gateway, std::future::pending()));
        let send = |method: Method, path: &str, body: &'static str| {
            let request = Request::builder()
                .method(method)
                .uri(format!("http://{address}{path}"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Full::new(Bytes::from_static(body.as_bytes())))
                .unwrap();
            let response = client.request(request);
            async move {
                let (parts, body) = response.await.unwrap().into_parts();
                (parts.status, body.collect().await.unwrap().to_bytes())
            }
        };
        let object = send(Method::GET, "/files/hello.txt", "").await;
        assert_eq!(object, (StatusCode::OK, Bytes::from_static(b"hello")));
        answers.push(send(Method::POST, "/.sts", FORM).await);
    }

    // Without STS the path is an S3 request; with it, STS answers in its own format.
    let (plain_sts, with_sts) = (&answers[0], &answers[1]);
    assert!(
        String::from_utf8_lossy(&plain_sts.1).contains("<Error>"),
        "{plain_sts:?}"
    );
    assert!(
        String::from_utf8_lossy(&with_sts.1).contains("<ErrorResponse"),
        "{with_sts:?}"
    );

    let plain = plain_events.wait_for(2).await;
    let sts = sts_events.wait_for(2).await;
    assert_eq!(plain[0].operation, "GetObject");
    assert_eq!(sts[0].operation, "GetObject");
    assert_ne!(plain[1].operation, "Route", "{:?}", plain[1]);
    let route = &sts[1];
    assert_eq!(route.operation, "Route");
    assert_eq!(route.method, Method::POST);
    assert_eq!(route.status, with_sts.0);
    assert_eq!(route.bytes_in, FORM.len() as u64, "{route:?}");
    assert_eq!(route.bytes_out, with_sts.1.len() as u64, "{route:?}");
}
