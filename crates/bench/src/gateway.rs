//! The gateway under test: `multistore-server` as a child process with a generated
//! configuration in front of the backend.

use std::fmt::Write as _;
use std::io::Read as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::Method;

use crate::backend::Backend;
use crate::client::{Connection, Keep, Recorder, RequestSpec, Target};
use crate::error::{BenchError, BenchResult};
use crate::options::Options;
use crate::processes::{ChildProcess, GATEWAY_BINARY, free_address};

/// The virtual bucket signed requests use (the backend bucket, no prefix).
pub(crate) const SIGNED_BUCKET: &str = "bench-data";
/// The virtual bucket anyone may read (the same backend bucket).
pub(crate) const ANONYMOUS_BUCKET: &str = "bench-public";
/// The long-lived key pair the gateway knows.
const GATEWAY_ACCESS_KEY: &str = "BENCHGATEWAYKEY";
const GATEWAY_SECRET_KEY: &str = "bench-gateway-secret";
/// The role STS sessions assume.
pub(crate) const ROLE: &str = "bench";
/// The audience the role requires of web identity tokens.
pub(crate) const AUDIENCE: &str = "sts.amazonaws.com";
/// The subject of the benchmark's web identity tokens.
pub(crate) const SUBJECT: &str = "repo:multistore/bench:ref:refs/heads/main";
/// The longest session the role grants (the runs stay well within it).
pub(crate) const MAX_SESSION_SECS: u32 = 43_200;

/// A running gateway.
#[derive(Debug)]
pub(crate) struct Gateway {
    /// Where it listens.
    pub(crate) address: SocketAddr,
    /// The process.
    pub(crate) process: ChildProcess,
    region: String,
}

/// What the gateway needs besides the backend: the OIDC issuer it trusts and that
/// issuer's CA certificate.
#[derive(Debug)]
pub(crate) struct Trust<'a> {
    /// The issuer URL.
    pub(crate) issuer: &'a str,
    /// The PEM file of the CA that signed the issuer's certificate.
    pub(crate) ca_file: &'a Path,
}

impl Gateway {
    /// Writes the configuration to `directory`, starts the gateway pinned to the gateway
    /// CPUs, and waits until `/healthz` answers.
    pub(crate) async fn start(
        options: &Options,
        binaries: &Path,
        directory: &Path,
        backend: &Backend,
        trust: &Trust<'_>,
    ) -> BenchResult<Self> {
        let config = directory.join("multistore.toml");
        std::fs::write(&config, configuration(backend, trust.issuer))
            .map_err(|error| BenchError::file(&config, error))?;
        let address = free_address()?;
        let mut command = Command::new(binaries.join(GATEWAY_BINARY));
        command
            .arg("--config")
            .arg(&config)
            .arg("--listen")
            .arg(address.to_string())
            .env("SESSION_TOKEN_KEY", session_token_key()?)
            .env("SSL_CERT_FILE", trust.ca_file)
            .env("RUST_LOG", &options.gateway_log)
            .env_remove("SSL_CERT_DIR")
            .env_remove("MULTISTORE_CONFIG")
            .env_remove("MULTISTORE_REGION")
            .env_remove("MULTISTORE_DOMAIN")
            .env_remove("MULTISTORE_STS_PATH")
            .env_remove("MULTISTORE_INSECURE_ALLOW_HTTP_OIDC_ISSUERS");
        let cpus = (!options.no_pin).then_some(options.gateway_cpus.as_str());
        let mut process = ChildProcess::start(
            GATEWAY_BINARY,
            &command,
            cpus,
            &directory.join("gateway.log"),
        )?;
        let probe = Target::new(address, &address.to_string(), "", None, &backend.region)?;
        process.wait_until(async || healthy(&probe).await).await?;
        Ok(Self {
            address,
            process,
            region: backend.region.clone(),
        })
    }

    /// Requests to `bucket` through the gateway, signed with `credentials` (`None`:
    /// anonymous).
    pub(crate) fn target(
        &self,
        bucket: &str,
        credentials: Option<multistore::auth::sigv4::SigningCredentials>,
    ) -> BenchResult<Target> {
        Target::new(
            self.address,
            &self.address.to_string(),
            bucket,
            credentials,
            &self.region,
        )
    }

    /// The gateway's long-lived key pair.
    pub(crate) fn key_credentials() -> multistore::auth::sigv4::SigningCredentials {
        Target::credentials(GATEWAY_ACCESS_KEY, GATEWAY_SECRET_KEY, None)
    }
}

async fn healthy(probe: &Target) -> bool {
    let Ok(request) = probe.request_at_path("/healthz", RequestSpec::new(Method::GET, None)) else {
        return false;
    };
    let mut connection = Connection::new(probe.address);
    let mut recorder = Recorder::default();
    connection
        .send(request, Keep::Nothing, &mut recorder)
        .await
        .is_ok_and(|reply| reply.status.is_success())
}

/// 32 random bytes in base64, for `SESSION_TOKEN_KEY`.
fn session_token_key() -> BenchResult<String> {
    let mut key = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut key))
        .map_err(|error| BenchError::file("/dev/urandom", error))?;
    Ok(STANDARD.encode(key))
}

/// The gateway's configuration: two virtual buckets on the backend bucket (one signed,
/// one anonymous-read), a long-lived key that may read and write, and a role trusting
/// `issuer`.
fn configuration(backend: &Backend, issuer: &str) -> String {
    let mut config = String::new();
    for (name, anonymous) in [(SIGNED_BUCKET, false), (ANONYMOUS_BUCKET, true)] {
        let _ = write!(
            config,
            r#"[[buckets]]
name = "{name}"
backend_type = "s3"
anonymous_access = {anonymous}

[buckets.backend_options]
endpoint = {endpoint}
bucket_name = {bucket}
region = {region}
access_key_id = {access_key}
secret_access_key = {secret_key}
virtual_hosted_style_request = "false"

"#,
            endpoint = toml_string(&backend.endpoint),
            bucket = toml_string(&backend.bucket),
            region = toml_string(&backend.region),
            access_key = toml_string(&backend.access_key),
            secret_key = toml_string(&backend.secret_key),
        );
    }
    let _ = write!(
        config,
        r#"[[roles]]
role_id = "{ROLE}"
name = "Benchmark sessions"
trusted_oidc_issuers = [{issuer}]
required_audiences = ["{AUDIENCE}"]
max_session_duration_secs = {MAX_SESSION_SECS}

[[roles.allowed_scopes]]
bucket = "{SIGNED_BUCKET}"
actions = ["get_object", "put_object", "list_bucket", "abort_multipart_upload"]

[[credentials]]
access_key_id = "{GATEWAY_ACCESS_KEY}"
secret_access_key = "{GATEWAY_SECRET_KEY}"
principal_name = "bench"
created_at = 2025-01-01T00:00:00Z

[[credentials.allowed_scopes]]
bucket = "*"
actions = ["get_object", "put_object", "list_bucket", "abort_multipart_upload"]
"#,
        issuer = toml_string(issuer),
    );
    config
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for character in text.chars() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(quoted, "\\u{:04X}", c as u32);
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}
