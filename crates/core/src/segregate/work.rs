//! One window of entries (in target order): the copies with bounded concurrency, their
//! verification (per object, or by listing the window's targets), the journal, and the hand-over
//! of verified sources to the deleter.

use super::apply::ApplyOptions;
use super::copy::{CopyJob, MoveFailure, Verify, copy_unverified, copy_verified};
use super::delete::Doomed;
use super::journal::{Journal, Record};
use super::plan::{MovePlan, PlanEntry, Status};
use super::report::Outcome;
use super::resume::target_dir;
use super::verify::{self, Listed};
use crate::job::Progress;
use aws_sdk_s3::Client;
use futures::StreamExt as _;
use std::collections::HashMap;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// An entry's result before its source is deleted: final, or handed to the deleter.
pub enum Step {
    Final(Outcome, Option<String>),
    Deleting(Outcome),
}

/// What every window shares.
pub struct Ctx<'a> {
    pub s3: &'a Client,
    pub plan: &'a MovePlan,
    pub opts: &'a ApplyOptions,
    pub journal: &'a Journal,
    pub endpoint: &'a str,
    pub cancel: &'a CancellationToken,
    pub progress: &'a Progress,
    /// The plan's source prefix as a directory.
    pub source: String,
    pub tx: mpsc::Sender<(usize, Doomed, u64)>,
}

/// A copy before the verdict.
enum Copied {
    Verified(Option<String>),
    /// Copied; must have this ETag (None: unknown, HEAD decides).
    Unverified(Option<String>),
    Failed(MoveFailure),
}

/// A window's copies by plan index: the outcome they aim for and the copy, or a final step.
type CopyResult = (usize, Result<(Outcome, Copied), Step>);

/// What an entry needs before any request: nothing (a final step), or a copy.
fn triage(e: &PlanEntry, opts: &ApplyOptions, cancel: &CancellationToken) -> Result<Outcome, Step> {
    if cancel.is_cancelled() {
        return Err(Step::Final(Outcome::NotStarted, None));
    }
    match e.status {
        Status::AlreadyThere => Err(Step::Deleting(Outcome::AlreadyThere)),
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
            Err(Step::Final(Outcome::Conflict, Some(why)))
        }
        _ if e.reason.is_some() => Ok(Outcome::MovedToErrors),
        _ => Ok(Outcome::Moved),
    }
}

fn job<'a>(plan: &'a MovePlan, e: &'a PlanEntry) -> CopyJob<'a> {
    CopyJob {
        bucket: &plan.bucket,
        key: &e.key,
        etag: e.etag.as_deref(),
        size: e.size,
        storage_class: &e.storage_class,
        target: &e.target,
    }
}

/// Runs one window: every entry of `window` (indices into `entries`) reaches a step.
pub async fn window(ctx: &Ctx<'_>, entries: &[PlanEntry], window: &[usize]) -> Vec<(usize, Step)> {
    let workers = ctx.opts.workers.max(1);
    let copies: Vec<CopyResult> = futures::stream::iter(window.iter().copied())
        .map(|i| copy_one(ctx, entries, i))
        .buffer_unordered(workers)
        .collect()
        .await;
    let verified = verify_listed(ctx, entries, &copies).await;
    let mut steps = Vec::with_capacity(copies.len());
    for (i, result) in copies {
        let step = match result {
            Err(Step::Deleting(o)) => hand_over(ctx, i, &entries[i], o).await,
            Err(step) => step,
            Ok((outcome, copied)) => {
                let copied = match copied {
                    Copied::Unverified(_) => match verified.get(&i) {
                        Some(Ok(etag)) => Copied::Verified(etag.clone()),
                        Some(Err(f)) => Copied::Failed(f.clone()),
                        None => Copied::Failed(MoveFailure::Verify {
                            target: entries[i].target.clone(),
                            why: "not verified".into(),
                        }),
                    },
                    other => other,
                };
                finish(ctx, i, &entries[i], outcome, copied).await
            }
        };
        if let Step::Final(outcome, _) = &step {
            ctx.progress.add(1, entries[i].size);
            if matches!(outcome, Outcome::Failed | Outcome::Changed) {
                ctx.progress.add_errors(1);
            }
        }
        steps.push((i, step));
    }
    steps
}

