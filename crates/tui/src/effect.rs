//! What `update` asks the runtime to do; the runtime turns each into a task or a terminal write.

use super::event::RequestId;
use super::state::browse::SharedTree;
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::s3::location::S3Location;
use s3scope_core::scan::job::ScanRequest;
use s3scope_core::scan::snapshot::SnapshotMeta;

/// One side effect. Results come back as [`super::event::Event`]s carrying the same id.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// ListBuckets for the profile.
    LoadBuckets { id: RequestId },
    /// GetBucketLocation for buckets without a region, results in batches.
    ResolveRegions {
        id: RequestId,
        buckets: Vec<BucketInfo>,
    },
    /// The bucket table (objects, bytes per class) from the cheapest source, in the background.
    LoadBucketTable { id: RequestId },
    /// The newest cached snapshot of a bucket's prefix (or of the whole bucket), read from disk.
    FindSnapshot {
        id: RequestId,
        bucket: String,
        prefix: String,
    },
    /// Look for the bucket's inventory report (ListBucketInventoryConfigurations, then the
    /// newest manifest); quietly nothing when the store has none.
    FindInventory {
        id: RequestId,
        bucket: String,
        prefix: String,
    },
    /// Read the bucket's newest inventory report into a new tree (like a scan: started,
    /// progress, cancel); ends with `InventoryRead`.
    ReadInventory {
        id: RequestId,
        bucket: String,
        prefix: String,
    },
    /// Write `tree` as ncdu JSON to `path`.
    ExportNcdu {
        id: RequestId,
        tree: SharedTree,
        info: s3scope_core::scan::ncdu::ExportInfo,
        path: std::path::PathBuf,
    },
    /// Start a scan; the runtime owns the task. A running scan of an older id is cancelled.
    StartScan { id: RequestId, request: ScanRequest },
    /// Stop the scan of this id; the tree keeps what was listed.
    CancelScan { id: RequestId },
    /// Save a finished scan into the snapshot cache.
    SaveSnapshot {
        id: RequestId,
        meta: SnapshotMeta,
        tree: SharedTree,
    },
    /// Compare `tree` (the location's tree on screen) with the newest cached snapshot of the
    /// location older than `before` that is not the file `exclude` (the tree's own snapshot).
    LoadDiff {
        id: RequestId,
        bucket: String,
        prefix: String,
        tree: SharedTree,
        before: Option<chrono::DateTime<chrono::Utc>>,
        exclude: Option<std::path::PathBuf>,
    },
    /// One capped listing of the objects directly in a prefix.
    ListFiles {
        id: RequestId,
        bucket: String,
        prefix: String,
    },
    /// HEAD of one object.
    HeadObject { id: RequestId, location: S3Location },
    /// Browse's delete of the marked rows: plan, apply, cancel.
    Delete(super::state::browse::DeleteEffect),
    /// Browse's cleanup of hidden costs: plan, apply, cancel.
    Cleanup(super::state::browse::CleanupEffect),
    /// The Segregate pane: list a source, check destinations, apply, cancel.
    Segregate(super::state::segregate::SegregateEffect),
    /// The Usage pane: read the summary, collect (and trim), cancel.
    Usage(super::state::usage::UsageEffect),
    /// The Jobs pane: run extract or process, cancel a job.
    Jobs(super::state::jobs::JobsEffect),
    /// Put text on the user's clipboard through the terminal (OSC 52).
    CopyToClipboard(String),
    /// Leave the TUI.
    Quit,
}
