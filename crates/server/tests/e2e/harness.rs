//! One gateway per test: an `s3s-fs` S3 server and the gateway on random loopback ports,
//! over a temporary directory, stopped when the harness is dropped.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use multistore::SecretString;
use multistore::auth::sigv4::sha256_hex;
use multistore::config::{
    AccessScope, Action, BackendOptions, BackendType, BucketConfig, StoredCredential,
};
use multistore::proxy::ProxyGateway;
use multistore::registry::BucketRegistry;
use multistore_server::health::HealthCheck;
use multistore_server::{ServerBackend, ServerLimits, Timeouts, serve_with};
use multistore_static_config::StaticProvider;
use multistore_testkit::S3Server;
use tempfile::TempDir;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::oneshot;

/// The backend a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A virtual bucket on the `s3s-fs` server, under a backend prefix.
    S3,
    /// A virtual bucket on a local directory.
    Local,
}

/// A key pair the gateway knows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key {
    pub(crate) id: &'static str,
    pub(crate) secret: &'static str,
}

/// Every action, on every bucket.
pub(crate) const WRITER: Key = Key {
    id: "AKIDE2EWRITER",
    secret: "writer-secret",
};
/// Get and list on the data buckets.
pub(crate) const READER: Key = Key {
    id: "AKIDE2EREADER",
    secret: "reader-secret",
};
/// Get, put, delete and list under [`SCOPED_PREFIX`] of the data buckets.
pub(crate) const SCOPED: Key = Key {
    id: "AKIDE2ESCOPED",
    secret: "scoped-secret",
};
/// A key the gateway has never heard of.
pub(crate) const UNKNOWN: Key = Key {
    id: "AKIDE2EUNKNOWN",
    secret: "unknown-secret",
};
/// The prefix [`SCOPED`] is limited to.
pub(crate) const SCOPED_PREFIX: &str = "scoped/";

/// The bucket directory of the `s3s-fs` server.
const BACKEND_BUCKET: &str = "backend";
/// Where the `s3` data bucket's keys live inside the backend bucket.
pub(crate) const BACKEND_PREFIX: &str = "hidden-prefix/v1";
/// Where the `s3` public bucket's keys live inside the backend bucket.
const PUBLIC_PREFIX: &str = "public";
/// The key pair the `s3s-fs` server accepts (the gateway's, never a client's).
const BACKEND_KEY: Key = Key {
    id: "BACKENDKEYID",
    secret: "backend-secret",
};

/// The virtual buckets, by name.
pub(crate) const S3_DATA: &str = "s3-data";
pub(crate) const LOCAL_DATA: &str = "local-data";
pub(crate) const S3_PUBLIC: &str = "s3-public";
pub(crate) const LOCAL_PUBLIC: &str = "local-public";
/// An `s3` bucket whose endpoint nobody listens on.
pub(crate) const S3_DOWN: &str = "s3-down";

/// A running gateway with its backends.
pub(crate) struct Harness {
    pub(crate) kind: Kind,
    pub(crate) address: SocketAddr,
    /// The `s3s-fs` server's address: it must never reach a client.
    pub(crate) backend_address: SocketAddr,
    /// The closed port the `s3-down` bucket points at.
    pub(crate) down_address: SocketAddr,
    dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    _s3: S3Server,
    _down: TcpSocket,
}

impl Harness {
    /// Starts the backends and the gateway; `kind` picks the data bucket tests use.
    pub(crate) async fn start(kind: Kind) -> Self {
        Self::start_with(kind, ServerLimits::default()).await
    }

    /// [`start`](Self::start), the gateway holding clients to `limits`.
    pub(crate) async fn start_with(kind: Kind, limits: ServerLimits) -> Self {
        Self::launch(kind, limits, |provider| provider).await
    }

