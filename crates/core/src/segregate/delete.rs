//! Deleting verified sources in batches: DeleteObjects of up to 1000 keys, each key conditional
//! on its planned ETag, with the answer read key by key and each deletion journaled.

use super::journal::{Journal, Record};
use crate::job::Progress;
use crate::s3::error::S3Error;
use crate::s3::retry::{self, DeleteKey};
use crate::s3::write::Writer;
use aws_sdk_s3::Client;
use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// S3's limit of keys per DeleteObjects.
pub const MAX_BATCH: usize = 1000;

/// One source to delete.
#[derive(Debug, Clone)]
pub struct Doomed {
    pub key: String,
    pub etag: Option<String>,
}

/// Deletes `batch` (at most [`MAX_BATCH`] keys). Returns, per key, None when it is gone and
/// the reason when it is not. A key that was already gone counts as deleted; keys failed with
/// a transient code inside the answer are sent again ([`retry::delete_objects`]).
pub async fn delete_batch(
    w: &Writer,
    bucket: &str,
    batch: &[Doomed],
    endpoint: &str,
) -> Vec<(String, Option<String>)> {
    let keys: Vec<DeleteKey> = batch
        .iter()
        .map(|d| DeleteKey {
            key: d.key.clone(),
            etag: d.etag.clone(),
            version_id: None,
        })
        .collect();
    let mut failed = match retry::delete_objects(w, bucket, &keys, endpoint).await {
        Ok(failed) => failed,
        Err(e) => return all_failed(batch, &e.to_string()),
    };
    let mut errors: HashMap<String, String> = HashMap::new();
    for d in batch {
        let Some(f) = failed.remove(&d.key) else {
            continue;
        };
        let why = match f.code.as_str() {
            // A DeleteObjects retried after it had deleted the key can find the key gone and
            // report its ETag condition as failed: only a source still there has changed.
            "PreconditionFailed" => match still_there(w.s3(), bucket, &d.key, endpoint).await {
                Ok(false) => continue,
                Ok(true) => {
                    "the source changed after it was copied; it was kept (the copy too)".to_string()
                }
                Err(e) => format!("the ETag condition failed and the source cannot be read: {e}"),
            },
            code => format!("DeleteObjects: {code}: {}", f.message),
        };
        errors.insert(d.key.clone(), why);
    }
    batch
        .iter()
        .map(|d| (d.key.clone(), errors.remove(d.key.as_str())))
        .collect()
}

/// Whether `key` exists (HEAD).
async fn still_there(
    s3: &Client,
    bucket: &str,
    key: &str,
    endpoint: &str,
) -> Result<bool, S3Error> {
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
        Err(e) => Err(S3Error::classify(&e, endpoint, "HeadObject", key)),
    }
}

fn all_failed(batch: &[Doomed], why: &str) -> Vec<(String, Option<String>)> {
    batch
        .iter()
        .map(|d| (d.key.clone(), Some(why.to_string())))
        .collect()
}

/// A batch is sent when full or when its oldest key has waited this long.
const MAX_WAIT: Duration = Duration::from_millis(300);
/// DeleteObjects requests in flight at the same time.
const CONCURRENCY: usize = 4;

type Results = Vec<(usize, Option<String>)>;

/// Deletes the sources sent on `rx` — (entry index, source, size) — in batches, journals each
/// deletion, counts progress; returns per entry None (deleted) or why not.
pub async fn deleter(
    w: &Writer,
    bucket: &str,
    endpoint: &str,
    journal: &Journal,
    progress: &Progress,
    sizes: &[u64],
    mut rx: mpsc::Receiver<(usize, Doomed, u64)>,
) -> Results {
    let mut results = Vec::new();
    let mut batch: Vec<(usize, Doomed)> = Vec::new();
    let mut oldest = Instant::now();
    let mut inflight = FuturesUnordered::new();
    let send = |batch: Vec<(usize, Doomed)>| async move {
        let doomed: Vec<Doomed> = batch.iter().map(|(_, d)| d.clone()).collect();
        // Every `copied` record of this batch is on disk before any of its sources goes.
        let answers = match journal.sync().await {
            Ok(()) => delete_batch(w, bucket, &doomed, endpoint).await,
            Err(e) => all_failed(&doomed, &format!("cannot write the journal: {e}")),
        };
        let records = answers
            .iter()
            .filter(|(_, why)| why.is_none())
            .map(|(key, _)| Record::Deleted { key: key.clone() })
            .collect();
        if let Err(e) = journal.write(records).await {
            // The sources are gone and the targets verified: a resumed run finds the
            // targets in place and has nothing to redo.
            tracing::warn!(error = %e, "cannot journal deletions");
        }
        batch
            .into_iter()
            .zip(answers)
            .map(|((i, _), (_, why))| {
                progress.add(1, sizes.get(i).copied().unwrap_or(0));
                if why.is_some() {
                    progress.add_errors(1);
                }
                (i, why)
            })
            .collect::<Results>()
    };
    let mut open = true;
    while open || !batch.is_empty() {
        let full = batch.len() >= MAX_BATCH;
        let due = !batch.is_empty() && (full || !open || oldest.elapsed() >= MAX_WAIT);
        if due && inflight.len() < CONCURRENCY {
            inflight.push(send(std::mem::take(&mut batch)));
            continue;
        }
        let deadline = tokio::time::Instant::from_std(oldest + MAX_WAIT);
        tokio::select! {
            item = rx.recv(), if open && !full => match item {
                Some((i, doomed, _)) => {
                    if batch.is_empty() {
                        oldest = Instant::now();
                    }
                    batch.push((i, doomed));
                }
                None => open = false,
            },
            Some(done) = inflight.next(), if !inflight.is_empty() => results.extend(done),
            () = tokio::time::sleep_until(deadline), if !batch.is_empty() && !due => {}
        }
    }
    while let Some(done) = inflight.next().await {
        results.extend(done);
    }
    results
}
