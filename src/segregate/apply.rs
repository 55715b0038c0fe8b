//! Applying a MovePlan exactly: check the destinations again, then for each entry copy (pinned to
//! the planned ETag), verify, journal, and delete the sources in batches; bounded concurrency,
//! a safe cancel (running objects finish, nothing new starts) and a resumable journal.

use super::copy::{CopyJob, MoveFailure, PartSettings, Verify, copy_verified};
use super::delete::{Doomed, deleter};
use super::error::SegregateError;
use super::journal::{self, Journal, Past, Record};
use super::multipart::abort_leftovers;
use super::plan::{Count, MovePlan, PlanEntry, Status};
use super::planner::{PlanProgress, list_destinations};
use super::report::{ApplyProgress, ApplyReport, Outcome, Problem};
use super::rule::as_dir;
use aws_sdk_s3::Client;
use futures::StreamExt as _;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::Instant;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// At most this many problems are listed in a report (the journal has them all).
const MAX_PROBLEMS: usize = 1000;

/// How to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyOptions {
    /// Objects copied at the same time.
    pub workers: usize,
    /// Copy over conflicting destinations instead of skipping them.
    pub overwrite: bool,
    pub parts: PartSettings,
    pub verify: Verify,
    pub journal: PathBuf,
}

/// An entry's result before its source is deleted: final, or waiting for the deleter.
enum Step {
    Final(Outcome, Option<String>),
    Deleting(Outcome),
}