    /// [`start`](Self::start), buckets resolved by the registry `registry` makes of the
    /// configured provider (credentials still come from the provider).
    pub(crate) async fn start_with_registry<R: BucketRegistry>(
        kind: Kind,
        registry: impl FnOnce(Arc<StaticProvider>) -> R,
    ) -> Self {
        Self::launch(kind, ServerLimits::default(), registry).await
    }

    async fn launch<R: BucketRegistry>(
        kind: Kind,
        limits: ServerLimits,
        registry: impl FnOnce(Arc<StaticProvider>) -> R,
    ) -> Self {
        // `RUST_LOG=warn cargo test …` shows the gateway's (and s3s's) logs of a failure.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let dir = tempfile::tempdir().expect("temporary directory");
        let s3_root = dir.path().join("s3");
        std::fs::create_dir_all(s3_root.join(BACKEND_BUCKET)).expect("backend bucket");
        let s3 = S3Server::start(&s3_root, 0, BACKEND_KEY.id, BACKEND_KEY.secret)
            .await
            .expect("s3s-fs server");
        let (down_socket, down_address) = closed_port();

        let buckets = vec![
            s3_bucket(S3_DATA, &s3.endpoint(), Some(BACKEND_PREFIX), false),
            local_bucket(LOCAL_DATA, &dir.path().join("local"), false),
            s3_bucket(S3_PUBLIC, &s3.endpoint(), Some(PUBLIC_PREFIX), true),
            local_bucket(LOCAL_PUBLIC, &dir.path().join("local-public"), true),
            s3_bucket(S3_DOWN, &format!("http://{down_address}"), None, false),
        ];
        let data = [S3_DATA, LOCAL_DATA];
        let credentials = vec![
            credential(WRITER, "writer", &["*"], &[], &Action::ALL),
            credential(
                READER,
                "reader",
                &data,
                &[],
                &[Action::GetObject, Action::ListBucket],
            ),
            credential(
                SCOPED,
                "scoped",
                &data,
                &[SCOPED_PREFIX],
                &[
                    Action::GetObject,
                    Action::PutObject,
                    Action::DeleteObject,
                    Action::ListBucket,
                ],
            ),
        ];
        let provider =
            Arc::new(StaticProvider::new(buckets, vec![], credentials).expect("valid config"));
        let backend = ServerBackend::new(Timeouts::default()).expect("HTTP client");
        let gateway = ProxyGateway::new(backend, registry(provider.clone()), provider)
            .with_route_handler(HealthCheck);

        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(serve_with(listener, Arc::new(gateway), limits, async {
            let _ = stopped.await;
        }));
        Self {
            kind,
            address,
            backend_address: s3.address(),
            down_address,
            dir,
            stop: Some(stop),
            _s3: s3,
            _down: down_socket,
        }
    }

    /// `http://127.0.0.1:<port>` of the gateway.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The data bucket of this run's backend.
    pub(crate) fn bucket(&self) -> &'static str {
        match self.kind {
            Kind::S3 => S3_DATA,
            Kind::Local => LOCAL_DATA,
        }
    }

    /// The anonymous-read bucket of this run's backend.
    pub(crate) fn public_bucket(&self) -> &'static str {
        match self.kind {
            Kind::S3 => S3_PUBLIC,
            Kind::Local => LOCAL_PUBLIC,
        }
    }

    /// The directory where the data bucket's objects are files, named by their keys.
    pub(crate) fn data_dir(&self) -> PathBuf {
        match self.kind {
            Kind::S3 => self
                .dir
                .path()
                .join("s3")
                .join(BACKEND_BUCKET)
                .join(BACKEND_PREFIX),
            Kind::Local => self.dir.path().join("local"),
        }
    }

    /// The directory where the public bucket's objects are files.
    pub(crate) fn public_dir(&self) -> PathBuf {
        match self.kind {
            Kind::S3 => self
                .dir
                .path()
                .join("s3")
                .join(BACKEND_BUCKET)
                .join(PUBLIC_PREFIX),
            Kind::Local => self.dir.path().join("local-public"),
        }
    }

    /// The backend bucket of the `s3s-fs` server, outside every backend prefix.
    pub(crate) fn backend_bucket_dir(&self) -> PathBuf {
        self.dir.path().join("s3").join(BACKEND_BUCKET)
    }

    /// Every file and directory of every backend, with file contents: two equal snapshots
    /// mean nothing was written, renamed or deleted in between.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let mut entries = BTreeMap::new();
        walk(self.dir.path(), self.dir.path(), &mut entries);
        Snapshot(entries)
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The files (with the SHA-256 of their contents) and directories (`None`) under a root.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Snapshot(BTreeMap<String, Option<String>>);

