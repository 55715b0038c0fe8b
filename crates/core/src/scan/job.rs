//! A scan job: streams a parallel listing into a shared prefix tree, counting into its job progress.

use super::tree::PrefixTree;
use crate::job::{Progress, Snapshot};
use crate::s3::client::Clients;
use crate::s3::error::S3Error;
use crate::s3::hidden::{self, HiddenVersion};
use crate::s3::lister::{ListOptions, ListStats, list_parallel};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use tokio::sync::mpsc;

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRequest {
    pub bucket: String,
    pub prefix: String,
    pub concurrency: usize,
    /// Also count noncurrent versions and delete markers (ListObjectVersions).
    pub versions: bool,
    /// Also count incomplete multipart uploads and their parts (ListMultipartUploads + ListParts).
    pub multipart: bool,
    /// Keys that divide the location evenly (from an earlier tree, see `hints`): the first
    /// ranges of the listing.
    pub hints: Vec<String>,
}

/// A running (or finished) scan. The tree is readable at any time, also while it grows.
#[derive(Clone)]
pub struct Scan {
    pub request: ScanRequest,
    pub tree: Arc<RwLock<PrefixTree>>,
    /// The job's progress: objects and bytes listed, LIST calls; its token stops the scan.
    pub progress: Arc<Progress>,
    /// The lister's own counters (splits, retried pages); LIST calls are copied into `progress`.
    stats: Arc<ListStats>,
}

/// The stage of a scan.
pub const LISTING: &str = "listing";

impl Scan {
    /// The progress now: `done` objects of `bytes`, `calls` LIST calls.
    pub fn snapshot(&self) -> Snapshot {
        self.progress.snapshot()
    }

    fn sync_calls(&self) {
        self.progress
            .set_calls(self.stats.list_calls.load(Ordering::Relaxed));
    }
}

/// Estimated LIST calls to scan `objects` objects in `prefixes` prefixes (one page = 1000 keys).
pub fn estimate_list_calls(objects: u64, prefixes: u64) -> u64 {
    objects.div_ceil(1000) + prefixes.max(1)
}

/// Starts a scan; returns at once. `run` drives it to completion (spawn it or await it).
pub fn start(req: ScanRequest) -> Scan {
    Scan {
        tree: Arc::new(RwLock::new(PrefixTree::new(&req.prefix, '/'))),
        request: req,
        progress: Arc::new(Progress::new(&[LISTING])),
        stats: Arc::new(ListStats::default()),
    }
}

/// Lists the bucket (in its own region) and folds every page into the tree.
pub async fn run(scan: &Scan, clients: &Clients) -> Result<Snapshot, S3Error> {
    let req = &scan.request;
    let s3 = clients.s3_for_bucket(&req.bucket).await?;
    let mut opts = ListOptions::new(&req.bucket, &req.prefix);
    opts.concurrency = req.concurrency;
    opts.hints = req.hints.clone();
    let (tx, mut rx) = mpsc::channel(64);
    let lister = list_parallel(
        s3,
        opts,
        scan.stats.clone(),
        tx,
        scan.progress.cancel.clone(),
        clients.endpoint_label(),
    );
    let tree = scan.tree.clone();
    let consume = async move {
        while let Some(page) = rx.recv().await {
            // One page: two relaxed adds and a store, never a lock of the progress.
            let bytes = page.objects.iter().map(|o| o.size).sum();
            scan.progress.add(page.objects.len() as u64, bytes);
            scan.sync_calls();
            let mut t = tree
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for p in &page.prefixes {
                t.ensure_prefix(p);
            }
            for o in &page.objects {
                t.add(
                    &o.key,
                    o.size,
                    &o.storage_class,
                    o.last_modified.map(|d| d.timestamp()),
                );
            }
        }
    };
    let (listed, ()) = tokio::join!(lister, consume);
    listed?;
    scan.sync_calls();
    if scan.progress.cancel.is_cancelled() {
        return Ok(scan.snapshot());
    }
    let client = clients.s3_for_bucket(&req.bucket).await?;
    let ep = clients.endpoint_label();
    if req.versions {
        let mut found = Vec::new();
        let calls =
            hidden::versions(&client, &req.bucket, &req.prefix, &ep, |v| found.push(v)).await?;
        scan.stats.list_calls.fetch_add(calls, Ordering::Relaxed);
        scan.sync_calls();
        let mut t = scan
            .tree
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for v in found {
            match v {
                HiddenVersion::Noncurrent { key, size } => t.add_noncurrent(&key, size),
                HiddenVersion::DeleteMarker { key } => t.add_delete_marker(&key),
            }
        }
    }
    if req.multipart {
        let uploads =
            hidden::uploads(&client, &req.bucket, &req.prefix, &ep, req.concurrency).await?;
        let mut t = scan
            .tree
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for u in uploads {
            t.add_upload(&u.key, u.bytes);
        }
    }
    Ok(scan.snapshot())
}
