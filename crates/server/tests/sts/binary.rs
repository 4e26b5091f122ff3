//! The `multistore-server` binary as operators run it: STS switched on by
//! `SESSION_TOKEN_KEY`, the test issuer's CA trusted through `SSL_CERT_FILE`.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::Method;
use multistore_testkit::{OidcIssuer, TokenSpec};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};

use crate::clients::{assume, s3, send};
use crate::harness::{AUDIENCE, KEY_1, KEY_2, SUBJECT};

const SERVER: &str = env!("CARGO_BIN_EXE_multistore-server");

/// A child process killed (by its own handle) when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
}

fn write_config(path: &Path, issuer: &str) {
    std::fs::write(
        path,
        format!(
            r#"
[[buckets]]
name = "data"
backend_type = "memory"

[[roles]]
role_id = "ci"
name = "CI jobs"
trusted_oidc_issuers = ["{issuer}"]
required_audiences = ["{AUDIENCE}"]
subject_conditions = ["repo:example/*"]

[[roles.allowed_scopes]]
bucket = "data"
actions = ["get_object", "put_object", "list_bucket"]
"#
        ),
    )
    .expect("configuration");
}

async fn wait_until_healthy(address: SocketAddr, server: &mut Running) {
    for _ in 0..200 {
        if let Some(status) = server.0.try_wait().expect("child state") {
            panic!("the server exited: {status}");
        }
        if tokio::net::TcpStream::connect(address).await.is_ok()
            && send(address, Method::GET, "/healthz", &[], "").await.status == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

#[tokio::test]
async fn the_server_binary_serves_sts_trusting_ssl_cert_file() {
    let issuer = OidcIssuer::start().await.expect("issuer");
    let dir = tempfile::tempdir().expect("temporary directory");
    let ca = dir.path().join("test-ca.pem");
    issuer.write_ca_pem(&ca).expect("CA file");
    let config = dir.path().join("multistore.toml");
    write_config(&config, issuer.issuer());
    let address = free_port();
    let keys = format!("{},{}", STANDARD.encode(KEY_1), STANDARD.encode(KEY_2));
    let mut server = Running(
        Command::new(SERVER)
            .arg("--config")
            .arg(&config)
            .arg("--listen")
            .arg(address.to_string())
            .env("SESSION_TOKEN_KEY", &keys)
            .env("SSL_CERT_FILE", &ca)
            .env_remove("SSL_CERT_DIR")
            .env_remove("MULTISTORE_INSECURE_ALLOW_HTTP_OIDC_ISSUERS")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("multistore-server starts"),
    );
    wait_until_healthy(address, &mut server).await;

    let token = issuer.mint(&TokenSpec::new(SUBJECT, AUDIENCE));
    let credentials = assume(address, "ci", &token).await.credentials();
    let store = s3(address, "data", &credentials);
    let path = ObjectPath::from("from-ci.txt");
    store
        .put(&path, PutPayload::from_static(b"built"))
        .await
        .expect("put");
    let body = store
        .get(&path)
        .await
        .expect("get")
        .bytes()
        .await
        .expect("body");
    assert_eq!(&body[..], b"built");
}

#[test]
fn a_malformed_session_token_key_stops_start_up_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (key, reason) in [
        ("c2hvcnQ=", "decodes to 5 bytes"),
        ("%%%not-base64%%%", "not valid base64"),
    ] {
        let output = Command::new(SERVER)
            .arg("--check-config")
            .arg("--data-dir")
            .arg(dir.path())
            .current_dir(dir.path())
            .env("SESSION_TOKEN_KEY", key)
            .env_remove("MULTISTORE_CONFIG")
            .env("RUST_LOG", "info")
            .output()
            .expect("multistore-server runs");
        assert!(!output.status.success(), "{key} was accepted");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(text.contains("SESSION_TOKEN_KEY is malformed"), "{text}");
        assert!(text.contains(reason), "{text}");
        assert!(!text.contains(key), "the key is never echoed: {text}");
    }
}
