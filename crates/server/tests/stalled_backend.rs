//! A backend that stops sending mid-body cannot hold a client forever: the gateway gives
//! up after its idle timeout and cuts the response short.

use std::sync::Arc;
use std::time::Duration;

use multistore::config::{BackendOptions, BackendType, BucketConfig};
use multistore::proxy::ProxyGateway;
use multistore_server::{ServerBackend, Timeouts, serve};
use multistore_static_config::StaticProvider;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Answers any request with the headers of a 100-byte object and 10 bytes of it, then
/// stalls with the connection open.
async fn stalling_backend() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
                    .await;
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    address
}

#[tokio::test]
async fn a_stalled_backend_body_is_cut_after_the_idle_timeout() {
    let backend = stalling_backend().await;
    let bucket = BucketConfig {
        name: "stalls".into(),
        backend_type: BackendType::S3,
        backend_prefix: None,
        anonymous_access: true,
        allowed_roles: vec![],
        backend_options: [
            ("endpoint", format!("http://{backend}")),
            ("bucket_name", "b".to_owned()),
            ("skip_signature", "true".to_owned()),
        ]
        .into_iter()
        .collect::<BackendOptions>(),
    };
    let provider = Arc::new(StaticProvider::new(vec![bucket], vec![], vec![]).unwrap());
    let timeouts = Timeouts {
        idle: Duration::from_millis(300),
        ..Timeouts::default()
    };
    let gateway = ProxyGateway::new(
        ServerBackend::new(timeouts).unwrap(),
        provider.clone(),
        provider,
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, Arc::new(gateway), std::future::pending()));

    let mut client = TcpStream::connect(address).await.unwrap();
    client
        .write_all(b"GET /stalls/object HTTP/1.1\r\nHost: gateway\r\n\r\n")
        .await
        .unwrap();
    let mut received = Vec::new();
    let read =
        tokio::time::timeout(Duration::from_secs(10), client.read_to_end(&mut received)).await;
    assert!(
        read.is_ok(),
        "the gateway kept the connection open past its idle timeout"
    );
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(
        text.ends_with("0123456789"),
        "only the bytes the backend sent: {text}"
    );
}
