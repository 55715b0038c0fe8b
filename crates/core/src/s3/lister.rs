//! Parallel streaming lister: ListObjectsV2 over disjoint key ranges, split as workers idle.
//!
//! The default lists flat (no delimiter): LIST calls then follow the number of objects (about
//! N/1000), never the number of prefixes. Parallelism comes from cutting the key space: the
//! work is a table of ranges `(start_after, hi]`, each listed page by page by one worker at a
//! time; whenever workers are idle, the range with the most estimated work left is cut (see
//! `split`) and its upper part handed to them. Known boundaries (from an earlier snapshot of
//! the same location, else from a few delimiter pages of the top levels) give the first cuts. A page that fails with a transient error is
//! retried after a backoff; only permanent errors (access denied, no such bucket, bad
//! signature...) end the listing. With a delimiter, common prefixes become ranges of their
//! own (the Files view of one prefix uses that). The union of all pages equals one sequential
//! listing: every key exactly once.

mod discover; // first cuts from a few delimiter pages of the tree's top levels
mod page; // one LIST page of a range

use super::error::S3Error;
use super::split::Shape;
use aws_sdk_s3::Client;
use chrono::{DateTime, Utc};
use page::{Outcome, Request, list_page};
use rand::Rng;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// One object as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct ListedObject {
    pub key: String,
    pub size: u64,
    pub last_modified: Option<DateTime<Utc>>,
    pub storage_class: String,
    pub etag: Option<String>,
}

/// A page handed to the consumer.
#[derive(Debug, Default)]
pub struct Page {
    pub objects: Vec<ListedObject>,
    /// Prefixes discovered (delimiter mode): shown before their objects arrive.
    pub prefixes: Vec<String>,
}

/// How to list.
#[derive(Debug, Clone)]
pub struct ListOptions {
    pub bucket: String,
    pub prefix: String,
    /// Fan out on this delimiter; None (the default) lists flat.
    pub delimiter: Option<String>,
    /// Parallel LIST requests.
    pub concurrency: usize,
    /// Keys per LIST call (≤ 1000).
    pub page_size: i32,
    /// Cut ranges into sub-ranges when workers are idle.
    pub split: bool,
    /// Keys known to divide the listing evenly (e.g. prefix boundaries of an earlier
    /// snapshot): the first ranges start at them instead of waiting for the first page.
    pub hints: Vec<String>,
    /// How many times one page is retried after transient failures (each try already made
    /// the client's own attempts) before the listing fails.
    pub page_retries: u32,
    /// Stop after this many pages, listed one at a time in key order (no discovery, hints or
    /// cuts): they are then the first pages of one sequential listing, as a bounded run needs.
    /// A page retried after a transient failure is still one page.
    pub max_pages: Option<u64>,
}

impl ListOptions {
    pub fn new(bucket: &str, prefix: &str) -> Self {
        Self {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            delimiter: None,
            concurrency: 32,
            page_size: 1000,
            split: true,
            hints: Vec::new(),
            page_retries: 8,
            max_pages: None,
        }
    }
}

/// Live counters, readable while the listing runs.
#[derive(Debug, Default)]
pub struct ListStats {
    /// LIST requests sent (retries included).
    pub list_calls: AtomicU64,
    pub objects: AtomicU64,
    pub bytes: AtomicU64,
    /// Ranges cut off running ones to work in parallel.
    pub splits: AtomicU64,
    /// LIST pages retried after a transient failure.
    pub retried_pages: AtomicU64,
}

/// One range of the key space and where its listing stands.
#[derive(Debug)]
struct Range {
    prefix: String,
    start_after: Option<String>,
    hi: Option<String>,
    token: Option<String>,
    /// First and last item of its latest page and how many items it held.
    last_page: Option<(String, String, usize)>,
    failures: u32,
    /// Cutting it was tried since its last page and gave nothing.
    uncuttable: bool,
}

impl Range {
    fn new(prefix: String, start_after: Option<String>, hi: Option<String>) -> Self {
        Self {
            prefix,
            start_after,
            hi,
            token: None,
            last_page: None,
            failures: 0,
            uncuttable: false,
        }
    }

    fn request(&self) -> Request {
        Request {
            prefix: self.prefix.clone(),
            start_after: self.start_after.clone(),
            token: self.token.clone(),
            hi: self.hi.clone(),
        }
    }

    fn shape(&self) -> Option<Shape<'_>> {
        let (first, last, items) = self.last_page.as_ref()?;
        Some(Shape {
            prefix: &self.prefix,
            first,
            last,
            items: *items,
            hi: self.hi.as_deref(),
        })
    }
}

/// Transient failures worth another try of the same page (the client's own attempts are
/// spent by then); the rest stop the listing. A connection that broke mid-answer (`Other`)
/// counts as transient here: a LIST page is safe to ask again.
pub fn is_transient(e: &S3Error) -> bool {
    e.is_transient() || matches!(e, S3Error::Other { .. })
}

/// Backoff before the `n`-th retry of a page: exponential with full jitter, capped.
fn backoff(n: u32) -> Duration {
    let cap = 100u64.saturating_mul(1 << n.min(6)).min(5_000);
    Duration::from_millis(rand::rng().random_range(cap / 4..=cap))
}

