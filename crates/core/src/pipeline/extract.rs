//! `extract`: run the collectors of a window and write one package per run.
//!
//! A package is `<data_dir>/dt=YYYY-MM-DD/<run-id>/` where the run id is the window
//! (`20261122T000000Z-20261123T000000Z`), so re-running a window replaces its package instead
//! of adding a second one. Data files carry an attempt suffix; `manifest.json` is written last
//! and names the files of its attempt, then files of earlier attempts are removed. A reader
//! that trusts only the manifest never mixes two runs.

mod listing; // object listings (parallel ListObjectsV2, or ListObjectVersions) into Parquet
mod listing_inventory; // object listings from each bucket's S3 Inventory report instead
mod sources; // bucket stats, CloudWatch datapoints, RGW usage

use super::PipelineError;
use super::manifest::{
    CollectorStatus, FileEntry, MANIFEST_FORMAT, MANIFEST_NAME, Manifest, STATUS_NAME, checksum,
};
use super::storage::Storage;
use crate::instants::Window;
use crate::job::Progress;
use crate::s3::client::Clients;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

pub use listing::LISTING_VERSION;

/// A raw source an extract can snapshot.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
#[serde(rename_all = "kebab-case")]
pub enum SourceName {
    /// Every object of each bucket (key, size, class, ETag, modification time).
    Listing,
    /// Objects and bytes per bucket from the bucket table's cheapest source.
    BucketStats,
    /// CloudWatch daily storage datapoints (AWS).
    Cloudwatch,
    /// Ceph RGW admin usage entries (requests and bytes per user, bucket, category, hour).
    Usage,
}

impl SourceName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Listing => "listing",
            Self::BucketStats => "bucket-stats",
            Self::Cloudwatch => "cloudwatch",
            Self::Usage => "usage",
        }
    }

    fn version(self) -> u32 {
        match self {
            Self::Listing => LISTING_VERSION,
            _ => 1,
        }
    }
}

/// What to extract.
#[derive(Debug, Clone, PartialEq)]
pub struct ExtractRequest {
    pub window: Window,
    pub sources: Vec<SourceName>,
    /// Only buckets whose name matches this glob.
    pub buckets: Option<String>,
    /// List every version (ListObjectVersions) instead of the current objects.
    pub versions: bool,
    /// Parallel LIST requests per bucket.
    pub concurrency: usize,
    /// Where `usage` reads from (RGW admin API or access logs); None: the RGW admin API when
    /// the profile enables it.
    pub usage_source: Option<crate::usage::Source>,
    /// Listings from each bucket's S3 Inventory report instead of LIST calls.
    pub listing_from_inventory: bool,
}

/// What one extract did.
#[derive(Debug, Clone, Serialize)]
pub struct ExtractReport {
    /// Where the package is (directory or s3:// prefix).
    pub package: String,
    pub manifest: Manifest,
    pub elapsed_secs: f64,
}

impl ExtractReport {
    /// The collectors that failed, with their errors.
    pub fn failures(&self) -> Vec<(String, String)> {
        self.manifest
            .collectors
            .iter()
            .filter(|c| !c.success)
            .map(|c| (c.name.clone(), c.error.clone().unwrap_or_default()))
            .collect()
    }
}

/// A file a collector wrote to the staging directory.
pub(crate) struct Staged {
    pub table: &'static str,
    pub path: PathBuf,
    pub rows: u64,
    pub buckets: Vec<String>,
}

/// What a collector returns: its files (none when there is nothing new) and, for listings,
/// objects and bytes per bucket and class (reused by bucket-stats instead of a second scan).
#[derive(Default)]
pub(crate) struct Collected {
    pub files: Vec<Staged>,
    pub totals: BTreeMap<String, BTreeMap<String, (u64, u64)>>,
    /// A partial failure: the files hold what succeeded.
    pub error: Option<String>,
}

/// Shared inputs of the collectors.
pub(crate) struct Ctx<'a> {
    pub clients: &'a Clients,
    pub window: Window,
    pub staging: PathBuf,
    pub progress: &'a Progress,
    pub req: &'a ExtractRequest,
    pub keep: globset::GlobMatcher,
}

impl Ctx<'_> {
    fn keeps(&self, bucket: &str) -> bool {
        self.req.buckets.is_none() || self.keep.is_match(bucket)
    }
}

/// The day partition of a window: its last day.
pub fn day_of(window: &Window) -> String {
    (window.until - Duration::microseconds(1))
        .format("%Y-%m-%d")
        .to_string()
}

/// The package directory of a window, relative to the data dir.
pub fn package_dir(window: &Window) -> String {
    let f = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    format!(
        "dt={}/{}-{}",
        day_of(window),
        f(window.since),
        f(window.until)
    )
}

