//! A scan job: streams a parallel listing into a shared prefix tree with live counters.

use super::tree::PrefixTree;
use crate::s3::client::Clients;
use crate::s3::error::S3Error;
use crate::s3::hidden::{self, HiddenVersion};
use crate::s3::lister::{ListOptions, ListStats, list_parallel};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

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

/// Live counters of a running scan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanCounters {
    pub objects: u64,
    pub bytes: u64,
    pub list_calls: u64,
    pub elapsed: Duration,
}

impl ScanCounters {
    /// LIST pages per second so far.
    pub fn pages_per_sec(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.list_calls as f64 / s
        } else {
            0.0
        }
    }

    /// Percent done and time left when `expected` objects are known (a snapshot, RGW stats,
    /// CloudWatch); None before the first objects or once past the expectation.
    pub fn progress_of(&self, expected: u64) -> Option<(f64, Duration)> {
        if expected == 0 || self.objects == 0 {
            return None;
        }
        let pct = (self.objects as f64 * 100.0 / expected as f64).min(100.0);
        let rate = self.objects_per_sec();
        let left = expected.saturating_sub(self.objects) as f64;
        let eta = if rate > 0.0 {
            Duration::from_secs_f64(left / rate)
        } else {
            Duration::ZERO
        };
        Some((pct, eta))
    }

    pub fn objects_per_sec(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.objects as f64 / s
        } else {
            0.0
        }
    }
}

/// A running (or finished) scan. The tree is readable at any time, also while it grows.
#[derive(Clone)]
pub struct Scan {
    pub request: ScanRequest,
    pub tree: Arc<RwLock<PrefixTree>>,
    stats: Arc<ListStats>,
    started: Instant,
    pub cancel: CancellationToken,
}

impl Scan {
    pub fn counters(&self) -> ScanCounters {
        ScanCounters {
            objects: self.stats.objects.load(Ordering::Relaxed),
            bytes: self.stats.bytes.load(Ordering::Relaxed),
            list_calls: self.stats.list_calls.load(Ordering::Relaxed),
            elapsed: self.started.elapsed(),
        }
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
        stats: Arc::new(ListStats::default()),
        started: Instant::now(),
        cancel: CancellationToken::new(),
    }
}

/// Lists the bucket (in its own region) and folds every page into the tree.
pub async fn run(scan: &Scan, clients: &Clients) -> Result<ScanCounters, S3Error> {
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
        scan.cancel.clone(),
        clients.endpoint_label(),
    );
    let tree = scan.tree.clone();
    let consume = async move {
        while let Some(page) = rx.recv().await {
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
    if scan.cancel.is_cancelled() {
        return Ok(scan.counters());
    }
    let client = clients.s3_for_bucket(&req.bucket).await?;
    let ep = clients.endpoint_label();
    if req.versions {
        let mut found = Vec::new();
        let calls =
            hidden::versions(&client, &req.bucket, &req.prefix, &ep, |v| found.push(v)).await?;
        scan.stats.list_calls.fetch_add(calls, Ordering::Relaxed);
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
    Ok(scan.counters())
}
