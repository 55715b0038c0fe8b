//! Errors of extract and process, each saying what to do next.

use thiserror::Error;

/// Why extract or process failed.
#[derive(Debug, Error)]
pub enum PipelineError {
    /// Bad input from the user (flags, paths): exit code 2.
    #[error("{0}")]
    Usage(String),
    #[error("{what}: {source}; check the path exists and is writable by this user")]
    Io {
        what: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    S3(#[from] crate::s3::error::S3Error),
    #[error("Parquet {what}: {detail}")]
    Parquet { what: String, detail: String },
    #[error("{0}")]
    Other(String),
    #[error("cancelled")]
    Cancelled,
}

impl PipelineError {
    /// Wraps an I/O error with the file or directory it concerns.
    pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Self {
        let what = what.into();
        move |source| Self::Io { what, source }
    }

    /// Wraps a Parquet or Arrow error.
    pub fn parquet(what: impl Into<String>) -> impl FnOnce(String) -> Self {
        let what = what.into();
        move |detail| Self::Parquet { what, detail }
    }

    /// True for mistakes in the command line (exit 2) rather than failures while running.
    pub fn is_usage(&self) -> bool {
        matches!(self, Self::Usage(_))
    }
}
