//! Parallel streaming lister: ListObjectsV2 fanned out by delimiter and by key-space ranges.
//!
//! Work is a queue of one-page tasks. A task lists one page of a range `(start_after, hi]`
//! under a prefix. CommonPrefixes become new tasks; a truncated page either continues with its
//! token or, when workers are idle, splits the rest of its range (see `split`). Pages are sent
//! to the consumer as they arrive. The union of all pages equals one sequential listing.

use super::error::S3Error;
use super::split::boundaries;
use aws_sdk_s3::Client;
use aws_sdk_s3::types::EncodingType;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// Fan out on this delimiter (usually "/"); None lists flat.
    pub delimiter: Option<String>,
    /// Parallel LIST requests.
    pub concurrency: usize,
    /// Keys per LIST call (≤ 1000).
    pub page_size: i32,
    /// Cut flat ranges into StartAfter ranges when workers are idle.
    pub split: bool,
}

impl ListOptions {
    pub fn new(bucket: &str, prefix: &str) -> Self {
        Self {
            bucket: bucket.to_string(),
            prefix: prefix.to_string(),
            delimiter: Some("/".into()),
            concurrency: 32,
            page_size: 1000,
            split: true,
        }
    }
}

/// Live counters, readable while the listing runs.
#[derive(Debug, Default)]
pub struct ListStats {
    pub list_calls: AtomicU64,
    pub objects: AtomicU64,
    pub bytes: AtomicU64,
    /// Ranges cut off a flat listing to run in parallel.
    pub splits: AtomicU64,
}

#[derive(Debug, Clone)]
struct Task {
    prefix: String,
    start_after: Option<String>,
    token: Option<String>,
    hi: Option<String>,
}

struct Outcome {
    task: Task,
    page: Page,
    /// Greatest and first item (key or common prefix) seen in this page.
    first_last: Option<(String, String)>,
    next_token: Option<String>,
    /// The range's upper bound was passed: nothing more to list in it.
    done: bool,
}

/// Lists everything under `opts.prefix`, sending pages on `tx` as they arrive. Returns when
/// the listing is complete, the consumer hung up, or `cancel` fired; the first error stops it.
pub async fn list_parallel(
    client: Client,
    opts: ListOptions,
    stats: Arc<ListStats>,
    tx: mpsc::Sender<Page>,
    cancel: CancellationToken,
    endpoint: String,
) -> Result<(), S3Error> {
    let mut queue = VecDeque::from([Task {
        prefix: opts.prefix.clone(),
        start_after: None,
        token: None,
        hi: None,
    }]);
    let mut running: JoinSet<Result<Outcome, S3Error>> = JoinSet::new();
    let concurrency = opts.concurrency.max(1);
    loop {
        while running.len() < concurrency {
            let Some(task) = queue.pop_front() else { break };
            let (client, opts, stats, ep) = (
                client.clone(),
                opts.clone(),
                stats.clone(),
                endpoint.clone(),
            );
            running.spawn(async move { list_page(&client, &opts, &stats, task, &ep).await });
        }
        let joined = tokio::select! {
            () = cancel.cancelled() => { running.abort_all(); return Ok(()); }
            j = running.join_next() => j,
        };
        let Some(joined) = joined else { return Ok(()) };
        let out = joined.map_err(|e| S3Error::Other {
            operation: "ListObjectsV2".into(),
            detail: format!("listing task stopped: {e}"),
        })??;
        for p in &out.page.prefixes {
            queue.push_back(Task {
                prefix: p.clone(),
                start_after: None,
                token: None,
                hi: None,
            });
        }
        if let (Some(token), false) = (out.next_token.clone(), out.done) {
            // Cut a range the first time it proves to hold more than a page (its size is
            // unknown, and an unsplit big range is the long pole), or whenever workers idle;
            // never let the queue grow without bound.
            let first_page = out.task.token.is_none();
            let idle = queue.len() + running.len() < concurrency;
            let room = queue.len() < 4 * concurrency;
            let cut = opts.split && room && (first_page || idle);
            let cuts = match (&out.first_last, cut) {
                (Some((first, last)), true) => {
                    boundaries(&out.task.prefix, first, last, out.task.hi.as_deref())
                }
                _ => Vec::new(),
            };
            if cuts.is_empty() {
                queue.push_back(Task {
                    token: Some(token),
                    ..out.task.clone()
                });
            } else {
                stats.splits.fetch_add(cuts.len() as u64, Ordering::Relaxed);
                let last = out.first_last.map(|(_, l)| l).unwrap_or_default();
                let mut lo = last;
                for b in cuts {
                    queue.push_back(Task {
                        prefix: out.task.prefix.clone(),
                        start_after: Some(lo),
                        token: None,
                        hi: Some(b.clone()),
                    });
                    lo = b;
                }
                queue.push_back(Task {
                    prefix: out.task.prefix.clone(),
                    start_after: Some(lo),
                    token: None,
                    hi: out.task.hi.clone(),
                });
            }
        }
        let has_items = !out.page.objects.is_empty() || !out.page.prefixes.is_empty();
        if has_items && tx.send(out.page).await.is_err() {
            running.abort_all();
            return Ok(());
        }
    }
}

