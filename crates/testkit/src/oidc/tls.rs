//! A certificate authority made up for one test run, and a server certificate it signs.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A fresh CA and a certificate for `localhost` and `127.0.0.1` signed by it.
pub(crate) struct TestCa {
    /// The CA certificate, PEM: what clients must trust.
    pub(crate) ca_pem: String,
    /// The server's TLS configuration (HTTP/1.1).
    pub(crate) server_config: Arc<ServerConfig>,
}

impl TestCa {
    /// Makes the CA and the server certificate.
    pub(crate) fn generate() -> std::io::Result<Self> {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(other)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "multistore test CA");
        ca_params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
        ];
        let ca_key = KeyPair::generate().map_err(other)?;
        let ca_cert = ca_params.self_signed(&ca_key).map_err(other)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let mut leaf_params =
            CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
                .map_err(other)?;
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "multistore test OIDC issuer");
        leaf_params.use_authority_key_identifier_extension = true;
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let leaf_key = KeyPair::generate().map_err(other)?;
        let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer).map_err(other)?;

        let chain: Vec<CertificateDer<'static>> = vec![leaf_cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let mut server_config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(other)?
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .map_err(other)?;
        server_config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            ca_pem: ca_cert.pem(),
            server_config: Arc::new(server_config),
        })
    }
}

fn other(error: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(error.to_string())
}
