//! `multistore-test-oidc`: the test OIDC issuer as a process, for suites in other
//! languages. Writes the CA certificate clients must trust to `--ca-pem`, prints
//! `listening on https://127.0.0.1:<port>` (the issuer URL) once ready, and runs until
//! killed.
//!
//! Tokens: `GET <issuer>/mint?sub=…&aud=a,b&alg=RS256&exp_in=300` answers a signed token
//! as text. Also `nbf_in`, `iat_in` (seconds from now), `kid` (`none` to omit), `iss`,
//! `claim.<name>=<value>`; `alg=none` for an unsigned token, `exp_in=none` for no `exp`.
//! `POST <issuer>/rotate?alg=ES256` replaces that algorithm's key and answers the new `kid`.

use std::path::PathBuf;

use clap::Parser;
use multistore_testkit::{IssuerOptions, IssuerScheme, OidcIssuer};

/// An OpenID Connect issuer on loopback with a CA made up for the run.
#[derive(Debug, Parser)]
struct Options {
    /// Port on 127.0.0.1 (0 for any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Where to write the PEM certificate of the CA (for `SSL_CERT_FILE`,
    /// `REQUESTS_CA_BUNDLE`, `AWS_CA_BUNDLE`).
    #[arg(long)]
    ca_pem: PathBuf,
    /// Serve plain HTTP instead of HTTPS.
    #[arg(long)]
    plain_http: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let options = Options::parse();
    let issuer = OidcIssuer::start_with(IssuerOptions {
        port: options.port,
        scheme: if options.plain_http {
            IssuerScheme::PlainHttp
        } else {
            IssuerScheme::Https
        },
        jwks_uri: None,
    })
    .await?;
    issuer.write_ca_pem(&options.ca_pem)?;
    // The one line a parent process waits for.
    #[allow(clippy::print_stdout)]
    {
        println!("listening on {}", issuer.issuer());
    }
    std::future::pending::<()>().await;
    Ok(())
}
