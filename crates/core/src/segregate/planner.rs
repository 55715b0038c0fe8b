//! Making a plan against a bucket: list the source (bounded by max_pages), classify, list the
//! destination prefixes to find what is already there, settle every entry's status.

use super::error::SegregateError;
use super::plan::{Draft, Existing, ListingInfo, MovePlan, PLAN_VERSION, draft, settle};
use super::rule::{Field, Rule, RuleError};
use crate::job::{Progress, Snapshot};
use crate::s3::error::S3Error;
use crate::s3::lister::{ListOptions, ListStats, ListedObject, list_parallel};
use aws_sdk_s3::Client;
use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;

/// Destination prefixes listed at the same time.
const DESTINATION_CONCURRENCY: usize = 8;

/// The stages of a plan: the source listed (`done` keys), the destination prefixes checked
/// (`done`/`total` prefixes, `records` keys found there). `calls` counts every LIST call.
pub const PLAN_STAGES: [&str; 2] = ["listing the source", "checking destinations"];

/// One progress line of a plan being made.
pub fn progress_line(p: &Snapshot) -> String {
    if p.stage == PLAN_STAGES[1] {
        format!(
            "{} LIST calls; destinations {}/{} prefixes, {} keys",
            p.calls,
            p.done,
            p.total.unwrap_or(0),
            p.records
        )
    } else {
        format!("{} keys listed, {} LIST calls", p.done, p.calls)
    }
}

/// What a listing's keys count as in the job's progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    /// Items of the stage (source keys).
    Done,
    /// Records (destination keys; the stage's items are prefixes).
    Records,
}

/// Lists the source of `rule`: every key (in parallel), or the first `max_pages` pages of one
/// sequential listing in key order, as the seed script lists (so a bounded run takes the first
/// keys, and makes at most `max_pages` LIST calls besides the retries of failed ones). Returns
/// the objects in key order and whether the listing reached its end.
async fn list_source(
    s3: &Client,
    rule: &Rule,
    endpoint: &str,
    progress: &Progress,
) -> Result<(Vec<ListedObject>, bool), S3Error> {
    let max_pages = rule.spec.max_pages.map(u64::from);
    let opts = ListOptions {
        delimiter: None,
        concurrency: rule.spec.workers.clamp(1, 64),
        page_size: i32::try_from(rule.spec.page_size).unwrap_or(1000),
        max_pages,
        ..ListOptions::new(&rule.spec.bucket, &rule.source_prefix)
    };
    collect(s3, opts, progress, Counted::Done, max_pages, endpoint).await
}

/// Runs one listing to its end (or `max_pages` pages), objects sorted by key.
async fn collect(
    s3: &Client,
    opts: ListOptions,
    progress: &Progress,
    counted: Counted,
    max_pages: Option<u64>,
    endpoint: &str,
) -> Result<(Vec<ListedObject>, bool), S3Error> {
    let cancel = &progress.cancel;
    let stats = Arc::new(ListStats::default());
    let (tx, mut rx) = mpsc::channel(64);
    let stop = cancel.child_token();
    let task = tokio::spawn(list_parallel(
        s3.clone(),
        opts,
        Arc::clone(&stats),
        tx,
        stop.clone(),
        endpoint.to_string(),
    ));
    let mut objects = Vec::new();
    let mut pages = 0u64;
    let mut complete = true;
    let mut calls = 0;
    while let Some(page) = rx.recv().await {
        let n = page.objects.len() as u64;
        match counted {
            Counted::Done => progress.add(n, page.objects.iter().map(|o| o.size).sum()),
            Counted::Records => progress.add_records(n),
        }
        progress.add_calls_since(&mut calls, stats.list_calls.load(Ordering::Relaxed));
        objects.extend(page.objects);
        pages += 1;
        if max_pages.is_some_and(|m| pages >= m) {
            complete = false;
            stop.cancel();
            break;
        }
    }
    drop(rx);
    let listed = task.await.map_err(|e| S3Error::Other {
        operation: "ListObjectsV2".into(),
        detail: format!("listing task stopped: {e}"),
    })?;
    listed?;
    progress.add_calls_since(&mut calls, stats.list_calls.load(Ordering::Relaxed));
    objects.sort_unstable_by(|a, b| a.key.cmp(&b.key));
    objects.dedup_by(|a, b| a.key == b.key);
    Ok((objects, complete && !cancel.is_cancelled()))
}