/// Lists everything under `opts.prefix`, sending pages on `tx` as they arrive. Returns when
/// the listing is complete, the consumer hung up, or `cancel` fired; a permanent error, or a
/// page still failing after `page_retries` tries, stops it.
pub async fn list_parallel(
    client: Client,
    opts: ListOptions,
    stats: Arc<ListStats>,
    tx: mpsc::Sender<Page>,
    cancel: CancellationToken,
    endpoint: String,
) -> Result<(), S3Error> {
    let sequential = opts.max_pages.is_some();
    let concurrency = if sequential {
        1
    } else {
        opts.concurrency.max(1)
    };
    let mut ranges: Vec<Range> = Vec::new();
    let mut queue: VecDeque<usize> = VecDeque::new();
    let mut opts = opts;
    if sequential {
        opts.split = false;
        opts.hints.clear();
    }
    if opts.split && opts.delimiter.is_none() && opts.hints.is_empty() && concurrency > 1 {
        opts.hints = tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            h = discover::boundaries(&client, &opts, &stats) => h,
        };
    }
    let mut hints: Vec<&String> = opts
        .hints
        .iter()
        .filter(|h| h.starts_with(&opts.prefix) && h.len() > opts.prefix.len())
        .collect();
    hints.sort();
    hints.dedup();
    let mut lo: Option<String> = None;
    for h in hints.into_iter().chain(std::iter::once(&String::new())) {
        let hi = (!h.is_empty()).then(|| h.clone());
        ranges.push(Range::new(opts.prefix.clone(), lo.take(), hi.clone()));
        queue.push_back(ranges.len() - 1);
        lo = hi;
    }
    stats
        .splits
        .fetch_add(ranges.len() as u64 - 1, Ordering::Relaxed);
    let min_keys = 2.0 * f64::from(opts.page_size.clamp(1, 1000));
    let mut running: JoinSet<(usize, Result<Outcome, S3Error>)> = JoinSet::new();
    let mut pages = 0u64;
    loop {
        while running.len() < concurrency {
            let Some(id) = queue.pop_front() else { break };
            let r = &ranges[id];
            let (client, opts, stats, ep) = (
                client.clone(),
                opts.clone(),
                stats.clone(),
                endpoint.clone(),
            );
            let (req, failures) = (r.request(), r.failures);
            running.spawn(async move {
                if failures > 0 {
                    tokio::time::sleep(backoff(failures)).await;
                }
                (id, list_page(&client, &opts, &stats, &req, &ep).await)
            });
        }
        let joined = tokio::select! {
            () = cancel.cancelled() => { running.abort_all(); return Ok(()); }
            j = running.join_next() => j,
        };
        let Some(joined) = joined else { return Ok(()) };
        let (id, result) = joined.map_err(|e| S3Error::Other {
            operation: "ListObjectsV2".into(),
            detail: format!("listing task stopped: {e}"),
        })?;
        let out = match result {
            Ok(out) => out,
            Err(e) if is_transient(&e) && ranges[id].failures < opts.page_retries => {
                tracing::warn!(range = id, error = %e, "LIST page failed; retrying it");
                stats.retried_pages.fetch_add(1, Ordering::Relaxed);
                ranges[id].failures += 1;
                queue.push_back(id);
                continue;
            }
            Err(e) => {
                running.abort_all();
                return Err(e);
            }
        };
        let r = &mut ranges[id];
        r.failures = 0;
        for p in &out.page.prefixes {
            // Delimiter mode: a common prefix is a range of its own.
            let range = Range::new(p.clone(), None, None);
            ranges.push(range);
            queue.push_back(ranges.len() - 1);
        }
        let r = &mut ranges[id];
        if let (Some(token), false) = (out.next_token, out.done) {
            r.token = Some(token);
            r.uncuttable = false;
            if let Some((first, last)) = out.first_last {
                r.last_page = Some((first, last, out.items));
            }
            queue.push_back(id);
        }
        if opts.split {
            let free = concurrency.saturating_sub(running.len() + queue.len());
            cut_ranges(&mut ranges, &mut queue, free, min_keys, &stats);
        }
        let has_items = !out.page.objects.is_empty() || !out.page.prefixes.is_empty();
        if has_items && tx.send(out.page).await.is_err() {
            running.abort_all();
            return Ok(());
        }
        pages += 1;
        if opts.max_pages.is_some_and(|m| pages >= m) {
            return Ok(());
        }
    }
}

/// Hands `free` idle workers new ranges cut off the queued ranges with the most work left.
fn cut_ranges(
    ranges: &mut Vec<Range>,
    queue: &mut VecDeque<usize>,
    mut free: usize,
    min_keys: f64,
    stats: &ListStats,
) {
    while free > 0 {
        // Unbounded ranges first (their size is unknown), then the biggest estimate.
        let victim = queue
            .iter()
            .copied()
            .filter(|&id| !ranges[id].uncuttable && ranges[id].token.is_some())
            .filter_map(|id| ranges[id].shape().map(|s| (id, s.remaining())))
            .max_by(|a, b| match (a.1, b.1) {
                (None, None) => std::cmp::Ordering::Equal,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(_), None) => std::cmp::Ordering::Less,
                (Some(x), Some(y)) => x.total_cmp(&y),
            });
        let Some((id, remaining)) = victim else {
            return;
        };
        if remaining.is_some_and(|r| r < 2.0 * min_keys) {
            return;
        }
        let cuts = ranges[id]
            .shape()
            .map(|s| s.cuts(free, min_keys))
            .unwrap_or_default();
        if cuts.is_empty() {
            ranges[id].uncuttable = true;
            continue;
        }
        let prefix = ranges[id].prefix.clone();
        let old_hi = ranges[id].hi.take();
        ranges[id].hi = cuts.first().cloned();
        let bounds: Vec<Option<String>> = cuts.iter().skip(1).cloned().map(Some).collect();
        for (lo, hi) in cuts.into_iter().zip(bounds.into_iter().chain([old_hi])) {
            ranges.push(Range::new(prefix.clone(), Some(lo), hi));
            queue.push_back(ranges.len() - 1);
            stats.splits.fetch_add(1, Ordering::Relaxed);
            free = free.saturating_sub(1);
        }
    }
}
