//! What Browse knows about the bucket's S3 Inventory report: the offer (a report exists, of
//! this date) and a finished read.

use chrono::{DateTime, Utc};
use s3scope_core::job::Snapshot as ScanCounters;

/// A report that can replace the listing of the location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryOffer {
    /// `s3://DEST/.../manifest.json`
    pub manifest: String,
    pub as_of: DateTime<Utc>,
    /// CSV or Parquet.
    pub format: String,
}

/// A report read into the tree.
#[derive(Debug, Clone, PartialEq)]
pub struct InventoryDone {
    pub offer: InventoryOffer,
    pub rows: u64,
    /// Current objects and their bytes; `list_calls` is 0.
    pub counters: ScanCounters,
    /// The report has version columns: the tree holds noncurrent versions and delete markers.
    pub versions: bool,
    /// Reasons to doubt it is current (objects newer than the report, its age).
    pub warnings: Vec<String>,
}
