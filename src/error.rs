//! Error types of the library. Per-document problems are not errors: they become
//! [`crate::doc::Rejection`]s and the run goes on. These are the failures that stop a run.

use std::path::PathBuf;

/// A failure that stops a whole run (as opposed to a bad document, which is recorded).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The output folder could not be created or written.
    #[error("cannot write output folder {path}: {source}")]
    Output {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A configuration value is out of range or contradictory.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// Reading standard input or another stream failed.
    #[error("reading {what}: {source}")]
    Read {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// A file (an input list, a signature file, a drop list) could not be read.
    #[error("cannot read {path}: {source}")]
    Input {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A signature file or drop list is malformed or does not match the others.
    #[error("{path}: {detail}")]
    Format { path: PathBuf, detail: String },
    /// The worker pool could not be built.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
