//! Pane jobs: scans, usage collections, segregate listings and applies. Each is entered when its
//! pane's effect starts it, follows its job events (progress, end) by id, and moves into the
//! Jobs history with its outcome when the event that ends it arrives.

use super::{JobEntry, JobKind, JobStatus};
use crate::effect::Effect;
use crate::event::{Event, RequestId};
use crate::state::State;
use crate::state::browse::Phase as ScanPhase;
use crate::state::browse::{CleanupEffect, CleanupEvent, DeleteEffect, DeleteEvent};
use crate::state::segregate::{ListPhase, SegregateEffect, SegregateEvent};
use crate::state::usage::{UsageEffect, UsageEvent};
use s3scope_core::job::Snapshot;
use std::time::Duration;

/// Finished jobs kept for the session (oldest dropped first).
pub const HISTORY: usize = 50;

/// One running job as the Jobs pane shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    pub kind: JobKind,
    pub id: RequestId,
    /// What it works on (`s3://bucket/prefix`, a window).
    pub target: String,
    /// Units done, and the total when known (the bar needs it).
    pub done: u64,
    pub total: Option<u64>,
    /// The job's progress as shown: its stage line and counts.
    pub progress: Snapshot,
}

impl JobRow {
    /// Share done, 0..=1, when the total is known.
    pub fn ratio(&self) -> Option<f64> {
        self.total
            .filter(|t| *t > 0)
            .map(|t| (self.done as f64 / t as f64).clamp(0.0, 1.0))
    }

    /// The row as a Jobs pane entry.
    pub fn entry(&self) -> JobEntry {
        JobEntry {
            id: self.id,
            kind: self.kind,
            label: self.target.clone(),
            progress: Some(self.progress.clone()),
            status: JobStatus::Running,
        }
    }
}

/// What an event says about a pane job.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// Its progress now.
    Progress(RequestId, Snapshot),
    /// A segregate listing's batch: keys listed in it, LIST calls so far.
    Listed(RequestId, u64, u64),
    /// It ended (its pane has the outcome once the event is applied).
    Ended(RequestId),
}

impl Signal {
    /// The job event in `event`, if it is one.
    pub fn of(event: &Event) -> Option<Self> {
        Some(match event {
            Event::ScanProgress { id, counters } => Self::Progress(*id, counters.clone()),
            Event::ScanFinished { id, .. } => Self::Ended(*id),
            Event::Usage(UsageEvent::Progress { id, progress }) => {
                Self::Progress(*id, progress.clone())
            }
            Event::Usage(UsageEvent::Collected { id, .. }) => Self::Ended(*id),
            Event::Segregate(SegregateEvent::Progress { id, progress }) => {
                Self::Progress(*id, progress.clone())
            }
            Event::Segregate(SegregateEvent::Listed {
                id,
                objects,
                list_calls,
                done,
            }) => match done {
                Some(_) => Self::Ended(*id),
                None => Self::Listed(*id, objects.len() as u64, *list_calls),
            },
            Event::Segregate(SegregateEvent::Applied { id, .. }) => Self::Ended(*id),
            Event::Delete(DeleteEvent::Progress { id, progress }) => {
                Self::Progress(*id, progress.clone())
            }
            Event::Delete(DeleteEvent::Applied { id, .. }) => Self::Ended(*id),
            Event::Cleanup(CleanupEvent::Progress { id, progress }) => {
                Self::Progress(*id, progress.clone())
            }
            Event::Cleanup(CleanupEvent::Applied { id, .. }) => Self::Ended(*id),
            _ => return None,
        })
    }
}

