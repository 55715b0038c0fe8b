//! The only place the TUI spawns: each Effect becomes a tokio task that sends Events back.

mod browse; // Browse and bucket-table effects: scan, snapshots, files, HEAD
mod cleanup; // Browse's cleanup of hidden costs: plan, journaled apply as a job, cancel
mod delete; // Browse's delete: plan, apply as a job, cancel
mod inventory; // Browse's inventory report (find, read) and the ncdu export
mod jobs; // Jobs effects: extract and process with progress, cancel
mod segregate; // Segregate effects: source listing, destination checks, apply
mod table; // the one table of running jobs by id; driving a job with progress ticks
mod usage; // Usage effects: summary read, collection with progress, cancel

use super::effect::Effect;
use super::event::{Event, RequestId};
use base64::Engine as _;
use futures::StreamExt as _;
use s3scope_core::job::JobKind;
use s3scope_core::s3::buckets::{BucketInfo, list_buckets, resolve_regions};
use s3scope_core::s3::client::Clients;
use std::io::Write;
use std::path::PathBuf;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

/// Buckets per region-lookup batch (one RegionsResolved event each).
const REGION_BATCH: usize = 4;
/// Batches looked up at the same time.
const REGION_CONCURRENCY: usize = 8;

/// Whether the loop goes on after an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// Runs effects. Dropping it aborts every task still running.
pub struct Runtime {
    clients: Clients,
    tx: UnboundedSender<Event>,
    tasks: JoinSet<()>,
    /// Where snapshots are cached; None when there is no cache dir (nothing is saved).
    snapshot_dir: Option<PathBuf>,
    /// Parallel LIST requests of bucket-table scans.
    scan_concurrency: usize,
    /// Every job started (scan, plan, apply, usage, extract, process) by id, until it ends:
    /// its kind and progress, whose token cancels it.
    jobs: std::collections::HashMap<RequestId, table::RunningJob>,
}

pub use table::RunningJob;

impl Runtime {
    pub fn new(clients: Clients, tx: UnboundedSender<Event>) -> Self {
        Self {
            clients,
            tx,
            tasks: JoinSet::new(),
            snapshot_dir: s3scope_core::scan::snapshot::default_dir().ok(),
            scan_concurrency: 32,
            jobs: std::collections::HashMap::new(),
        }
    }

    /// Caches snapshots under `dir` instead of the user's cache dir.
    pub fn with_snapshot_dir(mut self, dir: PathBuf) -> Self {
        self.snapshot_dir = Some(dir);
        self
    }

    /// Parallel LIST requests of the scans behind the bucket table.
    pub fn with_scan_concurrency(mut self, n: usize) -> Self {
        self.scan_concurrency = n.max(1);
        self
    }

    /// Starts one effect. Terminal writes (the clipboard) go to `terminal`, in the loop's own
    /// thread, so they never interleave with a frame being drawn.
    pub fn execute(&mut self, effect: Effect, terminal: &mut impl Write) -> std::io::Result<Flow> {
        match effect {
            Effect::Quit => return Ok(Flow::Quit),
            Effect::CopyToClipboard(text) => {
                terminal.write_all(osc52(&text).as_bytes())?;
                terminal.flush()?;
            }
            Effect::LoadBuckets { id } => self.load_buckets(id),
            Effect::ResolveRegions { id, buckets } => self.resolve_regions(id, buckets),
            Effect::LoadBucketTable { id } => self.load_bucket_table(id),
            Effect::FindSnapshot { id, bucket, prefix } => self.find_snapshot(id, bucket, prefix),
            Effect::FindInventory { id, bucket, prefix } => self.find_inventory(id, bucket, prefix),
            Effect::ReadInventory { id, bucket, prefix } => self.read_inventory(id, bucket, prefix),
            Effect::ExportNcdu {
                id,
                tree,
                info,
                path,
            } => self.export_ncdu(id, tree, info, path),
            Effect::StartScan { id, request } => self.start_scan(id, request),
            Effect::CancelScan { id } => self.cancel_job(id, JobKind::Scan),
            Effect::SaveSnapshot { id, meta, tree } => self.save_snapshot(id, meta, tree),
            Effect::LoadDiff {
                id,
                bucket,
                prefix,
                tree,
                before,
                exclude,
            } => self.load_diff(id, bucket, prefix, tree, before, exclude),
            Effect::ListFiles { id, bucket, prefix } => self.list_files(id, bucket, prefix),
            Effect::HeadObject { id, location } => self.head_object(id, location),
            Effect::Delete(e) => self.delete(e),
            Effect::Cleanup(e) => self.cleanup(e),
            Effect::Segregate(e) => self.segregate(e),
            Effect::Usage(e) => self.usage(e),
            Effect::Jobs(e) => self.jobs(e),
        }
        Ok(Flow::Continue)
    }

    /// Tasks still running.
    pub fn running(&self) -> usize {
        self.tasks.len()
    }

    fn load_buckets(&mut self, id: RequestId) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            tracing::debug!(id = id.0, "ListBuckets");
            let result = list_buckets(&clients).await;
            if let Err(e) = &result {
                tracing::warn!(id = id.0, error = %e, "ListBuckets failed");
            }
            // The receiver is gone only when the TUI is closing.
            let _ = tx.send(Event::BucketsLoaded {
                id,
                result,
                at: chrono::Utc::now(),
            });
        });
    }

    fn resolve_regions(&mut self, id: RequestId, buckets: Vec<BucketInfo>) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            tracing::debug!(
                id = id.0,
                buckets = buckets.len(),
                "resolving bucket regions"
            );
            let batches: Vec<Vec<BucketInfo>> = buckets
                .chunks(REGION_BATCH)
                .map(<[BucketInfo]>::to_vec)
                .collect();
            futures::stream::iter(batches)
                .for_each_concurrent(REGION_CONCURRENCY, |mut batch| {
                    let clients = clients.clone();
                    let tx = tx.clone();
                    async move {
                        let failures = resolve_regions(&clients, &mut batch).await;
                        for (name, e) in &failures {
                            tracing::warn!(bucket = %name, error = %e, "region lookup failed");
                        }
                        let resolved = batch.into_iter().filter(|b| b.region.is_some()).collect();
                        let _ = tx.send(Event::RegionsResolved {
                            id,
                            resolved,
                            failures,
                        });
                    }
                })
                .await;
        });
    }

    /// Collects finished tasks (so the set does not grow) and returns the first panic among
    /// them as a message; the loop calls it every iteration.
    pub fn panicked(&mut self) -> Option<String> {
        self.prune_jobs();
        let mut first = None;
        while let Some(done) = self.tasks.try_join_next() {
            if let Err(e) = done {
                tracing::error!(error = %e, "a TUI task failed");
                if e.is_panic() && first.is_none() {
                    first = Some(format!("a background task panicked ({e})"));
                }
            }
        }
        first
    }
}

/// The OSC 52 sequence that asks the terminal to put `text` on the system clipboard.
pub fn osc52(text: &str) -> String {
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64_between_the_markers() {
        assert_eq!(osc52("s3://logs"), "\x1b]52;c;czM6Ly9sb2dz\x07");
        // Control characters in the text stay inside the base64 payload.
        assert!(
            !osc52("a\x1b]b")
                .trim_start_matches("\x1b]52;c;")
                .contains('\x1b')
        );
    }
}