async fn list_page(
    client: &Client,
    opts: &ListOptions,
    stats: &ListStats,
    task: Task,
    endpoint: &str,
) -> Result<Outcome, S3Error> {
    let mut req = client
        .list_objects_v2()
        .bucket(&opts.bucket)
        .prefix(&task.prefix)
        .max_keys(opts.page_size.clamp(1, 1000))
        .encoding_type(EncodingType::Url)
        .set_delimiter(opts.delimiter.clone());
    req = match (&task.token, &task.start_after) {
        (Some(t), _) => req.continuation_token(t),
        (None, Some(s)) => req.start_after(s),
        (None, None) => req,
    };
    let resp = req
        .send()
        .await
        .map_err(|e| S3Error::classify(&e, endpoint, "ListObjectsV2", &opts.bucket))?;
    stats.list_calls.fetch_add(1, Ordering::Relaxed);
    let above_lo = |item: &str| task.start_after.as_deref().is_none_or(|lo| item > lo);
    let within_hi = |item: &str| task.hi.as_deref().is_none_or(|hi| item <= hi);
    let mut page = Page::default();
    let mut done = false;
    let mut first: Option<String> = None;
    let mut last: Option<String> = None;
    for o in resp.contents() {
        let key = decode(o.key().unwrap_or_default());
        if !within_hi(&key) {
            done = true;
            break;
        }
        if !above_lo(&key) {
            continue;
        }
        first.get_or_insert_with(|| key.clone());
        if last.as_deref().is_none_or(|l| key.as_str() > l) {
            last = Some(key.clone());
        }
        let size = u64::try_from(o.size().unwrap_or(0)).unwrap_or(0);
        page.objects.push(ListedObject {
            size,
            last_modified: o
                .last_modified()
                .and_then(|d| DateTime::<Utc>::from_timestamp(d.secs(), d.subsec_nanos())),
            storage_class: o
                .storage_class()
                .map_or("STANDARD", |c| c.as_str())
                .to_string(),
            etag: o.e_tag().map(str::to_string),
            key,
        });
    }
    for cp in resp.common_prefixes() {
        let p = decode(cp.prefix().unwrap_or_default());
        if !within_hi(&p) {
            done = true;
            continue;
        }
        // A prefix the range starts inside of was already reported by the range before it.
        if task
            .start_after
            .as_deref()
            .is_some_and(|lo| lo.starts_with(p.as_str()))
        {
            continue;
        }
        if first.as_deref().is_none_or(|f| p.as_str() < f) {
            first = Some(p.clone());
        }
        if last.as_deref().is_none_or(|l| p.as_str() > l) {
            last = Some(p.clone());
        }
        page.prefixes.push(p);
    }
    let n = page.objects.len() as u64;
    let bytes: u64 = page.objects.iter().map(|o| o.size).sum();
    stats.objects.fetch_add(n, Ordering::Relaxed);
    stats.bytes.fetch_add(bytes, Ordering::Relaxed);
    let truncated = resp.is_truncated().unwrap_or(false);
    Ok(Outcome {
        next_token: if truncated {
            resp.next_continuation_token().map(str::to_string)
        } else {
            None
        },
        first_last: first.zip(last),
        page,
        done,
        task,
    })
}

/// Keys come URL-encoded (`encoding-type=url`) so that any byte survives XML: decode like
/// botocore does (`+` is a space; a literal `+` arrives as `%2B`).
fn decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}
