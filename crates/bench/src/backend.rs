//! The S3 backend: the testkit's S3 server started for the run, or an external endpoint.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::process::Command;

use multistore::auth::sigv4::SigningCredentials;

use crate::client::Target;
use crate::error::{BenchError, BenchResult};
use crate::options::Options;
use crate::processes::{BACKEND_BINARY, ChildProcess};

/// The key pair of the testkit's S3 server when none is given.
const LOCAL_ACCESS_KEY: &str = "BENCHBACKENDKEY";
const LOCAL_SECRET_KEY: &str = "bench-backend-secret";

/// A reachable S3 backend and how to sign for it.
#[derive(Debug)]
pub(crate) struct Backend {
    /// `http://host:port`, as the gateway's configuration names it.
    pub(crate) endpoint: String,
    /// Where connections go.
    pub(crate) address: SocketAddr,
    /// The `Host` header.
    pub(crate) host: String,
    /// The bucket the scenarios use.
    pub(crate) bucket: String,
    /// The backend's access key id.
    pub(crate) access_key: String,
    /// The backend's secret access key.
    pub(crate) secret_key: String,
    /// The backend's region.
    pub(crate) region: String,
    /// The server process, when the run started one.
    pub(crate) process: Option<ChildProcess>,
}

impl Backend {
    /// The testkit's S3 server over `directory/s3`, pinned to the client CPUs, or the
    /// external endpoint of `--endpoint`.
    pub(crate) async fn start(
        options: &Options,
        binaries: &Path,
        directory: &Path,
    ) -> BenchResult<Self> {
        match &options.endpoint {
            Some(endpoint) => Self::external(options, endpoint),
            None => Self::local(options, binaries, directory).await,
        }
    }

    async fn local(options: &Options, binaries: &Path, directory: &Path) -> BenchResult<Self> {
        let root = directory.join("s3");
        let bucket = root.join(&options.bucket);
        std::fs::create_dir_all(&bucket).map_err(|error| BenchError::file(&bucket, error))?;
        let access_key = options.access_key.as_deref().unwrap_or(LOCAL_ACCESS_KEY);
        let secret_key = options.secret_key.as_deref().unwrap_or(LOCAL_SECRET_KEY);
        let mut command = Command::new(binaries.join(BACKEND_BINARY));
        command
            .arg("--root")
            .arg(&root)
            .args(["--port", "0", "--access-key", access_key])
            .args(["--secret-key", secret_key])
            .env("RUST_LOG", "error");
        let cpus = (!options.no_pin).then_some(options.client_cpus.as_str());
        let mut process = ChildProcess::start(
            BACKEND_BINARY,
            &command,
            cpus,
            &directory.join("backend.log"),
        )?;
        let endpoint = process.wait_for_line("listening on ").await?;
        let (address, host) = resolve(&endpoint)?;
        Ok(Self {
            endpoint,
            address,
            host,
            bucket: options.bucket.clone(),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            region: options.region.clone(),
            process: Some(process),
        })
    }

    fn external(options: &Options, endpoint: &str) -> BenchResult<Self> {
        let (Some(access_key), Some(secret_key)) = (&options.access_key, &options.secret_key)
        else {
            return Err(BenchError::Setup(
                "--endpoint needs --access-key and --secret-key".into(),
            ));
        };
        let (address, host) = resolve(endpoint)?;
        Ok(Self {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            address,
            host,
            bucket: options.bucket.clone(),
            access_key: access_key.clone(),
            secret_key: secret_key.clone(),
            region: options.region.clone(),
            process: None,
        })
    }

    /// The backend's key pair, for signing direct requests.
    pub(crate) fn credentials(&self) -> SigningCredentials {
        Target::credentials(&self.access_key, &self.secret_key, None)
    }

    /// Requests straight to the backend, signed with its keys.
    pub(crate) fn target(&self) -> BenchResult<Target> {
        Target::new(
            self.address,
            &self.host,
            &self.bucket,
            Some(self.credentials()),
            &self.region,
        )
    }
}

/// The socket address and `Host` value of an `http://host:port` endpoint.
fn resolve(endpoint: &str) -> BenchResult<(SocketAddr, String)> {
    let authority = endpoint
        .strip_prefix("http://")
        .ok_or_else(|| {
            BenchError::Setup(format!(
                "endpoint `{endpoint}`: only http:// endpoints are supported"
            ))
        })?
        .trim_end_matches('/');
    if authority.contains('/') {
        return Err(BenchError::Setup(format!(
            "endpoint `{endpoint}` must have no path"
        )));
    }
    let with_port = if authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.parse::<u16>().is_ok())
    {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let address = with_port
        .to_socket_addrs()
        .map_err(|error| BenchError::io(format!("resolving {authority}"), error))?
        .next()
        .ok_or_else(|| BenchError::Setup(format!("{authority} resolves to nothing")))?;
    Ok((address, authority.to_owned()))
}
