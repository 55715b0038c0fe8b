//! `manifest.json` (what a package holds, with sizes and checksums) and `collection_status.csv`.

use super::PipelineError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io::Read;
use std::path::Path;

/// Version of the manifest layout; bumped when fields change meaning.
pub const MANIFEST_FORMAT: u32 = 1;
pub const MANIFEST_NAME: &str = "manifest.json";
pub const STATUS_NAME: &str = "collection_status.csv";

/// What one extract run wrote.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: u32,
    pub tool: String,
    pub tool_version: String,
    pub run_id: String,
    /// When the run started (listings are the state at about this time).
    pub created_at: DateTime<Utc>,
    /// First moment of the window.
    pub since: DateTime<Utc>,
    /// First moment after the window.
    pub until: DateTime<Utc>,
    /// The day partition of the package: the last day of the window.
    pub dt: String,
    /// The S3 endpoint the data came from (never credentials).
    pub endpoint: String,
    pub collectors: Vec<CollectorStatus>,
    pub files: Vec<FileEntry>,
}

/// How one collector went.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CollectorStatus {
    pub name: String,
    pub version: u32,
    pub started: DateTime<Utc>,
    pub stopped: DateTime<Utc>,
    pub success: bool,
    pub rows: u64,
    pub error: Option<String>,
}

/// One data file of the package.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FileEntry {
    /// File name inside the package directory.
    pub name: String,
    pub collector: String,
    /// `listing`, `bucket_stats`, `cloudwatch` or `usage`: the schema of the file.
    pub table: String,
    pub rows: u64,
    pub bytes: u64,
    pub sha256: String,
    /// Buckets whose rows the file holds (listings), so process can pick per bucket.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buckets: Vec<String>,
}

impl Manifest {
    pub fn to_json(&self) -> Result<Vec<u8>, PipelineError> {
        let mut v = serde_json::to_vec_pretty(self)
            .map_err(|e| PipelineError::Other(format!("cannot encode the manifest: {e}")))?;
        v.push(b'\n');
        Ok(v)
    }

    pub fn from_json(bytes: &[u8], what: &str) -> Result<Self, PipelineError> {
        let m: Self = serde_json::from_slice(bytes)
            .map_err(|e| PipelineError::Other(format!("{what} is not a valid manifest: {e}")))?;
        if m.format > MANIFEST_FORMAT {
            return Err(PipelineError::Other(format!(
                "{what} has manifest format {}, newer than this s3scope understands ({MANIFEST_FORMAT}); upgrade s3scope",
                m.format
            )));
        }
        Ok(m)
    }

    /// `collection_status.csv`: one row per collector.
    pub fn status_csv(&self) -> Result<Vec<u8>, PipelineError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let err = |e: csv::Error| PipelineError::Other(format!("cannot write the status: {e}"));
        w.write_record([
            "collector",
            "version",
            "started",
            "stopped",
            "success",
            "rows",
            "error",
        ])
        .map_err(err)?;
        for c in &self.collectors {
            w.write_record([
                c.name.clone(),
                c.version.to_string(),
                crate::instants::iso(c.started),
                crate::instants::iso(c.stopped),
                c.success.to_string(),
                c.rows.to_string(),
                c.error.clone().unwrap_or_default(),
            ])
            .map_err(err)?;
        }
        w.into_inner()
            .map_err(|e| PipelineError::Other(format!("cannot write the status: {e}")))
    }
}

/// Size and SHA-256 (hex) of a file, read in chunks.
pub fn checksum(path: &Path) -> Result<(u64, String), PipelineError> {
    use sha2::{Digest, Sha256};
    let what = path.display().to_string();
    let mut f =
        std::fs::File::open(path).map_err(PipelineError::io(format!("cannot read {what}")))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = f
            .read(&mut buf)
            .map_err(PipelineError::io(format!("cannot read {what}")))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((size, hex::encode(h.finalize())))
}