impl Snapshot {
    /// The files only (directories left behind empty do not count).
    pub(crate) fn files(&self) -> BTreeMap<&str, &str> {
        self.0
            .iter()
            .filter_map(|(path, content)| Some((path.as_str(), content.as_deref()?)))
            .collect()
    }
}

fn walk(root: &Path, dir: &Path, entries: &mut BTreeMap<String, Option<String>>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        let name = path
            .strip_prefix(root)
            .expect("under the root")
            .to_string_lossy()
            .into_owned();
        if is_scratch_file(&path) {
            continue;
        }
        if path.is_dir() {
            entries.insert(name, None);
            walk(root, &path, entries);
        } else {
            let content = std::fs::read(&path).unwrap_or_default();
            entries.insert(name, Some(sha256_hex(&content)));
        }
    }
}

/// `s3s-fs` writes each upload to `.tmp.<n>.internal.part` and removes it when the write
/// ends, which for an aborted upload may be just after the client has its answer: a write
/// in flight, never an object.
fn is_scratch_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with(".tmp.") && name.ends_with(".internal.part"))
}

fn s3_bucket(name: &str, endpoint: &str, prefix: Option<&str>, public: bool) -> BucketConfig {
    BucketConfig {
        name: name.to_owned(),
        backend_type: BackendType::S3,
        backend_prefix: prefix.map(str::to_owned),
        anonymous_access: public,
        allowed_roles: vec![],
        backend_options: [
            ("endpoint", endpoint),
            ("bucket_name", BACKEND_BUCKET),
            ("region", "us-east-1"),
            ("access_key_id", BACKEND_KEY.id),
            ("secret_access_key", BACKEND_KEY.secret),
        ]
        .into_iter()
        .collect::<BackendOptions>(),
    }
}

fn local_bucket(name: &str, root: &Path, public: bool) -> BucketConfig {
    std::fs::create_dir_all(root).expect("local bucket directory");
    BucketConfig {
        name: name.to_owned(),
        backend_type: BackendType::Local,
        backend_prefix: None,
        anonymous_access: public,
        allowed_roles: vec![],
        backend_options: [("root", root.to_string_lossy().into_owned())]
            .into_iter()
            .collect::<BackendOptions>(),
    }
}

fn credential(
    key: Key,
    principal: &str,
    buckets: &[&str],
    prefixes: &[&str],
    actions: &[Action],
) -> StoredCredential {
    StoredCredential {
        access_key_id: key.id.to_owned(),
        secret_access_key: SecretString::new(key.secret),
        principal_name: principal.to_owned(),
        created_at: Utc.timestamp_opt(0, 0).single().expect("epoch"),
        expires_at: None,
        enabled: true,
        allowed_scopes: buckets
            .iter()
            .map(|bucket| AccessScope {
                bucket: (*bucket).to_owned(),
                prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
                actions: actions.to_vec(),
            })
            .collect(),
    }
}

/// A loopback port that refuses connections: bound, so that no other server of a test
/// running alongside can take it, but never listening.
fn closed_port() -> (TcpSocket, SocketAddr) {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .expect("bind");
    let address = socket.local_addr().expect("address");
    (socket, address)
}