/// Lists the destination prefixes and returns what is there, by key: `progress` counts the
/// prefixes done of its total, the keys found as records, and stops the listings.
pub async fn list_destinations(
    s3: &Client,
    bucket: &str,
    prefixes: impl IntoIterator<Item = String>,
    endpoint: &str,
    progress: &Progress,
) -> Result<HashMap<String, Existing>, S3Error> {
    let prefixes: Vec<String> = prefixes.into_iter().collect();
    progress.add_total(prefixes.len() as u64);
    let mut found = HashMap::new();
    let mut listings = futures::stream::iter(prefixes)
        .map(|prefix| {
            let opts = ListOptions {
                delimiter: None,
                concurrency: 4,
                ..ListOptions::new(bucket, &prefix)
            };
            collect(s3, opts, progress, Counted::Records, None, endpoint)
        })
        .buffer_unordered(DESTINATION_CONCURRENCY);
    while let Some(result) = listings.next().await {
        let (objects, _) = result?;
        progress.add(1, 0);
        for o in objects {
            found.insert(
                o.key,
                Existing {
                    size: o.size,
                    etag: o.etag,
                },
            );
        }
    }
    Ok(found)
}

/// Refuses a plan whose destinations would be listed again as sources (a dated prefix that
/// only some dates put inside the source prefix).
pub fn check_destinations(rule: &Rule, draft: &Draft) -> Result<(), RuleError> {
    match draft
        .destination_prefixes
        .iter()
        .find(|p| p.starts_with(rule.source_prefix.as_str()))
    {
        Some(p) => Err(RuleError {
            field: Field::Target,
            message: format!(
                "`{}` renders `{p}`, inside the source prefix `{}`: moved keys would be listed again; put the target beside the source",
                rule.spec.target, rule.source_prefix
            ),
        }),
        None => Ok(()),
    }
}

/// Makes the plan of `rule`: list, classify, check destinations, settle; counted into
/// `progress` through [`PLAN_STAGES`] and stopped by its token.
pub async fn make_plan(
    s3: &Client,
    rule: &Rule,
    endpoint: &str,
    now: DateTime<Utc>,
    progress: &Progress,
) -> Result<MovePlan, SegregateError> {
    let cancel = &progress.cancel;
    progress.stage(PLAN_STAGES[0]);
    let (mut objects, mut complete) = list_source(s3, rule, endpoint, progress).await?;
    if let Some(max) = rule.spec.max_keys {
        // The seed's bound: folder markers do not count, the first `max` keys in key order do.
        let mut n = 0u64;
        objects.retain(|o| {
            if o.key.ends_with('/') {
                return true;
            }
            n += 1;
            n <= max
        });
        complete &= n <= max;
    }
    let list_calls = progress.calls();
    if cancel.is_cancelled() {
        return Err(SegregateError::Cancelled);
    }
    let mut d = draft(rule, &objects, now);
    check_destinations(rule, &d)?;
    let prefixes = std::mem::take(&mut d.destination_prefixes);
    progress.stage(PLAN_STAGES[1]);
    let existing = list_destinations(s3, &rule.spec.bucket, prefixes, endpoint, progress).await?;
    if cancel.is_cancelled() {
        return Err(SegregateError::Cancelled);
    }
    settle(&mut d, &existing);
    let mut plan = MovePlan {
        version: PLAN_VERSION,
        id: String::new(),
        created: now,
        endpoint: endpoint.to_string(),
        bucket: rule.spec.bucket.clone(),
        rule: rule.spec.clone(),
        listing: ListingInfo {
            keys_listed: objects.len() as u64,
            list_calls,
            complete,
            skipped: d.skipped,
        },
        summary: Default::default(),
        entries: d.entries,
    };
    plan.refresh();
    Ok(plan)
}
