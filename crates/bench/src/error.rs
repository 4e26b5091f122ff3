//! The one error type of the benchmark.

use std::path::PathBuf;

/// What can stop a benchmark run.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BenchError {
    /// A file, process or socket operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// An HTTP exchange failed below the status line.
    #[error("HTTP: {0}")]
    Http(#[from] hyper::Error),
    /// A request could not be built or signed.
    #[error("building a request: {0}")]
    Request(String),
    /// A server answered with an unexpected status.
    #[error("{what}: HTTP {status}: {body}")]
    Status {
        /// The request.
        what: String,
        /// The status received.
        status: http::StatusCode,
        /// The start of the response body.
        body: String,
    },
    /// The setup is not what the benchmark needs.
    #[error("{0}")]
    Setup(String),
}

impl BenchError {
    /// An I/O error with what was being done.
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    /// A file error naming the file.
    pub(crate) fn file(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::File {
            path: path.into(),
            source,
        }
    }
}

/// The benchmark's result type.
pub(crate) type BenchResult<T> = Result<T, BenchError>;
