//! [`RuntimeParts`]: what only a runtime can supply to build backend clients.

use std::fmt;
use std::sync::Arc;

use http::HeaderMap;
use object_store::ObjectStore;

/// Opens the store of a `local` bucket: the directory `root` on the runtime's file system.
pub type LocalStoreOpener = fn(root: &str) -> object_store::Result<Arc<dyn ObjectStore>>;

/// Removes, before a request is signed, the headers the runtime's transport would not send
/// as they are (so that the signature never covers them).
pub type HeaderFilter = fn(&mut HeaderMap);

/// What a runtime supplies, through [`ProxyBackend::runtime_parts`], for the core to build
/// signers and object stores: everything else (options, credentials, caching) is the
/// core's.
///
/// The default supplies nothing: `object_store`'s own HTTP client (where its `reqwest`
/// feature is on), no file system, and headers signed as they are.
///
/// [`ProxyBackend::runtime_parts`]: super::ProxyBackend::runtime_parts
#[derive(Clone, Default)]
pub struct RuntimeParts {
    pub(crate) local: Option<LocalStoreOpener>,
    pub(crate) header_filter: Option<HeaderFilter>,
    #[cfg(any(feature = "azure", feature = "gcp"))]
    pub(crate) connector: Option<Arc<dyn object_store::client::HttpConnector>>,
    #[cfg(any(feature = "azure", feature = "gcp"))]
    pub(crate) crypto: Option<Arc<dyn object_store::client::CryptoProvider>>,
}

impl RuntimeParts {
    /// Serves `local` buckets with stores `opener` opens (native runtimes: a
    /// `LocalFileSystem`).
    pub fn with_local_file_system(mut self, opener: LocalStoreOpener) -> Self {
        self.local = Some(opener);
        self
    }

    /// Applies `filter` to every request to an S3 backend before it is signed.
    pub fn with_header_filter(mut self, filter: HeaderFilter) -> Self {
        self.header_filter = Some(filter);
        self
    }

    /// The HTTP transport of cloud stores (Azure, GCS) instead of `object_store`'s own.
    #[cfg(any(feature = "azure", feature = "gcp"))]
    pub fn with_http_connector(
        mut self,
        connector: impl object_store::client::HttpConnector,
    ) -> Self {
        self.connector = Some(Arc::new(connector));
        self
    }

    /// The hashing and signing of cloud stores instead of `object_store`'s own.
    #[cfg(any(feature = "azure", feature = "gcp"))]
    pub fn with_crypto_provider(
        mut self,
        provider: Arc<dyn object_store::client::CryptoProvider>,
    ) -> Self {
        self.crypto = Some(provider);
        self
    }
}

impl fmt::Debug for RuntimeParts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = f.debug_struct("RuntimeParts");
        shown
            .field("local", &self.local.is_some())
            .field("header_filter", &self.header_filter.is_some());
        #[cfg(any(feature = "azure", feature = "gcp"))]
        shown
            .field("connector", &self.connector)
            .field("crypto", &self.crypto);
        shown.finish()
    }
}
