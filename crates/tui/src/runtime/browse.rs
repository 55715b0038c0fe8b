//! The Browse and bucket-table effects as tasks: snapshot lookup and save, the scan with its
//! progress ticks, the files listing of one prefix, HEAD of one object, the bucket table.

use super::Runtime;
use super::table::drive;
use crate::event::{Event, FoundSnapshot, RequestId};
use crate::state::browse::{DIFF_DEPTH, SharedTree};
use chrono::{DateTime, Utc};
use s3scope_core::job::JobKind;
use s3scope_core::s3::location::S3Location;
use s3scope_core::s3::object::head_object;
use s3scope_core::scan::buckets::{Source, auto_source, bucket_table};
use s3scope_core::scan::diff;
use s3scope_core::scan::files::{MAX_FILES, list_files};
use s3scope_core::scan::job::{self, ScanRequest};
use s3scope_core::scan::snapshot::{self, SnapshotMeta};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often a running scan reports its counters.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

impl Runtime {
    pub(super) fn load_bucket_table(&mut self, id: RequestId) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        let concurrency = self.scan_concurrency;
        self.tasks.spawn(async move {
            let source = auto_source(&clients);
            tracing::debug!(id = id.0, ?source, "bucket table");
            let result = bucket_table(&clients, Source::Auto, &|_| true, concurrency).await;
            if let Err(e) = &result {
                tracing::warn!(id = id.0, error = %e, "bucket table failed");
            }
            let _ = tx.send(Event::BucketTableLoaded {
                id,
                result,
                source,
                at: Utc::now(),
            });
        });
    }

    pub(super) fn find_snapshot(&mut self, id: RequestId, bucket: String, prefix: String) {
        let tx = self.tx.clone();
        let root = self.snapshot_dir.clone();
        let profile = self.clients.profile().name.clone();
        let endpoint = self.clients.endpoint_label();
        self.tasks.spawn(async move {
            let found = tokio::task::spawn_blocking(move || {
                let Some(root) = root else { return Ok(None) };
                newest(&root, &profile, &endpoint, &bucket, &prefix)
            })
            .await;
            let result = found.unwrap_or_else(|e| Err(format!("reading snapshots stopped: {e}")));
            let _ = tx.send(Event::SnapshotFound { id, result });
        });
    }

    pub(super) fn start_scan(&mut self, id: RequestId, request: ScanRequest) {
        let scan = job::start(request);
        self.begin_job(id, JobKind::Scan, &scan.progress, true);
        let _ = self.tx.send(Event::ScanStarted {
            id,
            tree: SharedTree(scan.tree.clone()),
        });
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            tracing::info!(id = id.0, bucket = %scan.request.bucket, "scan started");
            let result = drive(
                job::run(&scan, &clients),
                &scan.progress,
                PROGRESS_EVERY,
                |counters| {
                    let _ = tx.send(Event::ScanProgress { id, counters });
                },
            )
            .await;
            let cancelled = scan.progress.cancel.is_cancelled();
            tracing::info!(id = id.0, ok = result.is_ok(), cancelled, "scan ended");
            let _ = tx.send(Event::ScanFinished {
                id,
                result,
                cancelled,
                at: Utc::now(),
            });
        });
    }

    pub(super) fn save_snapshot(&mut self, id: RequestId, meta: SnapshotMeta, tree: SharedTree) {
        let tx = self.tx.clone();
        let root = self.snapshot_dir.clone();
        self.tasks.spawn(async move {
            let saved = tokio::task::spawn_blocking(move || {
                let root = root.ok_or_else(|| snapshot::SnapshotError::NoCacheDir.to_string())?;
                let t = tree.read();
                snapshot::save_cached(&root, &meta, &t).map_err(|e| e.to_string())
            })
            .await;
            let result = saved.unwrap_or_else(|e| Err(format!("saving the snapshot stopped: {e}")));
            if let Err(e) = &result {
                tracing::warn!(error = %e, "snapshot not saved");
            }
            let _ = tx.send(Event::SnapshotSaved { id, result });
        });
    }

    /// Compares the tree on screen with the newest snapshot of its location before it.
    pub(super) fn load_diff(
        &mut self,
        id: RequestId,
        bucket: String,
        prefix: String,
        tree: SharedTree,
        before: Option<DateTime<Utc>>,
        exclude: Option<PathBuf>,
    ) {
        let tx = self.tx.clone();
        let root = self.snapshot_dir.clone();
        let profile = self.clients.profile().name.clone();
        let endpoint = self.clients.endpoint_label();
        self.tasks.spawn(async move {
            let done = tokio::task::spawn_blocking(move || {
                let Some(root) = root else { return Ok(None) };
                let older = previous(
                    &root,
                    &profile,
                    &endpoint,
                    &bucket,
                    &prefix,
                    before,
                    exclude.as_deref(),
                )?;
                Ok(older.map(|old| {
                    let new = tree.read();
                    (old.meta.scanned_at, diff::diff(&old.tree, &new, DIFF_DEPTH))
                }))
            })
            .await;
            let result = done.unwrap_or_else(|e| Err(format!("comparing snapshots stopped: {e}")));
            let _ = tx.send(Event::DiffLoaded { id, result });
        });
    }

    pub(super) fn list_files(&mut self, id: RequestId, bucket: String, prefix: String) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let result = list_files(&clients, &bucket, &prefix, MAX_FILES).await;
            let _ = tx.send(Event::FilesListed { id, result });
        });
    }

    pub(super) fn head_object(&mut self, id: RequestId, location: S3Location) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let result = head_object(&clients, &location).await;
            let _ = tx.send(Event::ObjectHead { id, result });
        });
    }
}

/// The newest snapshot of exactly this location scanned before `before` (any time when None),
/// other than the file `exclude`; unreadable ones are skipped, as are other endpoints'.
fn previous(
    root: &Path,
    profile: &str,
    endpoint: &str,
    bucket: &str,
    prefix: &str,
    before: Option<DateTime<Utc>>,
    exclude: Option<&Path>,
) -> Result<Option<snapshot::Snapshot>, String> {
    let found = snapshot::list_cached(root, profile, bucket, prefix).map_err(|e| e.to_string())?;
    for f in found {
        if exclude == Some(f.path.as_path()) || before.is_some_and(|b| f.scanned_at >= b) {
            continue;
        }
        let Ok(snap) = snapshot::load(&f.path) else {
            continue;
        };
        if snap.meta.endpoint == endpoint
            && snap.meta.bucket == bucket
            && snap.meta.prefix == prefix
        {
            return Ok(Some(snap));
        }
    }
    Ok(None)
}

/// The newest readable-or-not snapshot of the prefix, else of the whole bucket (which holds
/// the prefix too). Snapshots of another endpoint under the same profile name are skipped.
fn newest(
    root: &Path,
    profile: &str,
    endpoint: &str,
    bucket: &str,
    prefix: &str,
) -> Result<Option<FoundSnapshot>, String> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    for p in [prefix, ""] {
        let found = snapshot::list_cached(root, profile, bucket, p).map_err(|e| e.to_string())?;
        candidates.extend(found.into_iter().map(|f| f.path));
        if !candidates.is_empty() || prefix.is_empty() {
            break;
        }
    }
    for path in candidates {
        let snap = snapshot::load(&path).map_err(|e| e.to_string())?;
        if snap.meta.endpoint != endpoint || snap.meta.bucket != bucket {
            continue;
        }
        return Ok(Some(FoundSnapshot {
            path,
            meta: snap.meta,
            tree: SharedTree::new(snap.tree),
        }));
    }
    Ok(None)
}
