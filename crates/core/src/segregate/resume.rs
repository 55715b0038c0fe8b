//! Picking a plan up where a killed run left it: uploads it left open are aborted, and the
//! destinations of the entries not done yet are listed again and their statuses settled anew.

use super::error::SegregateError;
use super::journal::{Journal, Past, Record};
use super::multipart::abort_leftovers;
use super::plan::{MovePlan, PlanEntry, Status};
use super::planner::list_destinations;
use super::rule::as_dir;
use crate::job::Progress;
use aws_sdk_s3::Client;
use std::collections::BTreeSet;
use tokio_util::sync::CancellationToken;

/// Aborts the multipart uploads a killed run left open, and journals them closed.
pub async fn abort_open_uploads(
    s3: &Client,
    bucket: &str,
    past: &Past,
    journal: &Journal,
) -> usize {
    if past.open_uploads.is_empty() {
        return 0;
    }
    let aborted = abort_leftovers(s3, bucket, &past.open_uploads).await;
    let closed = aborted
        .iter()
        .map(|(target, upload_id)| Record::UploadClosed {
            target: target.clone(),
            upload_id: upload_id.clone(),
        })
        .collect();
    if let Err(e) = journal.write(closed).await {
        tracing::warn!(error = %e, "cannot journal the aborted uploads");
    }
    aborted.len()
}

/// Lists the destinations of the entries not done yet and settles them again: a destination
/// that appeared since planning turns a move into a conflict (or into already_there when it
/// is the same object, e.g. copied by a killed run). Returns the entries to work on and how
/// many changed status.
pub async fn recheck(
    s3: &Client,
    plan: &MovePlan,
    entries: &mut [PlanEntry],
    past: &Past,
    endpoint: &str,
    cancel: &CancellationToken,
) -> Result<(Vec<usize>, u64), SegregateError> {
    let source = as_dir(&plan.rule.source_prefix);
    let pending: Vec<usize> = (0..entries.len())
        .filter(|&i| !entries[i].status.stays() && !past.deleted.contains(&entries[i].key))
        .collect();
    let mut prefixes = BTreeSet::new();
    for &i in &pending {
        let e = &entries[i];
        prefixes.insert(target_dir(e, &source).to_string());
    }
    // The destinations are counted apart: the apply's progress counts objects moved.
    let progress = Progress::default().with_cancel(cancel.child_token());
    let existing = list_destinations(s3, &plan.bucket, prefixes, endpoint, &progress).await?;
    let mut changed = 0;
    for &i in &pending {
        let e = &mut entries[i];
        let clash = e.status == Status::Conflict && e.existing.is_none();
        if clash {
            continue;
        }
        let before = e.status;
        let found = existing.get(&e.target);
        e.settle(found);
        // A destination this tool wrote from this very source (multipart: another ETag).
        if e.status == Status::Conflict
            && let Some(found) = found
            && found.size == e.size
            && past
                .copied
                .get(&(e.key.clone(), e.etag.clone(), e.target.clone()))
                .is_some_and(|t| match (t, &found.etag) {
                    (Some(a), Some(b)) => a.trim_matches('"') == b.trim_matches('"'),
                    _ => false,
                })
        {
            e.status = Status::AlreadyThere;
        }
        if e.status != before {
            changed += 1;
        }
    }
    Ok((pending, changed))
}

/// The prefix a target lies in: the target without the key's name relative to the source.
pub fn target_dir<'a>(e: &'a PlanEntry, source_prefix: &str) -> &'a str {
    let rel_len = e.key.strip_prefix(source_prefix).map_or(0, str::len);
    let cut = e.target.len().saturating_sub(rel_len);
    e.target.get(..cut).unwrap_or("")
}
