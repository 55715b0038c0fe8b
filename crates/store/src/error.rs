//! Errors of the embedded S3 store, its server and the demo seed, each saying what to do next.

use std::io;
use std::path::PathBuf;

/// Everything that can go wrong in `demo`: the store's S3 semantics (mapped to S3 error codes
/// by the server) and the local failures around it.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "cannot listen on 127.0.0.1:{port}: {source}; choose another port, or 0 for any free one"
    )]
    Bind { port: u16, source: io::Error },
    #[error(
        "cannot {action} {path}: {source}; check that the directory is writable and the disk is not full"
    )]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error(
        "the demo directory {0} is in use by another s3scope process; stop it or choose another directory"
    )]
    InUse(PathBuf),
    #[error(
        "the demo store file {path} is damaged ({reason}); delete the demo directory to start over"
    )]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "the demo directory {dir} holds a partly seeded store; delete it and run the demo again"
    )]
    PartialSeed { dir: PathBuf },
    #[error("the demo data description assets/demo.toml is invalid: {0}; this is a bug in s3scope")]
    SeedDescription(String),
    #[error("bucket {0:?} does not exist; create it first or check the name")]
    NoSuchBucket(String),
    #[error("bucket {0:?} already exists; pick another name")]
    BucketAlreadyExists(String),
    #[error("bucket {0:?} is not empty; delete its objects, versions and delete markers first")]
    BucketNotEmpty(String),
    #[error(
        "invalid bucket name {0:?}: use 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit"
    )]
    InvalidBucketName(String),
    #[error("object {key:?} does not exist in bucket {bucket:?}")]
    NoSuchKey {
        bucket: String,
        key: String,
        /// The latest version is a delete marker (S3 then sends `x-amz-delete-marker: true`).
        delete_marker: bool,
    },
    #[error(
        "version {version_id:?} of object {key:?} does not exist; list the versions to find a valid id"
    )]
    NoSuchVersion { key: String, version_id: String },
    #[error("version {version_id:?} of object {key:?} is a delete marker, which has no content")]
    DeleteMarkerVersion { key: String, version_id: String },
    #[error("multipart upload {0:?} does not exist; it may have been completed or aborted already")]
    NoSuchUpload(String),
    #[error(
        "unknown storage class {0:?}; use STANDARD, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, GLACIER_IR, DEEP_ARCHIVE or REDUCED_REDUNDANCY"
    )]
    InvalidStorageClass(String),
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    #[error(
        "invalid part list: {0}; list the parts of the upload and send their numbers and ETags"
    )]
    InvalidPart(String),
    #[error("part numbers must be listed in ascending order without repetition")]
    InvalidPartOrder,
    #[error("part {part_number} has {size} bytes; every part but the last needs at least 5 MiB")]
    EntityTooSmall { part_number: i32, size: u64 },
    #[error("precondition failed: {0}")]
    PreconditionFailed(String),
    #[error("object not modified: its ETag matches if-none-match")]
    NotModified,
    #[error("the requested range is not satisfiable for an object of {size} bytes")]
    InvalidRange { size: u64 },
    #[error("{0} is not supported by the demo S3 server")]
    NotImplemented(&'static str),
}

impl DemoError {
    /// Wraps an I/O error with what was being done and where.
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(io::Error) -> Self {
        let path = path.into();
        move |source| DemoError::Io {
            action,
            path,
            source,
        }
    }
}
