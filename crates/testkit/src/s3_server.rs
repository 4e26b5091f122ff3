//! An S3 server over a directory, on a random loopback port.

use std::net::SocketAddr;
use std::path::Path;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use s3s::service::S3ServiceBuilder;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::accepted_keys::AcceptedKeys;
use crate::conforming_fs::ConformingFs;

/// A running `s3s-fs` server, with the S3 behaviours it lacks added (conditional reads,
/// URL-encoded listings, complete ListParts answers); stopped when dropped.
#[derive(Debug)]
pub struct S3Server {
    address: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
}

impl S3Server {
    /// Serves the directory `root` (each sub-directory is a bucket) on `127.0.0.1:port`
    /// (0 for any free port), accepting only requests signed with the given key pair.
    pub async fn start(
        root: &Path,
        port: u16,
        access_key: &str,
        secret_key: &str,
    ) -> std::io::Result<Self> {
        Self::start_with_keys(root, port, AcceptedKeys::single(access_key, secret_key)).await
    }

    /// [`start`](Self::start), accepting the key pairs in `keys` as they change.
    pub async fn start_with_keys(
        root: &Path,
        port: u16,
        keys: AcceptedKeys,
    ) -> std::io::Result<Self> {
        let mut builder = S3ServiceBuilder::new(ConformingFs::new(root)?);
        builder.set_auth(keys);
        let service = builder.build();

        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let address = listener.local_addr()?;
        let (stop, mut stopped) = oneshot::channel();
        tokio::spawn(async move {
            let connections = auto::Builder::new(TokioExecutor::new());
            loop {
                let stream = tokio::select! {
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => stream,
                        Err(_) => continue,
                    },
                    _ = &mut stopped => break,
                };
                // The stock server leaves Nagle's algorithm on, which stalls small
                // responses on reused connections by ~40 ms.
                let _ = stream.set_nodelay(true);
                let connection = connections
                    .serve_connection(TokioIo::new(stream), service.clone())
                    .into_owned();
                tokio::spawn(connection);
            }
        });
        Ok(Self {
            address,
            stop: Some(stop),
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The listening address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