/// Copies entry `i` (unless it needs no copy), verifying it unless the window lists.
async fn copy_one(
    ctx: &Ctx<'_>,
    entries: &[PlanEntry],
    i: usize,
) -> (usize, Result<(Outcome, Copied), Step>) {
    let e = &entries[i];
    let outcome = match triage(e, ctx.opts, ctx.cancel) {
        Ok(o) => o,
        Err(step) => return (i, Err(step)),
    };
    let j = job(ctx.plan, e);
    let (parts, journal, ep) = (ctx.opts.parts, ctx.journal, ctx.endpoint);
    let copied = match ctx.opts.verify {
        Verify::List => match copy_unverified(ctx.s3, &j, parts, ep, journal).await {
            Ok((expected, _)) => Copied::Unverified(expected),
            Err(f) => Copied::Failed(f),
        },
        mode => match copy_verified(ctx.s3, &j, parts, mode, ep, journal).await {
            Ok(etag) => Copied::Verified(etag),
            Err(f) => Copied::Failed(f),
        },
    };
    (i, Ok((outcome, copied)))
}

/// HEAD verification of entry `i`.
async fn head_one(
    ctx: &Ctx<'_>,
    entries: &[PlanEntry],
    i: usize,
    expected: Option<String>,
) -> (usize, Result<Option<String>, MoveFailure>) {
    let j = job(ctx.plan, &entries[i]);
    let verdict = verify::by_head(ctx.s3, &j, expected.as_deref(), ctx.endpoint).await;
    (i, verdict)
}

/// Verifies the window's unverified copies: one listing, then HEAD for what it left open.
async fn verify_listed(
    ctx: &Ctx<'_>,
    entries: &[PlanEntry],
    copies: &[CopyResult],
) -> HashMap<usize, Result<Option<String>, MoveFailure>> {
    let pending: Vec<(usize, Option<&str>)> = copies
        .iter()
        .filter_map(|(i, r)| match r {
            Ok((_, Copied::Unverified(expected))) => Some((*i, expected.as_deref())),
            _ => None,
        })
        .collect();
    let items: Vec<Listed<'_>> = pending
        .iter()
        .map(|&(i, expected)| Listed {
            target: &entries[i].target,
            dir: target_dir(&entries[i], &ctx.source),
            size: entries[i].size,
            expected,
        })
        .collect();
    let listed = verify::listed(ctx.s3, &ctx.plan.bucket, &items, ctx.endpoint).await;
    let mut out = HashMap::new();
    let mut open = Vec::new();
    for (&(i, expected), found) in pending.iter().zip(listed) {
        match found {
            Some(etag) => {
                out.insert(i, Ok(Some(etag)));
            }
            None => open.push((i, expected.map(str::to_string))),
        }
    }
    let headed: Vec<(usize, Result<Option<String>, MoveFailure>)> = futures::stream::iter(open)
        .map(|(i, expected)| head_one(ctx, entries, i, expected))
        .buffer_unordered(ctx.opts.workers.max(1))
        .collect()
        .await;
    out.extend(headed);
    out
}

/// A verified copy is journaled and handed to the deleter; a failure is journaled and final.
async fn finish(ctx: &Ctx<'_>, i: usize, e: &PlanEntry, outcome: Outcome, copied: Copied) -> Step {
    match copied {
        Copied::Verified(target_etag) => {
            let rec = Record::Copied {
                key: e.key.clone(),
                etag: e.etag.clone(),
                target: e.target.clone(),
                target_etag,
                size: e.size,
            };
            // On disk before its source is deleted: the deleter syncs the journal first.
            if let Err(why) = ctx.journal.append(rec) {
                return Step::Final(Outcome::Failed, Some(MoveFailure::Journal(why).to_string()));
            }
            hand_over(ctx, i, e, outcome).await
        }
        Copied::Unverified(_) => Step::Final(Outcome::Failed, Some("not verified".into())),
        Copied::Failed(failure) => {
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
            if let Err(why) = ctx.journal.append(rec) {
                tracing::warn!(error = %why, "cannot journal a failure");
            }
            Step::Final(outcome, Some(message))
        }
    }
}

/// Sends a source to the deleter.
pub async fn hand_over(ctx: &Ctx<'_>, i: usize, e: &PlanEntry, outcome: Outcome) -> Step {
    let doomed = Doomed {
        key: e.key.clone(),
        etag: e.etag.clone(),
    };
    match ctx.tx.send((i, doomed, e.size)).await {
        Ok(()) => Step::Deleting(outcome),
        Err(_) => Step::Final(
            Outcome::Failed,
            Some("the deleter stopped; the source was kept".into()),
        ),
    }
}