/// Enters the pane jobs that `effects` start.
pub fn started(state: &mut State, effects: &[Effect]) {
    for e in effects {
        let (id, kind, label) = match e {
            Effect::StartScan { id, request } => (
                *id,
                JobKind::Scan,
                format!("s3://{}/{}", request.bucket, request.prefix),
            ),
            Effect::Usage(UsageEffect::Collect { id, request }) => (
                *id,
                JobKind::UsageCollect,
                format!(
                    "{} → {}{}",
                    request.window.since.format("%Y-%m-%d %H:%M"),
                    request.window.until.format("%Y-%m-%d %H:%M"),
                    if request.trim { " (then trim)" } else { "" }
                ),
            ),
            Effect::Segregate(SegregateEffect::List {
                id, bucket, prefix, ..
            }) => (
                *id,
                JobKind::SegregatePlan,
                format!("s3://{bucket}/{prefix}"),
            ),
            Effect::Delete(DeleteEffect::Apply { id, plan }) => (
                *id,
                JobKind::Delete,
                format!(
                    "s3://{}/ ({} marked)",
                    plan.bucket,
                    plan.set.prefixes.len() + plan.set.keys.len()
                ),
            ),
            Effect::Cleanup(CleanupEffect::Apply { id, plan, .. }) => (
                *id,
                JobKind::Cleanup,
                format!("s3://{}/{}", plan.spec.bucket, plan.spec.prefix),
            ),
            Effect::Segregate(SegregateEffect::Apply { id, .. }) => {
                let l = &state.segregate.listing;
                let label = format!("s3://{}/{}", l.bucket, l.prefix);
                (*id, JobKind::SegregateApply, label)
            }
            _ => continue,
        };
        state.jobs.active.push(JobEntry {
            id,
            kind,
            label,
            progress: None,
            status: JobStatus::Running,
        });
    }
}

/// Follows one job event: progress goes to the job's entry; an end moves it to the history
/// with the outcome its pane recorded.
pub fn follow(state: &mut State, signal: Signal) {
    let jobs = &mut state.jobs;
    match signal {
        Signal::Progress(id, p) => {
            if let Some(j) = jobs.active.iter_mut().find(|j| j.id == id) {
                j.progress = Some(p);
            }
        }
        Signal::Listed(id, keys, calls) => {
            if let Some(j) = jobs.active.iter_mut().find(|j| j.id == id) {
                let p = j.progress.get_or_insert_with(Snapshot::default);
                p.done += keys;
                p.calls = calls;
            }
        }
        Signal::Ended(id) => {
            let Some(i) = jobs.active.iter().position(|j| j.id == id) else {
                return;
            };
            let mut entry = jobs.active.remove(i);
            let (ok, summary, output) = outcome(state, entry.kind);
            entry.progress = None;
            entry.status = if ok {
                JobStatus::Done {
                    summary,
                    output: output.unwrap_or_default(),
                }
            } else {
                JobStatus::Failed(summary)
            };
            let jobs = &mut state.jobs;
            jobs.history.insert(0, entry);
            jobs.history.truncate(HISTORY);
            let len = jobs.active.len() + jobs.jobs.len() + jobs.history.len();
            jobs.selected = jobs.selected.min(len.saturating_sub(1));
        }
    }
}

/// The running pane jobs, oldest first, with their progress as the Jobs pane shows it.
pub fn running(state: &State) -> Vec<JobRow> {
    state
        .jobs
        .active
        .iter()
        .map(|j| {
            let progress = shown(state, j);
            JobRow {
                kind: j.kind,
                id: j.id,
                target: j.label.clone(),
                done: progress.done,
                total: progress.total,
                progress,
            }
        })
        .collect()
}

/// A pane job's progress as one line of the Jobs pane: the stage names what the job counts.
fn shown(state: &State, job: &JobEntry) -> Snapshot {
    let p = job.progress.clone().unwrap_or_default();
    let mut out = Snapshot {
        stage_index: 0,
        stages: 1,
        done: p.done,
        bytes: p.bytes,
        errors: p.errors,
        calls: p.calls,
        ..Snapshot::default()
    };
    match job.kind {
        JobKind::Scan => {
            let b = &state.browse;
            let secs = p.elapsed.as_secs_f64();
            let rate = (secs > 0.5).then(|| p.items_per_sec());
            out.stage = format!("listing ({} LIST calls)", p.calls);
            // The count that makes a bar: the job's own total, else Browse's estimate.
            let estimate = b.estimate.filter(|_| b.scan_id() == Some(job.id));
            out.total = p.total.or(estimate.map(|e| e.objects));
            out.rate = rate.unwrap_or(0.0);
            out.eta = match (out.total, rate) {
                (Some(t), Some(r)) if r > 0.0 && t > p.done => {
                    Some(Duration::from_secs_f64((t - p.done) as f64 / r))
                }
                _ => None,
            };
            out.elapsed = p.elapsed;
        }
        JobKind::UsageCollect => {
            out.stage = s3scope_core::usage::progress::line(&p);
            out.total = p.total;
        }
        JobKind::SegregatePlan => {
            out.stage = format!("listing the source ({} LIST calls)", p.calls);
        }
        JobKind::SegregateApply => {
            let cancelling = state
                .segregate
                .job
                .as_ref()
                .is_some_and(|j| j.id == job.id && j.cancelling);
            out.stage = if cancelling {
                "cancelling: moves in flight finish".into()
            } else {
                "copy, verify, delete".into()
            };
            out.total = Some(p.total.unwrap_or(0));
            out.rate = p.rate;
            out.eta = p.eta;
            out.elapsed = p.elapsed;
        }
        _ => return p,
    }
    out
}