/// Applies `plan`. Per-object failures are in the report; an error is returned only when
/// the run cannot start (journal, destination listing).
pub async fn apply(
    s3: &Client,
    plan: &MovePlan,
    endpoint: &str,
    opts: &ApplyOptions,
    progress: &ApplyProgress,
    cancel: &CancellationToken,
) -> Result<ApplyReport, SegregateError> {
    let started = chrono::Utc::now();
    let t0 = Instant::now();
    let journal_error = |message: String| SegregateError::Journal {
        path: opts.journal.clone(),
        message,
    };
    let past = journal::read(&opts.journal, &plan.id).map_err(|e| journal_error(e.to_string()))?;
    let journal = Journal::open(&opts.journal).map_err(|e| journal_error(e.to_string()))?;
    journal
        .write_one(Record::Start {
            plan: plan.id.clone(),
            bucket: plan.bucket.clone(),
            entries: plan.entries.len() as u64,
            at: started,
        })
        .await
        .map_err(journal_error)?;
    let aborted_uploads = abort_open_uploads(s3, &plan.bucket, &past, &journal).await;
    let mut entries = plan.entries.clone();
    let (pending, rechecked) = recheck(s3, plan, &mut entries, &past, endpoint, cancel).await?;
    progress
        .objects_total
        .store(pending.len() as u64, Ordering::Relaxed);
    progress.bytes_total.store(
        pending.iter().map(|&i| entries[i].size).sum(),
        Ordering::Relaxed,
    );

    let (tx, rx) = mpsc::channel::<(usize, Doomed, u64)>(opts.workers.max(1) * 4);
    let work = {
        let entries = &entries;
        let journal = &journal;
        futures::stream::iter(pending.iter().copied())
            .map(move |i| {
                let tx = tx.clone();
                async move {
                    let step =
                        process(s3, plan, &entries[i], opts, journal, endpoint, cancel).await;
                    let step = match step {
                        Step::Deleting(outcome) => {
                            let e = &entries[i];
                            let doomed = Doomed {
                                key: e.key.clone(),
                                etag: e.etag.clone(),
                            };
                            match tx.send((i, doomed, e.size)).await {
                                Ok(()) => Step::Deleting(outcome),
                                Err(_) => Step::Final(
                                    Outcome::Failed,
                                    Some("the deleter stopped; the source was kept".into()),
                                ),
                            }
                        }
                        last => last,
                    };
                    if let Step::Final(outcome, _) = &step {
                        progress.done(entries[i].size);
                        if matches!(outcome, Outcome::Failed | Outcome::Changed) {
                            progress.errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    (i, step)
                }
            })
            .buffer_unordered(opts.workers.max(1))
            .collect::<Vec<_>>()
    };
    let sizes: Vec<u64> = entries.iter().map(|e| e.size).collect();
    let (steps, deleted) = tokio::join!(
        work,
        deleter(s3, &plan.bucket, endpoint, &journal, progress, &sizes, rx)
    );

    let mut report = ApplyReport {
        plan: plan.id.clone(),
        bucket: plan.bucket.clone(),
        journal: opts.journal.clone(),
        started,
        seconds: 0.0,
        moved: Count::default(),
        moved_to_errors: Count::default(),
        already_there: Count::default(),
        conflicts: Count::default(),
        changed: Count::default(),
        failed: Count::default(),
        not_started: Count::default(),
        done_before: Count::default(),
        bytes_copied: 0,
        objects_per_sec: 0.0,
        rechecked,
        aborted_uploads,
        cancelled: cancel.is_cancelled(),
        problems: Vec::new(),
    };
    for e in entries.iter().filter(|e| past.deleted.contains(&e.key)) {
        report.done_before.add(e.size);
    }
    let mut outcomes: Vec<Option<(Outcome, Option<String>)>> = vec![None; entries.len()];
    for (i, step) in steps {
        outcomes[i] = Some(match step {
            Step::Final(o, m) => (o, m),
            Step::Deleting(o) => (o, None),
        });
    }
    for (i, failure) in deleted {
        if let Some(why) = failure {
            let e = &entries[i];
            let copied = matches!(
                outcomes[i],
                Some((Outcome::Moved | Outcome::MovedToErrors, _))
            );
            let what = if copied {
                format!(
                    "copied to {}, but the source was not deleted: {why}",
                    e.target
                )
            } else {
                format!("the source was not deleted: {why}")
            };
            outcomes[i] = Some((Outcome::Failed, Some(what)));
        }
    }
    for (i, o) in outcomes.into_iter().enumerate() {
        let Some((outcome, message)) = o else {
            continue;
        };
        let e = &entries[i];
        record(&mut report, e, outcome, message);
    }
    report.seconds = t0.elapsed().as_secs_f64();
    let finished =
        report.moved.objects + report.moved_to_errors.objects + report.already_there.objects;
    report.objects_per_sec = if report.seconds > 0.0 {
        finished as f64 / report.seconds
    } else {
        0.0
    };
    if !report.cancelled {
        let end = Record::End {
            plan: plan.id.clone(),
            at: chrono::Utc::now(),
        };
        if let Err(e) = journal.write_one(end).await {
            tracing::warn!(error = %e, "cannot write the end of the journal");
        }
    }
    Ok(report)
}

fn record(report: &mut ApplyReport, e: &PlanEntry, outcome: Outcome, message: Option<String>) {
    let count = match outcome {
        Outcome::Moved => &mut report.moved,
        Outcome::MovedToErrors => &mut report.moved_to_errors,
        Outcome::AlreadyThere => &mut report.already_there,
        Outcome::Conflict => &mut report.conflicts,
        Outcome::Changed => &mut report.changed,
        Outcome::Failed => &mut report.failed,
        Outcome::NotStarted => &mut report.not_started,
        Outcome::DoneBefore => &mut report.done_before,
    };
    count.add(e.size);
    if matches!(outcome, Outcome::Moved | Outcome::MovedToErrors) {
        report.bytes_copied += e.size;
    }
    if let Some(message) = message
        && report.problems.len() < MAX_PROBLEMS
    {
        report.problems.push(Problem {
            key: e.key.clone(),
            target: e.target.clone(),
            outcome,
            message,
        });
    }
}

/// Aborts the multipart uploads a killed run left open, and journals them closed.
async fn abort_open_uploads(s3: &Client, bucket: &str, past: &Past, journal: &Journal) -> usize {
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
async fn recheck(
    s3: &Client,
    plan: &MovePlan,
    entries: &mut [PlanEntry],
    past: &Past,
    endpoint: &str,
    cancel: &CancellationToken,
) -> Result<(Vec<usize>, u64), SegregateError> {
    let source = as_dir(&plan.rule.source_prefix);
    let pending: Vec<usize> = (0..entries.len())
        .filter(|&i| !past.deleted.contains(&entries[i].key))
        .collect();
    let mut prefixes = BTreeSet::new();
    for &i in &pending {
        let e = &entries[i];
        let rel_len = e.key.strip_prefix(source.as_str()).map_or(0, str::len);
        let cut = e.target.len().saturating_sub(rel_len);
        prefixes.insert(e.target.get(..cut).unwrap_or("").to_string());
    }
    let progress = PlanProgress::default();
    let existing =
        list_destinations(s3, &plan.bucket, prefixes, endpoint, &progress, cancel).await?;
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

/// One entry up to the deletion of its source.
async fn process(
    s3: &Client,
    plan: &MovePlan,
    e: &PlanEntry,
    opts: &ApplyOptions,
    journal: &Journal,
    endpoint: &str,
    cancel: &CancellationToken,
) -> Step {
    if cancel.is_cancelled() {
        return Step::Final(Outcome::NotStarted, None);
    }
    let copied = match e.status {
        Status::AlreadyThere => return Step::Deleting(Outcome::AlreadyThere),
        Status::Conflict if !(opts.overwrite && e.existing.is_some()) => {
            let why = e.detail.clone().unwrap_or_else(|| match &e.existing {
                Some(x) => format!(
                    "{} exists with size {} and ETag {}",
                    e.target,
                    x.size,
                    x.etag.as_deref().unwrap_or("-")
                ),
                None => "the destination is taken".into(),
            });
            return Step::Final(Outcome::Conflict, Some(why));
        }
        Status::Error => Outcome::MovedToErrors,
        Status::Move | Status::Conflict => {
            if e.reason.is_some() {
                Outcome::MovedToErrors
            } else {
                Outcome::Moved
            }
        }
    };
    let job = CopyJob {
        bucket: &plan.bucket,
        key: &e.key,
        etag: e.etag.as_deref(),
        size: e.size,
        storage_class: &e.storage_class,
        target: &e.target,
    };
    match copy_verified(s3, &job, opts.parts, opts.verify, endpoint, journal).await {
        Ok(target_etag) => {
            let rec = Record::Copied {
                key: e.key.clone(),
                etag: e.etag.clone(),
                target: e.target.clone(),
                target_etag,
                size: e.size,
            };
            // On disk before its source is deleted: the deleter syncs the journal first.
            match journal.append(rec) {
                Ok(()) => Step::Deleting(copied),
                Err(why) => {
                    Step::Final(Outcome::Failed, Some(MoveFailure::Journal(why).to_string()))
                }
            }
        }
        Err(failure) => {
            let outcome = match failure {
                MoveFailure::Changed(_)
                | MoveFailure::SourceGone
                | MoveFailure::ChangedUnguarded { .. } => Outcome::Changed,
                _ => Outcome::Failed,
            };
            let message = failure.to_string();
            let rec = Record::Failed {
                key: e.key.clone(),
                error: message.clone(),
            };
            if let Err(why) = journal.append(rec) {
                tracing::warn!(error = %why, "cannot journal a failure");
            }
            Step::Final(outcome, Some(message))
        }
    }
}
