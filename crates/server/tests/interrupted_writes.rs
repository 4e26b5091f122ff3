//! A `multistore-server` killed in the middle of an upload to a local-directory bucket
//! leaves a staging file; the next start removes it, and nothing odd is ever listed.
//! Keys with `#` (the shape of `LocalFileSystem`'s temporary files) survive untouched.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use http::{HeaderMap, HeaderValue, Method};
use multistore::SecretString;
use multistore::auth::sigv4::{OutboundRequest, SigningCredentials, SigningKeyCache, encode_path};
use multistore::store::is_interrupted_write;
use multistore_server::default_config::{DEV_ACCESS_KEY_ID, DEV_SECRET_ACCESS_KEY};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SERVER: &str = env!("CARGO_BIN_EXE_multistore-server");
/// Keys shaped like temporary files of `LocalFileSystem` (`name#<digits>`) or like their
/// names for other keys (`a#b` is written through `a#b#1`).
const HASH_KEYS: &[&str] = &["a#1", "a#b", "a#b#1", "dir/f#2", "x#y"];
/// More than the 8 MiB a write buffers, so that the body reaches the disk mid-upload.
const SENT: usize = 9 * 1024 * 1024;

/// The server process, killed (by its own handle) when dropped.
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

/// Starts the server with its built-in configuration over `data`, from the empty
/// directory `cwd` (so that no configuration file is found), and waits until it answers.
async fn start(data: &Path, cwd: &Path, address: SocketAddr) -> Running {
    let mut server = Running(
        Command::new(SERVER)
            .arg("--data-dir")
            .arg(data)
            .arg("--listen")
            .arg(address.to_string())
            .current_dir(cwd)
            .env_remove("MULTISTORE_CONFIG")
            .env_remove("MULTISTORE_REGION")
            .env_remove("SESSION_TOKEN_KEY")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("multistore-server starts"),
    );
    for _ in 0..400 {
        if let Some(status) = server.0.try_wait().expect("child state") {
            panic!("the server exited: {status}");
        }
        if TcpStream::connect(address).await.is_ok() {
            let (status, _) = request(address, Method::GET, "/healthz", "", b"").await;
            if status == 200 {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

/// The head of a request signed with the development key (`UNSIGNED-PAYLOAD`).
fn signed_head(
    address: SocketAddr,
    method: &Method,
    path: &str,
    query: &str,
    length: usize,
) -> String {
    let mut headers = HeaderMap::new();
    let host = HeaderValue::from_str(&address.to_string()).expect("host");
    headers.insert(http::header::HOST, host);
    OutboundRequest {
        method,
        path,
        raw_query: query,
        headers: &mut headers,
        payload_hash: "UNSIGNED-PAYLOAD",
    }
    .sign(
        &SigningCredentials {
            access_key_id: DEV_ACCESS_KEY_ID.to_owned(),
            secret_access_key: SecretString::new(DEV_SECRET_ACCESS_KEY),
            session_token: None,
        },
        "us-east-1",
        "s3",
        Utc::now(),
        &SigningKeyCache::default(),
    )
    .expect("signable request");
    let target = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    let mut head =
        format!("{method} {target} HTTP/1.1\r\nconnection: close\r\ncontent-length: {length}\r\n");
    for (name, value) in &headers {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().expect("text")));
    }
    head.push_str("\r\n");
    head
}

/// Sends one signed request and reads the whole answer: status and body.
async fn request(
    address: SocketAddr,
    method: Method,
    path: &str,
    query: &str,
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let head = signed_head(address, &method, path, query, body.len());
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(body).await.expect("body");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Every file under `root`, relative, sorted.
fn files(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(root).expect("under the root");
                found.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    found.sort();
    found
}

fn leftovers(root: &Path) -> Vec<String> {
    files(root)
        .into_iter()
        .filter(|file| {
            let path = object_store::path::Path::parse(file).expect("a store path");
            is_interrupted_write(&path)
        })
        .collect()
}

/// The keys a listing of the bucket shows.
async fn listed(address: SocketAddr) -> Vec<String> {
    let (status, body) = request(address, Method::GET, "/data", "list-type=2", b"").await;
    assert_eq!(status, 200, "{body}");
    body.split("<Key>")
        .skip(1)
        .filter_map(|rest| rest.split_once("</Key>").map(|(key, _)| key.to_owned()))
        .collect()
}

#[tokio::test]
async fn a_restart_removes_what_a_killed_upload_left() {
    let data = tempfile::tempdir().expect("data directory");
    let cwd = tempfile::tempdir().expect("working directory");
    let address = free_port();
    let server = start(data.path(), cwd.path(), address).await;
    for key in HASH_KEYS {
        let path = format!("/data/{}", encode_path(key));
        let (status, body) = request(address, Method::PUT, &path, "", key.as_bytes()).await;
        assert_eq!(status, 200, "{key}: {body}");
    }
    let objects = files(data.path());

    // A slow upload: the head and 9 of its 16 MiB, then nothing.
    let mut upload = TcpStream::connect(address).await.expect("connect");
    let head = signed_head(address, &Method::PUT, "/data/big.bin", "", 16 * 1024 * 1024);
    upload.write_all(head.as_bytes()).await.expect("head");
    upload.write_all(&vec![7u8; SENT]).await.expect("body");
    let mut staged = Vec::new();
    for _ in 0..600 {
        staged = leftovers(data.path());
        if !staged.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        !staged.is_empty(),
        "no staging file appeared: {:?}",
        files(data.path())
    );
    drop(server);
    drop(upload);
    assert!(
        !leftovers(data.path()).is_empty(),
        "the staging file outlived the process"
    );
    let mut expected = HASH_KEYS.to_vec();
    expected.sort_unstable();

    let _server = start(data.path(), cwd.path(), address).await;
    assert_eq!(leftovers(data.path()), Vec::<String>::new());
    assert_eq!(
        files(data.path()),
        objects,
        "only the objects and their sidecars remain"
    );
    assert_eq!(listed(address).await, expected);
    for key in HASH_KEYS {
        let path = format!("/data/{}", encode_path(key));
        let (status, body) = request(address, Method::GET, &path, "", b"").await;
        assert_eq!((status, body.as_str()), (200, *key));
    }
}
