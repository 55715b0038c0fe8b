//! The inventory effects of Browse as tasks: finding the bucket's report, reading it into a
//! tree with progress ticks (cancellable like a scan), and writing an ncdu export.

use super::Runtime;
use crate::event::{Event, RequestId};
use crate::state::browse::{InventoryDone, InventoryOffer, SharedTree};
use s3scope_core::job::{JobKind, Progress, Snapshot};
use s3scope_core::scan::inventory::open;
use s3scope_core::scan::inventory::read::ReadStats;
use s3scope_core::scan::ncdu::{self, ExportInfo};
use s3scope_core::scan::tree::PrefixTree;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How often a running read reports its counters.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

fn offer(r: &s3scope_core::scan::inventory::locate::Report) -> InventoryOffer {
    InventoryOffer {
        manifest: r.url(),
        as_of: r.manifest.created,
        format: r.manifest.format.as_str().to_string(),
    }
}

impl Runtime {
    pub(super) fn find_inventory(&mut self, id: RequestId, bucket: String, prefix: String) {
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let result = match open::find_report(&clients, &bucket, &prefix, None).await {
                Ok(r) => Some(offer(&r)),
                Err(e) => {
                    tracing::debug!(id = id.0, error = %e, "no inventory report");
                    None
                }
            };
            let _ = tx.send(Event::InventoryFound { id, result });
        });
    }

    pub(super) fn read_inventory(&mut self, id: RequestId, bucket: String, prefix: String) {
        // A read is a scan of the bucket from another source: it replaces a running scan, shows
        // in the Jobs list and stops with the same cancel.
        let progress = Arc::new(Progress::new(&["inventory"]));
        self.begin_job(id, JobKind::Scan, &progress, true);
        let cancel = progress.cancel.clone();
        let tree = Arc::new(RwLock::new(PrefixTree::new(&prefix, '/')));
        let _ = self.tx.send(Event::ScanStarted {
            id,
            tree: SharedTree(tree.clone()),
        });
        let clients = self.clients.clone();
        let tx = self.tx.clone();
        let concurrency = self.scan_concurrency;
        self.tasks.spawn(async move {
            let started = Instant::now();
            let stats = Arc::new(ReadStats::default());
            let counters = |s: &ReadStats| {
                let elapsed = started.elapsed();
                let done = s.objects.load(Ordering::Relaxed);
                let bytes = s.bytes.load(Ordering::Relaxed);
                let secs = elapsed.as_secs_f64();
                Snapshot {
                    stage: "inventory".into(),
                    stages: 1,
                    done,
                    bytes,
                    elapsed,
                    rate: if secs > 0.0 { done as f64 / secs } else { 0.0 },
                    bytes_rate: if secs > 0.0 { bytes as f64 / secs } else { 0.0 },
                    ..Snapshot::default()
                }
            };
            let work = async {
                let report = open::find_report(&clients, &bucket, &prefix, None).await?;
                let summary = open::read_tree(
                    &clients,
                    &report,
                    tree,
                    concurrency,
                    stats.clone(),
                    cancel.clone(),
                )
                .await?;
                let warnings =
                    open::staleness(&clients, &report, &bucket, &prefix, chrono::Utc::now())
                        .await
                        .unwrap_or_default();
                Ok::<_, s3scope_core::scan::inventory::InventoryError>((report, summary, warnings))
            };
            tokio::pin!(work);
            let mut ticks = tokio::time::interval(PROGRESS_EVERY);
            let result = loop {
                tokio::select! {
                    r = &mut work => break r,
                    _ = ticks.tick() => {
                        let _ = tx.send(Event::ScanProgress { id, counters: counters(&stats) });
                    }
                }
            };
            let cancelled = cancel.is_cancelled();
            progress.finish();
            let result = result
                .map(|(report, summary, warnings)| InventoryDone {
                    offer: offer(&report),
                    rows: summary.rows,
                    counters: counters(&stats),
                    versions: report.manifest.has_versions(),
                    warnings,
                })
                .map_err(|e| e.to_string());
            tracing::info!(
                id = id.0,
                ok = result.is_ok(),
                cancelled,
                "inventory read ended"
            );
            let _ = tx.send(Event::InventoryRead {
                id,
                result,
                cancelled,
            });
        });
    }

    pub(super) fn export_ncdu(
        &mut self,
        id: RequestId,
        tree: SharedTree,
        info: ExportInfo,
        path: PathBuf,
    ) {
        let tx = self.tx.clone();
        self.tasks.spawn(async move {
            let target = path.clone();
            let written = tokio::task::spawn_blocking(move || {
                let mut body = Vec::new();
                ncdu::write(&tree.read(), &info, &mut body).map_err(|e| e.to_string())?;
                s3scope_core::fsutil::write_atomic(&target, &body, None).map_err(|e| e.to_string())
            })
            .await;
            let result = match written {
                Ok(Ok(())) => Ok(path),
                Ok(Err(e)) => Err(e),
                Err(e) => Err(format!("the export stopped: {e}")),
            };
            let _ = tx.send(Event::NcduExported { id, result });
        });
    }
}
