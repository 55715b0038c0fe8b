//! Pane jobs: scans, usage collections, segregate listings and applies read live from the panes
//! that own them, moved into the Jobs history with their outcome once they stop running.

use super::{JobEntry, JobKind, JobStatus};
use crate::event::RequestId;
use crate::state::State;
use crate::state::browse::Phase as ScanPhase;
use crate::state::segregate::ListPhase;
use s3scope_core::job::JobSnapshot;
use std::time::Duration;

/// Finished jobs kept for the session (oldest dropped first).
pub const HISTORY: usize = 50;

/// One running job as its pane sees it now.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    pub kind: JobKind,
    pub id: RequestId,
    /// What it works on (`s3://bucket/prefix`, a window).
    pub target: String,
    /// The stage it is in.
    pub stage: String,
    /// Units done, and the total when known (the bar needs it).
    pub done: u64,
    pub total: Option<u64>,
    /// What `done` counts.
    pub unit: &'static str,
    pub bytes: Option<u64>,
    /// Units per second, once there is a rate.
    pub rate: Option<f64>,
    pub eta: Option<Duration>,
    pub errors: u64,
    pub elapsed: Option<Duration>,
}

impl JobRow {
    /// Share done, 0..=1, when the total is known.
    pub fn ratio(&self) -> Option<f64> {
        self.total
            .filter(|t| *t > 0)
            .map(|t| (self.done as f64 / t as f64).clamp(0.0, 1.0))
    }

    /// The row as a Jobs pane entry: its stage and counts as a progress snapshot.
    pub fn entry(&self) -> JobEntry {
        JobEntry {
            id: self.id,
            kind: self.kind,
            label: self.target.clone(),
            progress: Some(JobSnapshot {
                stage: self.stage.clone(),
                stage_index: 0,
                stages: 1,
                done: self.done,
                total: self.total,
                bytes: self.bytes.unwrap_or(0),
                errors: self.errors,
                last_error: None,
                elapsed: self.elapsed.unwrap_or_default(),
                rate: self.rate.unwrap_or(0.0),
                eta: self.eta,
            }),
            status: JobStatus::Running,
        }
    }
}

/// The running jobs, read from the panes that own them.
pub fn running(state: &State) -> Vec<JobRow> {
    let mut out = Vec::new();
    let b = &state.browse;
    if let ScanPhase::Scanning { id, counters, .. } = &b.phase {
        let secs = counters.elapsed.as_secs_f64();
        let rate = (secs > 0.5).then(|| counters.objects as f64 / secs);
        let total = b.estimate.map(|e| e.objects);
        out.push(JobRow {
            kind: JobKind::Scan,
            id: *id,
            target: format!(
                "s3://{}/{}",
                b.bucket.as_deref().unwrap_or_default(),
                b.location_prefix
            ),
            stage: format!("listing ({} LIST calls)", counters.list_calls),
            done: counters.objects,
            total,
            unit: "objects",
            bytes: Some(counters.bytes),
            rate,
            eta: eta(counters.objects, total, rate),
            errors: 0,
            elapsed: Some(counters.elapsed),
        });
    }
    if let Some(job) = &state.usage.job {
        let p = &job.progress;
        let (done, total, unit) = if p.to_read > 0 {
            (p.read, Some(p.to_read), "reads")
        } else {
            (p.listed, None, "log objects")
        };
        out.push(JobRow {
            kind: JobKind::UsageCollect,
            id: job.id,
            target: format!(
                "{} → {}{}",
                job.window.since.format("%Y-%m-%d %H:%M"),
                job.window.until.format("%Y-%m-%d %H:%M"),
                if job.trim { " (then trim)" } else { "" }
            ),
            stage: p.line(),
            done,
            total,
            unit,
            bytes: Some(p.bytes),
            rate: None,
            eta: None,
            errors: p.malformed,
            elapsed: None,
        });
    }
    let s = &state.segregate;
    if let (ListPhase::Running, Some(id)) = (&s.listing.phase, s.listing.id) {
        out.push(JobRow {
            kind: JobKind::SegregatePlan,
            id,
            target: format!("s3://{}/{}", s.listing.bucket, s.listing.prefix),
            stage: format!("listing the source ({} LIST calls)", s.listing.list_calls),
            done: s.listing.objects.len() as u64,
            total: None,
            unit: "keys",
            bytes: None,
            rate: None,
            eta: None,
            errors: 0,
            elapsed: None,
        });
    }
    if let Some(job) = &s.job {
        let p = &job.progress;
        out.push(JobRow {
            kind: JobKind::SegregateApply,
            id: job.id,
            target: format!("s3://{}/{}", s.listing.bucket, s.listing.prefix),
            stage: if job.cancelling {
                "cancelling: moves in flight finish".into()
            } else {
                "copy, verify, delete".into()
            },
            done: p.objects_done,
            total: Some(p.objects_total),
            unit: "objects",
            bytes: Some(p.bytes_done),
            rate: (p.objects_per_sec > 0.0).then_some(p.objects_per_sec),
            eta: p.eta_secs.map(Duration::from_secs_f64),
            errors: p.errors,
            elapsed: Some(Duration::from_secs_f64(p.elapsed_secs.max(0.0))),
        });
    }
    out
}

