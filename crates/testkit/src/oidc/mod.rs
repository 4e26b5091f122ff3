//! A real OpenID Connect issuer on loopback for tests: HTTPS with a certificate from a CA
//! made up for the run, discovery and JWKS, and tokens signed with real RSA and EC keys.

mod keys;
mod server;
mod tls;
mod token;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use jsonwebtoken::Algorithm;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use keys::{KeyFamily, KeyRing, SigningKey};
use tls::TestCa;
pub use token::{KeyId, TokenSpec};

/// How the issuer is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IssuerScheme {
    /// `https://127.0.0.1:<port>`, with a certificate signed by the issuer's own CA.
    #[default]
    Https,
    /// `http://127.0.0.1:<port>`: what a gateway must refuse unless told otherwise.
    PlainHttp,
}

/// How to start an [`OidcIssuer`].
#[derive(Debug, Clone, Default)]
pub struct IssuerOptions {
    /// Port on 127.0.0.1 (0 for any free port).
    pub port: u16,
    /// HTTPS or plain HTTP.
    pub scheme: IssuerScheme,
    /// The `jwks_uri` the discovery document advertises instead of the issuer's own
    /// `/jwks.json` (to point at keys served elsewhere, over plain HTTP say).
    pub jwks_uri: Option<String>,
}

/// What the routes share with the handle.
pub(crate) struct IssuerState {
    pub(crate) issuer: String,
    pub(crate) jwks_uri: String,
    keys: Mutex<KeyRing>,
    pub(crate) discovery_requests: AtomicUsize,
    pub(crate) jwks_requests: AtomicUsize,
    next_serial: AtomicU32,
}

impl IssuerState {
    pub(crate) fn keys(&self) -> MutexGuard<'_, KeyRing> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn mint(&self, spec: &TokenSpec) -> String {
        token::sign(&self.keys(), &self.issuer, spec)
    }

    pub(crate) fn mint_unsigned(&self, spec: &TokenSpec) -> String {
        token::unsigned(&self.keys(), &self.issuer, spec)
    }

    pub(crate) fn rotate(&self, algorithm: Algorithm) -> String {
        let family = KeyFamily::of(algorithm);
        let serial = self.next_serial.fetch_add(1, Ordering::SeqCst);
        // Generated outside the lock: RSA keys take a moment.
        let key = SigningKey::generate(family, serial);
        let kid = key.kid.clone();
        self.keys().replace(family, key);
        kid
    }
}

/// A running OIDC issuer; stopped when dropped.
///
/// Serves `/.well-known/openid-configuration`, `/jwks.json` (one RSA key for RS256/384/512
/// and PS256, one P-256 key for ES256, one P-384 key for ES384), and for other processes
/// `GET /mint?sub=…` and `POST /rotate?alg=…` (see the `multistore-test-oidc` binary).
pub struct OidcIssuer {
    state: Arc<IssuerState>,
    address: SocketAddr,
    ca_pem: String,
    stop: Option<oneshot::Sender<()>>,
}

impl std::fmt::Debug for OidcIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcIssuer")
            .field("issuer", &self.state.issuer)
            .finish_non_exhaustive()
    }
}

impl OidcIssuer {
    /// An HTTPS issuer on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(IssuerOptions::default()).await
    }

    /// An issuer as `options` say.
    pub async fn start_with(options: IssuerOptions) -> std::io::Result<Self> {
        let ca = TestCa::generate()?;
        let listener = TcpListener::bind(("127.0.0.1", options.port)).await?;
        let address = listener.local_addr()?;
        let scheme = match options.scheme {
            IssuerScheme::Https => "https",
            IssuerScheme::PlainHttp => "http",
        };
        let issuer = format!("{scheme}://{address}");
        let keys = tokio::task::spawn_blocking(KeyRing::generate)
            .await
            .map_err(std::io::Error::other)?;
        let state = Arc::new(IssuerState {
            jwks_uri: options
                .jwks_uri
                .unwrap_or_else(|| format!("{issuer}/jwks.json")),
            issuer,
            keys: Mutex::new(keys),
            discovery_requests: AtomicUsize::new(0),
            jwks_requests: AtomicUsize::new(0),
            next_serial: AtomicU32::new(2),
        });
        let tls = match options.scheme {
            IssuerScheme::Https => Some(TlsAcceptor::from(ca.server_config.clone())),
            IssuerScheme::PlainHttp => None,
        };
        let (stop, stopped) = oneshot::channel();
        tokio::spawn(accept_loop(listener, tls, state.clone(), stopped));
        Ok(Self {
            state,
            address,
            ca_pem: ca.ca_pem,
            stop: Some(stop),
        })
    }

    /// The issuer URL (`iss`): `https://127.0.0.1:<port>`.
    pub fn issuer(&self) -> &str {
        &self.state.issuer
    }

    /// The listening address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The URL of the issuer's own JWKS.
    pub fn jwks_url(&self) -> String {
        format!("{}/jwks.json", self.state.issuer)
    }

    /// The PEM certificate of the CA that signed the issuer's certificate: what clients
    /// must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Writes [`OidcIssuer::ca_pem`] to `path` (for `SSL_CERT_FILE`).
    pub fn write_ca_pem(&self, path: &Path) -> std::io::Result<()> {
        std::fs::write(path, &self.ca_pem)
    }

    /// A token signed as `spec` says.
    pub fn mint(&self, spec: &TokenSpec) -> String {
        self.state.mint(spec)
    }

    /// An unsigned token (`alg: none`) with `spec`'s claims.
    pub fn mint_unsigned(&self, spec: &TokenSpec) -> String {
        self.state.mint_unsigned(spec)
    }

    /// Replaces the key that signs with `algorithm` by a new one with a new `kid`, which
    /// from now on is the only one of its kind published; returns the new `kid`.
    pub async fn rotate(&self, algorithm: Algorithm) -> String {
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || state.rotate(algorithm))
            .await
            .expect("key generation")
    }

    /// The `kid` of the key that signs with `algorithm`.
    pub fn kid(&self, algorithm: Algorithm) -> String {
        self.state.keys().key(KeyFamily::of(algorithm)).kid.clone()
    }

    /// How many times the discovery document was fetched.
    pub fn discovery_requests(&self) -> usize {
        self.state.discovery_requests.load(Ordering::SeqCst)
    }

    /// How many times the JWKS was fetched.
    pub fn jwks_requests(&self) -> usize {
        self.state.jwks_requests.load(Ordering::SeqCst)
    }
}

impl Drop for OidcIssuer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    state: Arc<IssuerState>,
    mut stopped: oneshot::Receiver<()>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = &mut stopped => break,
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| server::route(state.clone(), request));
            let connections = auto::Builder::new(TokioExecutor::new());
            let _ = match tls {
                Some(tls) => match tls.accept(stream).await {
                    Ok(stream) => {
                        connections
                            .serve_connection(TokioIo::new(stream), service)
                            .await
                    }
                    Err(_) => return,
                },
                None => {
                    connections
                        .serve_connection(TokioIo::new(stream), service)
                        .await
                }
            };
        });
    }
}
