//! Applying a cleanup plan: uploads aborted, noncurrent versions and markers deleted by
//! VersionId in DeleteObjects batches, each removal journaled before the next batch is sent;
//! current delete markers last, and only where every version behind them is gone.

use super::journal::{Journal, Record, read_journal};
use super::{CleanupError, CleanupItem, CleanupPlan, Tally};
use crate::job::Progress;
use crate::s3::error::S3Error;
use crate::s3::retry::{self, DeleteKey};
use crate::s3::write::Writer;
use futures::stream::{self, StreamExt};
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Keys per DeleteObjects (S3's limit).
pub const MAX_BATCH: usize = 1000;
/// DeleteObjects requests in flight.
const DELETE_CONCURRENCY: usize = 4;
/// AbortMultipartUpload requests in flight.
const ABORT_CONCURRENCY: usize = 8;

/// An item and its fate: Ok(None) removed, Ok(Some(why)) not removed, Err the journal failed.
type Outcome<'a> = (&'a CleanupItem, Result<Option<String>, String>);

/// One item that was not removed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemError {
    pub kind: &'static str,
    pub key: String,
    /// Version id or upload id.
    pub id: String,
    pub error: String,
}

/// What [`apply`] did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CleanupReport {
    pub bucket: String,
    pub plan: String,
    pub journal: PathBuf,
    /// Removed by this run.
    pub uploads: Tally,
    pub versions: Tally,
    pub delete_markers: Tally,
    /// Bytes removed by this run per storage class (uploads: STANDARD), for the saving.
    pub bytes_by_class: std::collections::BTreeMap<String, u64>,
    /// Items earlier runs of the journal had removed (skipped now).
    pub already_done: u64,
    /// Items not removed; they are still there.
    pub failed: Vec<ItemError>,
    /// Cancelled: the items not sent are neither removed nor failed.
    pub cancelled: bool,
    pub not_sent: u64,
}

impl CleanupReport {
    /// Items and bytes removed by this run.
    pub fn removed(&self) -> Tally {
        Tally {
            count: self.uploads.count + self.versions.count + self.delete_markers.count,
            bytes: self.uploads.bytes + self.versions.bytes,
        }
    }
}

