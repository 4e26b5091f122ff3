//! Graceful shutdown: once asked to stop, the server refuses new connections but lets the
//! requests in flight finish.

use std::sync::Arc;
use std::time::Duration;

use multistore::config::{BackendOptions, BackendType, BucketConfig};
use multistore::proxy::ProxyGateway;
use multistore_server::{ServerBackend, Timeouts, serve};
use multistore_static_config::StaticProvider;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

const OBJECT_SIZE: usize = 8 * 1024 * 1024;

#[tokio::test]
async fn in_flight_requests_finish_after_shutdown_begins() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("big.bin"), vec![7u8; OBJECT_SIZE]).unwrap();
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
    let backend = ServerBackend::new(Timeouts::default()).unwrap();
    let gateway = Arc::new(ProxyGateway::new(backend, provider.clone(), provider));

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, gateway, async {
        let _ = stopped.await;
    }));

    // Start a download and read only its beginning.
    let mut client = TcpStream::connect(address).await.unwrap();
    client
        .write_all(b"GET /files/big.bin HTTP/1.1\r\nHost: gateway\r\n\r\n")
        .await
        .unwrap();
    let mut received = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < received.len() {
        filled += client.read(&mut received[filled..]).await.unwrap();
    }
    let head = String::from_utf8_lossy(&received[..filled]);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");

    stop.send(()).unwrap();
    // New connections are refused once the listener is closed.
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(address).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        refused,
        "the listener still accepts connections after shutdown began"
    );

    // The download in flight still completes, byte for byte.
    let header_end = received.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let mut body = received[header_end..filled].to_vec();
    let mut rest = Vec::new();
    client.read_to_end(&mut rest).await.unwrap();
    body.extend_from_slice(&rest);
    assert_eq!(body.len(), OBJECT_SIZE);
    assert!(body.iter().all(|b| *b == 7));

    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops once its last request is done")
        .unwrap();
}
