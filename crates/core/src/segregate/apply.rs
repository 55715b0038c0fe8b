//! Applying a MovePlan exactly: check the destinations again, then, window by window in target
//! order, copy each entry (pinned to its planned ETag), verify, journal, and delete the sources
//! in batches; bounded concurrency, a safe cancel (running objects finish, nothing new starts)
//! and a resumable journal.

use super::copy::{PartSettings, Verify};
use super::delete::{Doomed, deleter};
use super::error::SegregateError;
use super::journal::{self, Journal, Record};
use super::plan::{Count, MovePlan, PlanEntry};
use super::report::{ApplyReport, Outcome, Problem};
use super::resume::{abort_open_uploads, recheck};
use super::rule::as_dir;
use super::work::{self, Ctx, Step};
use crate::job::Progress;
use crate::s3::write::Writer;
use std::path::PathBuf;
use std::time::Instant;
use tokio::sync::mpsc;

/// At most this many problems are listed in a report (the journal has them all).
const MAX_PROBLEMS: usize = 1000;
/// Entries per window: copied, then verified together, then handed to the deleter.
const WINDOW: usize = 1000;

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

/// Applies `plan` with write access to its bucket ([`Clients::writer`], which a read-only
/// profile never gets), counting into `progress` (objects and bytes moved, errors) and stopped
/// by its token. Per-object failures are in the report; an error is returned only when
/// the run cannot start (journal, destination listing).
///
/// [`Clients::writer`]: crate::s3::client::Clients::writer
pub async fn apply(
    writer: &Writer,
    plan: &MovePlan,
    endpoint: &str,
    opts: &ApplyOptions,
    progress: &Progress,
) -> Result<ApplyReport, SegregateError> {
    let s3 = writer.s3();
    let cancel = &progress.cancel;
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
    progress.set_total(pending.len() as u64);
    progress.set_bytes_total(pending.iter().map(|&i| entries[i].size).sum());

    // Windows in target order: each window's copies are verified by listing their prefixes.
    let mut order = pending.clone();
    order.sort_by(|&a, &b| entries[a].target.cmp(&entries[b].target));
    let (tx, rx) = mpsc::channel::<(usize, Doomed, u64)>(WINDOW + opts.workers.max(1) * 4);
    let ctx = Ctx {
        s3,
        plan,
        opts,
        journal: &journal,
        endpoint,
        cancel,
        progress,
        source: as_dir(&plan.rule.source_prefix),
        tx,
    };
    let entries_ref = &entries;
    let work = async move {
        let mut steps = Vec::with_capacity(order.len());
        for w in order.chunks(WINDOW) {
            steps.extend(work::window(&ctx, entries_ref, w).await);
        }
        // Dropping the context closes the deleter's channel: it flushes and ends.
        drop(ctx);
        steps
    };
    let sizes: Vec<u64> = entries.iter().map(|e| e.size).collect();
    let (steps, deleted) = tokio::join!(
        work,
        deleter(
            writer,
            &plan.bucket,
            endpoint,
            &journal,
            progress,
            &sizes,
            rx
        )
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