/// Removes exactly the items of `plan` with `w` (a read-only profile has none), journaling
/// into `journal_path`; items an earlier run there removed are skipped. Progress: stage
/// `removing`, items of the plan (+ bytes), `calls` write requests, `errors` per item. Once
/// `progress.cancel` fires no new request starts; the journal then lets a rerun finish.
pub async fn apply(
    w: &Writer,
    plan: &CleanupPlan,
    endpoint: &str,
    journal_path: &Path,
    progress: &Progress,
) -> Result<CleanupReport, CleanupError> {
    let jerr = |detail: String| CleanupError::Journal {
        path: journal_path.display().to_string(),
        detail,
    };
    let past = read_journal(journal_path, &plan.id)?;
    let journal = Journal::open(journal_path).map_err(|e| jerr(e.to_string()))?;
    journal
        .write_one(Record::Start {
            plan: plan.id.clone(),
            bucket: plan.spec.bucket.clone(),
            items: plan.items.len() as u64,
            at: chrono::Utc::now(),
        })
        .await
        .map_err(jerr)?;
    progress.stage("removing");
    progress.set_total(plan.items.len() as u64);
    progress.set_bytes_total(plan.total().bytes);
    let mut report = CleanupReport {
        bucket: plan.spec.bucket.clone(),
        plan: plan.id.clone(),
        journal: journal_path.to_path_buf(),
        ..CleanupReport::default()
    };
    let mut todo: Vec<&CleanupItem> = Vec::new();
    for item in &plan.items {
        if past.removed.contains(&item.id()) {
            report.already_done += 1;
            progress.add(1, item.bytes());
        } else {
            todo.push(item);
        }
    }
    let (uploads, rest): (Vec<&CleanupItem>, Vec<&CleanupItem>) = todo
        .into_iter()
        .partition(|i| matches!(i, CleanupItem::Upload { .. }));
    let (current_markers, versions): (Vec<&CleanupItem>, Vec<&CleanupItem>) = rest
        .into_iter()
        .partition(|i| matches!(i, CleanupItem::DeleteMarker { latest: true, .. }));
    let bucket = plan.spec.bucket.as_str();
    let cancel = progress.cancel.clone();
    let j = &journal;

    // Uploads, one request each.
    let aborted: Vec<Outcome<'_>> = stream::iter(
        uploads
            .iter()
            .copied()
            .take_while(|_| !cancel.is_cancelled()),
    )
    .map(|item| async move {
        progress.add_calls(1);
        let r = abort(w, bucket, item, endpoint).await;
        (item, r)
    })
    .buffer_unordered(ABORT_CONCURRENCY)
    .then(|(item, r)| async move {
        let r = settle(j, item, r, progress).await;
        (item, r)
    })
    .collect()
    .await;
    let mut sent: HashSet<String> = HashSet::new();
    let mut failed: HashSet<String> = HashSet::new();
    record(&mut report, &mut sent, &mut failed, aborted)?;

    // Noncurrent versions and markers, then the current markers with nothing left behind.
    let deleted = delete_items(w, bucket, &versions, endpoint, j, progress).await;
    record(&mut report, &mut sent, &mut failed, deleted)?;
    let blocked: HashSet<&str> = versions
        .iter()
        .filter(|i| !sent.contains(&i.id()) || failed.contains(&i.id()))
        .map(|i| i.key())
        .collect();
    let (free, kept): (Vec<&CleanupItem>, Vec<&CleanupItem>) = current_markers
        .into_iter()
        .partition(|m| !blocked.contains(m.key()));
    if !cancel.is_cancelled() {
        for m in kept {
            sent.insert(m.id());
            progress.error(&format!("{}: kept its delete marker", m.key()));
            report.failed.push(item_error(
                m,
                "kept: a version behind it was not deleted, removing the marker would bring it back",
            ));
        }
        let deleted = delete_items(w, bucket, &free, endpoint, j, progress).await;
        record(&mut report, &mut sent, &mut failed, deleted)?;
    }
    report.not_sent = plan.items.len() as u64 - report.already_done - sent.len() as u64;
    report.cancelled = report.not_sent > 0;
    if !report.cancelled {
        journal
            .write_one(Record::End {
                plan: plan.id.clone(),
                at: chrono::Utc::now(),
            })
            .await
            .map_err(jerr)?;
    } else {
        journal.sync().await.map_err(jerr)?;
    }
    Ok(report)
}

/// Adds the outcomes to the report; a journal failure stops the run.
fn record(
    report: &mut CleanupReport,
    sent: &mut HashSet<String>,
    failed: &mut HashSet<String>,
    outcomes: Vec<Outcome<'_>>,
) -> Result<(), CleanupError> {
    for (item, r) in outcomes {
        sent.insert(item.id());
        match r.map_err(|detail| CleanupError::Journal {
            path: report.journal.display().to_string(),
            detail,
        })? {
            None => {
                match item {
                    CleanupItem::Upload { .. } => report.uploads.add(item.bytes()),
                    CleanupItem::Version { .. } => report.versions.add(item.bytes()),
                    CleanupItem::DeleteMarker { .. } => report.delete_markers.add(0),
                }
                if item.bytes() > 0 {
                    *report
                        .bytes_by_class
                        .entry(item.storage_class().to_string())
                        .or_insert(0) += item.bytes();
                }
            }
            Some(e) => {
                failed.insert(item.id());
                report.failed.push(item_error(item, &e));
            }
        }
    }
    Ok(())
}