fn eta(done: u64, total: Option<u64>, rate: Option<f64>) -> Option<Duration> {
    let (total, rate) = (total?, rate?);
    (rate > 0.0 && total > done).then(|| Duration::from_secs_f64((total - done) as f64 / rate))
}

/// After an update: jobs that stopped running go into the history with their pane's outcome.
pub fn observe(state: &mut State) {
    let now: Vec<(JobKind, RequestId, String)> = running(state)
        .into_iter()
        .map(|r| (r.kind, r.id, r.target))
        .collect();
    // Nothing ran and nothing runs: the common case costs nothing more.
    if now.is_empty() && state.jobs.seen.is_empty() {
        return;
    }
    let ended: Vec<(JobKind, RequestId, String)> = state
        .jobs
        .seen
        .iter()
        .filter(|s| !now.iter().any(|n| n.0 == s.0 && n.1 == s.1))
        .cloned()
        .collect();
    for (kind, id, label) in ended {
        let (ok, summary, output) = outcome(state, kind);
        let status = if ok {
            JobStatus::Done {
                summary,
                output: output.unwrap_or_default(),
            }
        } else {
            JobStatus::Failed(summary)
        };
        let jobs = &mut state.jobs;
        jobs.history.insert(
            0,
            JobEntry {
                id,
                kind,
                label,
                progress: None,
                status,
            },
        );
        jobs.history.truncate(HISTORY);
    }
    let len = now.len() + state.jobs.jobs.len() + state.jobs.history.len();
    state.jobs.seen = now;
    state.jobs.selected = state.jobs.selected.min(len.saturating_sub(1));
}

/// How a job of `kind` that just stopped ended, from its pane's state.
fn outcome(state: &State, kind: JobKind) -> (bool, String, Option<String>) {
    match kind {
        JobKind::Scan => match &state.browse.phase {
            ScanPhase::Done { counters: c, .. } => (
                true,
                format!(
                    "{} objects, {} in {:.1}s with {} LIST calls",
                    c.objects,
                    size(c.bytes),
                    c.elapsed.as_secs_f64(),
                    c.list_calls
                ),
                Some("snapshot cache (Browse reopens it)".into()),
            ),
            ScanPhase::Cancelled { counters: c } => (
                false,
                format!("cancelled after {} objects: the tree is partial", c.objects),
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
        // Owned jobs record their own outcome (`JobsState::on_event`); never pane jobs.
        JobKind::Extract | JobKind::Process => (false, "ended".into(), None),
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