/// The stages an extract reports, in order.
pub fn stages(req: &ExtractRequest) -> Vec<&'static str> {
    let mut s: Vec<&'static str> = req.sources.iter().map(|s| s.as_str()).collect();
    s.push("upload");
    s
}

/// Runs the collectors of `req` and writes the package to `data`.
pub async fn extract(
    clients: &Clients,
    data: &Storage,
    req: &ExtractRequest,
    progress: &Progress,
) -> Result<ExtractReport, PipelineError> {
    let started = std::time::Instant::now();
    if req.sources.is_empty() {
        return Err(PipelineError::Usage(
            "no sources: pass --sources listing,bucket-stats,cloudwatch,usage (any of them)".into(),
        ));
    }
    let keep = globset::Glob::new(req.buckets.as_deref().unwrap_or("*"))
        .map_err(|e| PipelineError::Usage(format!("--buckets is not a glob: {e}")))?
        .compile_matcher();
    data.check_writable().await?;
    let created_at = Utc::now();
    let staging = tempfile::Builder::new()
        .prefix("s3scope-extract-")
        .tempdir()
        .map_err(PipelineError::io("cannot create a temporary directory"))?;
    let ctx = Ctx {
        clients,
        window: req.window,
        staging: staging.path().to_path_buf(),
        progress,
        req,
        keep,
    };
    let mut sources = req.sources.clone();
    sources.sort();
    sources.dedup();
    let mut statuses = Vec::new();
    let mut staged = Vec::new();
    let mut totals = BTreeMap::new();
    for source in sources {
        if progress.cancel.is_cancelled() {
            return Err(PipelineError::Cancelled);
        }
        progress.stage(source.as_str());
        let t0 = Utc::now();
        let result = match source {
            SourceName::Listing => listing::collect(&ctx).await,
            SourceName::BucketStats => sources::bucket_stats(&ctx, &totals).await,
            SourceName::Cloudwatch => sources::cloudwatch(&ctx).await,
            SourceName::Usage => sources::usage(&ctx).await,
        };
        let (rows, error) = match result {
            Ok(c) => {
                let rows = c.files.iter().map(|f| f.rows).sum();
                if source == SourceName::Listing {
                    totals = c.totals;
                }
                staged.extend(c.files.into_iter().map(|f| (source, f)));
                (rows, c.error)
            }
            Err(PipelineError::Cancelled) => return Err(PipelineError::Cancelled),
            Err(e) => (0, Some(e.to_string())),
        };
        if let Some(e) = &error {
            progress.error(&format!("{}: {e}", source.as_str()));
        }
        statuses.push(CollectorStatus {
            name: source.as_str().to_string(),
            version: source.version(),
            started: t0,
            stopped: Utc::now(),
            success: error.is_none(),
            rows,
            error,
        });
    }
    progress.stage("upload");
    let dir = package_dir(&req.window);
    let attempt = format!("{:x}", created_at.timestamp_millis());
    let mut files = Vec::new();
    for (source, f) in staged {
        let name = format!("{}-{attempt}.parquet", f.table);
        let (bytes, sha256) = checksum(&f.path)?;
        data.put_file(&format!("{dir}/{name}"), &f.path).await?;
        progress.add(1, bytes);
        files.push(FileEntry {
            name,
            collector: source.as_str().to_string(),
            table: f.table.to_string(),
            rows: f.rows,
            bytes,
            sha256,
            buckets: f.buckets,
        });
    }
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        tool: "s3scope".into(),
        tool_version: env!("CARGO_PKG_VERSION").into(),
        run_id: dir.rsplit('/').next().unwrap_or_default().to_string(),
        created_at,
        since: req.window.since,
        until: req.window.until,
        dt: day_of(&req.window),
        endpoint: clients.endpoint_label(),
        collectors: statuses,
        files,
    };
    data.put_bytes(&format!("{dir}/{STATUS_NAME}"), &manifest.status_csv()?)
        .await?;
    data.put_bytes(&format!("{dir}/{MANIFEST_NAME}"), &manifest.to_json()?)
        .await?;
    // Files of earlier attempts of this window are no longer named by the manifest.
    for old in data.glob(&format!("{dir}/*.parquet")).await? {
        let base = old.rsplit('/').next().unwrap_or_default();
        if !manifest.files.iter().any(|f| f.name == base) {
            data.remove(&old).await?;
        }
    }
    Ok(ExtractReport {
        package: data.describe(&dir),
        manifest,
        elapsed_secs: started.elapsed().as_secs_f64(),
    })
}