fn item_error(item: &CleanupItem, error: &str) -> ItemError {
    let id = match item {
        CleanupItem::Upload { upload_id, .. } => upload_id,
        CleanupItem::Version { version_id, .. } | CleanupItem::DeleteMarker { version_id, .. } => {
            version_id
        }
    };
    ItemError {
        kind: item.kind(),
        key: item.key().to_string(),
        id: id.clone(),
        error: error.to_string(),
    }
}

/// Journals an outcome (removed: on disk before returning) and counts it. Err: the journal
/// failed; Ok(Some): the item failed.
async fn settle(
    journal: &Journal,
    item: &CleanupItem,
    outcome: Option<String>,
    progress: &Progress,
) -> Result<Option<String>, String> {
    match outcome {
        None => {
            journal.write_one(Record::Removed { id: item.id() }).await?;
            progress.add(1, item.bytes());
            Ok(None)
        }
        Some(error) => {
            progress.error(&format!("{}: {error}", item.key()));
            journal.append(Record::Failed {
                id: item.id(),
                error: error.clone(),
            })?;
            Ok(Some(error))
        }
    }
}

/// Aborts one upload; None when it is gone (already aborted or completed counts as gone).
async fn abort(w: &Writer, bucket: &str, item: &CleanupItem, endpoint: &str) -> Option<String> {
    let CleanupItem::Upload { key, upload_id, .. } = item else {
        return Some("not an upload".into());
    };
    match w
        .s3()
        .abort_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .send()
        .await
    {
        Ok(_) => None,
        Err(e) => match S3Error::classify(&e, endpoint, "AbortMultipartUpload", bucket) {
            S3Error::Service { code, .. } if code == "NoSuchUpload" => None,
            e => Some(e.to_string()),
        },
    }
}

/// Deletes versions and markers by VersionId in batches; each batch's removals are on disk
/// before its outcome is returned.
async fn delete_items<'a>(
    w: &Writer,
    bucket: &str,
    items: &[&'a CleanupItem],
    endpoint: &str,
    journal: &Journal,
    progress: &Progress,
) -> Vec<Outcome<'a>> {
    let cancel = progress.cancel.clone();
    let batches: Vec<Vec<Outcome<'a>>> = stream::iter(
        items
            .chunks(MAX_BATCH)
            .take_while(|_| !cancel.is_cancelled()),
    )
    .map(|batch| async move {
        progress.add_calls(1);
        let keys: Vec<DeleteKey> = batch
            .iter()
            .map(|i| DeleteKey {
                key: i.key().to_string(),
                etag: None,
                version_id: version_of(i),
            })
            .collect();
        let result = retry::delete_versions(w, bucket, &keys, endpoint).await;
        let mut out = Vec::with_capacity(batch.len());
        let mut removed = Vec::new();
        for (item, k) in batch.iter().zip(&keys) {
            let why = match &result {
                Err(e) => Some(e.to_string()),
                Ok(failed) => failed
                    .get(&(k.key.clone(), k.version_id.clone()))
                    .map(|f| format!("DeleteObjects: {}: {}", f.code, f.message)),
            };
            match &why {
                None => {
                    removed.push(Record::Removed { id: item.id() });
                    progress.add(1, item.bytes());
                }
                Some(e) => {
                    progress.error(&format!("{}: {e}", item.key()));
                    removed.push(Record::Failed {
                        id: item.id(),
                        error: e.clone(),
                    });
                }
            }
            out.push((*item, why));
        }
        let written = journal.write(removed).await;
        out.into_iter()
            .map(|(i, why)| (i, written.clone().map(|()| why)))
            .collect()
    })
    .buffer_unordered(DELETE_CONCURRENCY)
    .collect()
    .await;
    batches.into_iter().flatten().collect()
}

fn version_of(item: &CleanupItem) -> Option<String> {
    match item {
        CleanupItem::Version { version_id, .. } | CleanupItem::DeleteMarker { version_id, .. } => {
            Some(version_id.clone())
        }
        CleanupItem::Upload { .. } => None,
    }
}
