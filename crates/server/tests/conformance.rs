//! The runtime conformance suite (`multistore::conformance`) against `ServerBackend`,
//! talking to a real `s3s-fs` server on loopback.

use std::net::SocketAddr;

use multistore::SecretString;
use multistore::auth::sigv4::SigningCredentials;
use multistore::backend::S3RequestSigner;
use multistore::conformance::{Conformance, Target};
use multistore_server::{ServerBackend, Timeouts, body};
use multistore_testkit::S3Server;
use tokio::net::TcpSocket;

const ACCESS_KEY: &str = "CONFORMANCEKEY";
const SECRET_KEY: &str = "conformance-secret";
const BUCKET: &str = "conformance";

#[tokio::test]
async fn server_backend_conforms() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir_all(dir.path().join(BUCKET)).expect("bucket directory");
    let s3 = S3Server::start(dir.path(), 0, ACCESS_KEY, SECRET_KEY)
        .await
        .expect("s3s-fs server");
    // Bound but never listening: connections to it are refused.
    let closed = TcpSocket::new_v4().expect("socket");
    closed
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("bind");
    let closed_address = closed.local_addr().expect("address");

    let credentials = SigningCredentials {
        access_key_id: ACCESS_KEY.to_owned(),
        secret_access_key: SecretString::new(SECRET_KEY),
        session_token: None,
    };
    let target = Target {
        bucket_url: format!("{}/{BUCKET}", s3.endpoint()),
        signer: Box::new(S3RequestSigner::new(credentials, "us-east-1")),
        refused_url: format!("http://{closed_address}/{BUCKET}/key"),
    };
    let backend = ServerBackend::new(Timeouts::default()).expect("backend");
    Conformance::new(&backend, target, body::from_stream)
        .run_all()
        .await
        .assert_passed();
}
