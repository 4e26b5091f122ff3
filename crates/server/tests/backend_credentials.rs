//! Backend credentials that change while the gateway runs reach the backend on the next
//! request: an `s3s-fs` server rotates its key pair (the new key added, the old one
//! removed), and the gateway's credential source rotates with it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use multistore::backend::{BackendCredentialSource, BackendCredentials, ConfiguredCredentials};
use multistore::config::{BackendOptions, BackendType, BucketConfig};
use multistore::proxy::ProxyGateway;
use multistore::{ProxyError, SecretString};
use multistore_server::{ServerBackend, Timeouts, serve};
use multistore_static_config::StaticProvider;
use multistore_testkit::{AcceptedKeys, S3Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const OLD: (&str, &str) = ("AKIDOLDBACKEND", "old-backend-secret");
const NEW: (&str, &str) = ("AKIDNEWBACKEND", "new-backend-secret");

/// The key pair the test says is current.
#[derive(Debug, Clone)]
struct Rotating {
    current: Arc<Mutex<(&'static str, &'static str)>>,
}

impl Rotating {
    fn rotate_to(&self, keys: (&'static str, &'static str)) {
        *self.current.lock().unwrap() = keys;
    }
}

impl BackendCredentialSource for Rotating {
    async fn credentials(
        &self,
        bucket: &BucketConfig,
        _now: DateTime<Utc>,
    ) -> Result<BackendCredentials, ProxyError> {
        assert_eq!(bucket.name, "data");
        let (id, secret) = *self.current.lock().unwrap();
        Ok(BackendCredentials::s3(id, SecretString::new(secret), None))
    }
}

struct Setup {
    gateway: SocketAddr,
    accepted: AcceptedKeys,
    _s3: S3Server,
    _dir: tempfile::TempDir,
}

/// An `s3s-fs` server accepting `OLD`, holding `object` in its bucket, behind a gateway
/// whose public bucket `data` (configured with `OLD`) is signed with the keys `source`
/// supplies.
async fn setup(source: impl BackendCredentialSource) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("backend")).unwrap();
    std::fs::write(dir.path().join("backend/object"), b"rotated-ok").unwrap();
    let accepted = AcceptedKeys::single(OLD.0, OLD.1);
    let s3 = S3Server::start_with_keys(dir.path(), 0, accepted.clone())
        .await
        .unwrap();
    let bucket = BucketConfig {
        name: "data".into(),
        backend_type: BackendType::S3,
        backend_prefix: None,
        anonymous_access: true,
        allowed_roles: vec![],
        backend_options: [
            ("endpoint", s3.endpoint()),
            ("bucket_name", "backend".to_owned()),
            ("access_key_id", OLD.0.to_owned()),
            ("secret_access_key", OLD.1.to_owned()),
        ]
        .into_iter()
        .collect::<BackendOptions>(),
    };
    let provider = Arc::new(StaticProvider::new(vec![bucket], vec![], vec![]).unwrap());
    let gateway = ProxyGateway::new(
        ServerBackend::new(Timeouts::default()).unwrap(),
        provider.clone(),
        provider,
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let gateway = Arc::new(gateway.with_backend_credentials(source));
    tokio::spawn(serve(listener, gateway, std::future::pending()));
    Setup {
        gateway: address,
        accepted,
        _s3: s3,
        _dir: dir,
    }
}

/// The status line and body of an anonymous GET of `data/object`.
async fn get_object(gateway: SocketAddr) -> (String, String) {
    let mut client = TcpStream::connect(gateway).await.unwrap();
    client
        .write_all(b"GET /data/object HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut received = Vec::new();
    client.read_to_end(&mut received).await.unwrap();
    let text = String::from_utf8_lossy(&received).into_owned();
    let status = text.lines().next().unwrap_or_default().to_owned();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

#[tokio::test]
async fn rotated_backend_keys_reach_the_cached_signer() {
    let source = Rotating {
        current: Arc::new(Mutex::new(OLD)),
    };
    let setup = setup(source.clone()).await;
    let (status, body) = get_object(setup.gateway).await;
    assert!(status.contains("200"), "{status}");
    assert_eq!(body, "rotated-ok");

    // The backend rotates: the new key is added, the old one removed.
    setup.accepted.add(NEW.0, NEW.1);
    setup.accepted.remove(OLD.0);
    source.rotate_to(NEW);
    let (status, body) = get_object(setup.gateway).await;
    assert!(status.contains("200"), "the new key was not used: {status}");
    assert_eq!(body, "rotated-ok");
}

#[tokio::test]
async fn fixed_keys_stop_working_when_the_backend_drops_them() {
    // The control for the test above: with the configured (fixed) keys, the same
    // rotation on the backend leaves the gateway refused.
    let setup = setup(ConfiguredCredentials).await;
    assert!(get_object(setup.gateway).await.0.contains("200"));
    setup.accepted.add(NEW.0, NEW.1);
    setup.accepted.remove(OLD.0);
    // The backend's refusal is the gateway's failure, not the anonymous client's.
    let (status, _) = get_object(setup.gateway).await;
    assert!(status.contains(" 503 "), "{status}");
}