/// How a job of `kind` that just stopped ended, from its pane's state.
fn outcome(state: &State, kind: JobKind) -> (bool, String, Option<String>) {
    match kind {
        JobKind::Scan => match &state.browse.phase {
            ScanPhase::Done { counters: c, .. } => (
                true,
                format!(
                    "{} objects, {} in {:.1}s with {} LIST calls",
                    c.done,
                    size(c.bytes),
                    c.elapsed.as_secs_f64(),
                    c.calls
                ),
                Some("snapshot cache (Browse reopens it)".into()),
            ),
            ScanPhase::Cancelled { counters: c } => (
                false,
                format!("cancelled after {} objects: the tree is partial", c.done),
                None,
            ),
            ScanPhase::Failed { message } => (false, format!("failed: {message}"), None),
            _ => (false, "replaced by another scan".into(), None),
        },
        JobKind::UsageCollect => {
            let line = state
                .usage
                .last_run
                .clone()
                .unwrap_or_else(|| "ended".into());
            let ok = !line.contains("failed");
            let output = state
                .usage
                .setup
                .as_ref()
                .and_then(|s| s.as_ref().ok())
                .map(|s| s.settings.summary_file.display().to_string());
            (ok, line, output)
        }
        JobKind::SegregatePlan => match &state.segregate.listing.phase {
            ListPhase::Done { complete } => (
                true,
                format!(
                    "{} keys listed{}; preview in Segregate",
                    state.segregate.listing.objects.len(),
                    if *complete {
                        ""
                    } else {
                        " (the first part of the source)"
                    }
                ),
                None,
            ),
            ListPhase::Failed(e) => (false, format!("failed: {e}"), None),
            _ => (false, "stopped".into(), None),
        },
        JobKind::SegregateApply => match &state.segregate.report {
            Some(r) => (
                r.failed.objects == 0 && !r.cancelled,
                format!(
                    "{}moved {}, already there {}, conflicts {}, failed {}, {} copied in {:.1}s",
                    if r.cancelled { "cancelled: " } else { "" },
                    r.moved.objects + r.moved_to_errors.objects,
                    r.already_there.objects,
                    r.conflicts.objects,
                    r.failed.objects,
                    size(r.bytes_copied),
                    r.seconds
                ),
                Some(format!("journal {}", r.journal.display())),
            ),
            None => (false, "ended without a report".into(), None),
        },
        JobKind::Delete => match &state.browse.last_delete {
            Some(Ok(line)) => (true, line.clone(), None),
            Some(Err(line)) => (false, line.clone(), None),
            None => (false, "ended without a report".into(), None),
        },
        JobKind::Cleanup => match &state.browse.last_cleanup {
            Some(Ok(line)) => (true, line.clone(), None),
            Some(Err(line)) => (false, line.clone(), None),
            None => (false, "ended without a report".into(), None),
        },
        // Owned jobs record their own outcome (`JobsState::on_event`); never pane jobs.
        JobKind::Extract | JobKind::Process | JobKind::InventoryRead => {
            (false, "ended".into(), None)
        }
    }
}

fn size(bytes: u64) -> String {
    humansize::format_size(bytes, humansize::BINARY)
}

/// Where an entry of [`all_entries`] lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// Running in its pane: cancel goes through that pane.
    Pane(JobKind),
    /// An extract/process job of this pane (`JobsState::jobs`).
    Owned(RequestId),
    /// A pane job that ended.
    History,
}

/// Every entry in display order: pane jobs running, extract/process jobs (newest first), pane
/// jobs that ended (newest first).
pub fn all_entries(state: &State) -> Vec<(Place, JobEntry)> {
    let mut out: Vec<(Place, JobEntry)> = running(state)
        .iter()
        .map(|r| (Place::Pane(r.kind), r.entry()))
        .collect();
    out.extend(
        state
            .jobs
            .jobs
            .iter()
            .rev()
            .map(|j| (Place::Owned(j.id), j.clone())),
    );
    out.extend(
        state
            .jobs
            .history
            .iter()
            .map(|j| (Place::History, j.clone())),
    );
    out
}
