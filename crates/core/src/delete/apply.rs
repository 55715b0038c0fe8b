//! Applying a delete plan: DeleteObjects of up to 1000 keys, each on its planned ETag, a few
//! in flight; per-key errors kept; cancellation between batches; what went reported back.

use super::plan::DeleteError;
use super::{DeletePlan, PlannedObject};
use crate::job::Progress;
use crate::s3::error::S3Error;
use crate::s3::retry::{self, DeleteKey};
use crate::s3::write::Writer;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// S3's limit of keys per DeleteObjects.
pub const MAX_BATCH: usize = 1000;
/// DeleteObjects requests in flight at the same time.
const CONCURRENCY: usize = 4;

/// One key that was not deleted, and why (already escaped for nothing: escape to print).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyError {
    pub key: String,
    pub error: String,
}

/// What [`apply`] did: the objects deleted (to subtract from a tree), the ones that were not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeleteReport {
    pub bucket: String,
    /// Every object deleted, in plan order, as planned (size and class).
    pub deleted: Vec<PlannedObject>,
    /// Objects and bytes deleted.
    pub count: u64,
    pub bytes: u64,
    /// Keys not deleted; they are still there.
    pub failed: Vec<KeyError>,
    /// Stopped by the cancellation token: the batches not sent are neither deleted nor failed.
    pub cancelled: bool,
    /// Planned objects neither deleted nor failed (not sent after a cancel).
    pub not_sent: u64,
    /// Delete markers were added (versioned bucket) rather than objects removed.
    pub versioned: bool,
}

impl DeleteReport {
    /// Objects and bytes deleted under each prefix (every `/`-ended ancestor of a deleted key,
    /// and "" for the bucket): what to subtract from each node of a prefix tree.
    pub fn by_prefix(&self) -> BTreeMap<String, (u64, u64)> {
        let mut out: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for o in &self.deleted {
            let mut add = |p: &str| {
                let e = out.entry(p.to_string()).or_insert((0, 0));
                e.0 += 1;
                e.1 += o.size;
            };
            add("");
            for (i, _) in o.key.match_indices('/') {
                add(&o.key[..=i]);
            }
        }
        out
    }
}

/// Deletes exactly the objects of `plan` with `w` (a read-only profile has no [`Writer`]),
/// in DeleteObjects batches of up to [`MAX_BATCH`], each key on the ETag it was planned with:
/// an object rewritten since the plan is kept and reported in [`DeleteReport::failed`].
/// A key already gone counts as deleted, so a batch retried after it succeeded is exact.
///
/// Progress: stage `deleting`, objects done of `count` (+ bytes of `bytes`), `calls`
/// DeleteObjects requests, `errors` per key not deleted. Once `progress.cancel` fires no new
/// batch starts; the ones in flight finish and are reported.
pub async fn apply(
    w: &Writer,
    plan: &DeletePlan,
    endpoint: &str,
    progress: &Progress,
) -> Result<DeleteReport, DeleteError> {
    progress.stage("deleting");
    progress.set_total(plan.count);
    progress.set_bytes_total(plan.bytes);
    let bucket = plan.bucket.as_str();
    let cancel = progress.cancel.clone();
    let outcomes: Vec<(usize, Vec<Option<String>>)> = stream::iter(
        plan.objects
            .chunks(MAX_BATCH)
            .enumerate()
            .take_while(|_| !cancel.is_cancelled()),
    )
    .map(|(i, batch)| async move {
        progress.add_calls(1);
        let result = delete_batch(w, bucket, batch, endpoint).await;
        let mut bytes = 0;
        let mut done = 0;
        for (o, r) in batch.iter().zip(&result) {
            match r {
                None => {
                    done += 1;
                    bytes += o.size;
                }
                Some(e) => progress.error(&format!("{}: {e}", o.key)),
            }
        }
        progress.add(done, bytes);
        (i, result)
    })
    .buffer_unordered(CONCURRENCY)
    .collect()
    .await;
    let mut by_batch: Vec<Option<Vec<Option<String>>>> =
        vec![None; plan.objects.len().div_ceil(MAX_BATCH)];
    for (i, r) in outcomes {
        by_batch[i] = Some(r);
    }
    let mut report = DeleteReport {
        bucket: bucket.to_string(),
        versioned: plan.versioned,
        ..DeleteReport::default()
    };
    for (batch, result) in plan.objects.chunks(MAX_BATCH).zip(by_batch) {
        let Some(result) = result else {
            report.not_sent += batch.len() as u64;
            continue;
        };
        for (o, r) in batch.iter().zip(result) {
            match r {
                None => {
                    report.count += 1;
                    report.bytes += o.size;
                    report.deleted.push(o.clone());
                }
                Some(error) => report.failed.push(KeyError {
                    key: o.key.clone(),
                    error,
                }),
            }
        }
    }
    report.cancelled = report.not_sent > 0;
    Ok(report)
}

/// Deletes one batch; per object None (gone) or why it is still there.
async fn delete_batch(
    w: &Writer,
    bucket: &str,
    batch: &[PlannedObject],
    endpoint: &str,
) -> Vec<Option<String>> {
    let keys: Vec<DeleteKey> = batch
        .iter()
        .map(|o| DeleteKey {
            key: o.key.clone(),
            etag: o.etag.clone(),
            version_id: None,
        })
        .collect();
    let mut failed = match retry::delete_objects(w, bucket, &keys, endpoint).await {
        Ok(f) => f,
        Err(e) => return vec![Some(e.to_string()); batch.len()],
    };
    let mut out = Vec::with_capacity(batch.len());
    let mut checks: HashMap<&str, Option<String>> = HashMap::new();
    for o in batch {
        let Some(f) = failed.remove(&o.key) else {
            out.push(None);
            continue;
        };
        let why = if f.code == "PreconditionFailed" {
            // Retried after it had succeeded (the key is gone), or rewritten since the plan.
            match checks.get(o.key.as_str()) {
                Some(c) => c.clone(),
                None => {
                    let c = match still_there(w, bucket, &o.key, endpoint).await {
                        Ok(false) => None,
                        Ok(true) => Some(
                            "it changed since the plan (another ETag); it was kept".to_string(),
                        ),
                        Err(e) => Some(format!("the ETag condition failed and HEAD failed: {e}")),
                    };
                    checks.insert(&o.key, c.clone());
                    c
                }
            }
        } else {
            Some(format!("DeleteObjects: {}: {}", f.code, f.message))
        };
        out.push(why);
    }
    out
}

async fn still_there(w: &Writer, bucket: &str, key: &str, endpoint: &str) -> Result<bool, S3Error> {
    match w.s3().head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(false),
        Err(e) => Err(S3Error::classify(&e, endpoint, "HeadObject", key)),
    }
}
