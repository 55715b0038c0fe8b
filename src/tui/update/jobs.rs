//! Jobs pane: start extract/process from the command line, follow their progress, cancel.

use crate::instants::{Period, WindowRequest};
use crate::job::JobSnapshot;
use crate::pipeline::extract::{ExtractRequest, SourceName};
use crate::pipeline::process::ProcessRequest;
use crate::scan::job::ScanCounters;
use crate::tui::effect::Effect;
use crate::tui::event::RequestId;
use crate::tui::keymap::Action;
use crate::tui::sanitize::sanitize;
use crate::tui::state::jobs::{JobKind, JobsEffect, JobsEvent};
use crate::tui::state::usage::UsageEffect;
use crate::tui::state::{Pane, State};
use std::time::Duration;

/// The window of a job started now: `period` ending at the current hour's end.
fn window(state: &mut State, period: Period) -> Option<crate::instants::Window> {
    let Some(now) = state.now else {
        state.status.error = Some("the clock has not ticked yet; try again".into());
        return None;
    };
    let req = WindowRequest {
        until: Some("now".into()),
        ..Default::default()
    };
    match req.resolve(period, now) {
        Ok(w) => Some(w),
        Err(e) => {
            state.status.error = Some(e.to_string());
            None
        }
    }
}

fn refuse_read_only(state: &mut State, places: &[&str]) -> bool {
    if state.status.read_only && places.iter().any(|p| p.starts_with("s3://")) {
        state.status.error = Some(
            "the profile is read-only: extract/process cannot write to s3:// here; use a local directory"
                .into(),
        );
        return true;
    }
    false
}

/// `:extract DATA_DIR`: listing and bucket stats of the last 24 hours into a package.
pub fn start_extract(state: &mut State, data_dir: String) -> Vec<Effect> {
    if refuse_read_only(state, &[&data_dir]) {
        return Vec::new();
    }
    let Some(window) = window(state, Period::DAY) else {
        return Vec::new();
    };
    let id = state.next_request();
    let label = format!("{window} → {}", sanitize(&data_dir));
    state.jobs.start(id, JobKind::Extract, label);
    state.pane = Pane::Jobs;
    let request = ExtractRequest {
        window,
        sources: vec![SourceName::Listing, SourceName::BucketStats],
        buckets: None,
        versions: false,
        concurrency: 32,
        usage_source: None,
    };
    vec![Effect::Jobs(JobsEffect::Extract {
        id,
        data_dir,
        request: Box::new(request),
    })]
}

/// `:process DATA_DIR OUTPUT`: the rollups of the last 7 days.
pub fn start_process(state: &mut State, data_dir: String, output: String) -> Vec<Effect> {
    if refuse_read_only(state, &[&data_dir, &output]) {
        return Vec::new();
    }
    let Some(window) = window(state, Period::WEEK) else {
        return Vec::new();
    };
    let id = state.next_request();
    let label = format!("{window} {} → {}", sanitize(&data_dir), sanitize(&output));
    state.jobs.start(id, JobKind::Process, label);
    state.pane = Pane::Jobs;
    let request = ProcessRequest {
        window,
        prefix_depth: 1,
    };
    vec![Effect::Jobs(JobsEffect::Process {
        id,
        data_dir,
        output,
        request: Box::new(request),
    })]
}

pub fn on_event(state: &mut State, event: JobsEvent) -> Vec<Effect> {
    if let JobsEvent::Finished {
        result: Err(e),
        cancelled: false,
        ..
    } = &event
    {
        state.status.error = Some(e.clone());
    }
    state.jobs.on_event(event);
    Vec::new()
}

/// Keys of the Jobs pane: move the selection, cancel the selected running job.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    match action {
        Action::Up => state.jobs.move_by(-1),
        Action::Down => state.jobs.move_by(1),
        Action::Top => state.jobs.move_by(isize::MIN),
        Action::Bottom => state.jobs.move_by(isize::MAX),
        Action::Cancel => {
            let Some((id, kind)) = state.jobs.selected_running() else {
                state.status.message = Some("the selected job is not running".into());
                return Some(Vec::new());
            };
            state.status.message = Some("cancelling the job…".into());
            let effect = match kind {
                JobKind::Extract | JobKind::Process => Effect::Jobs(JobsEffect::Cancel { id }),
                JobKind::Scan => Effect::CancelScan { id },
                JobKind::Usage => Effect::Usage(UsageEffect::Cancel { id }),
            };
            return Some(vec![effect]);
        }
        _ => return None,
    }
    Some(Vec::new())
}

/// A Browse scan started: it appears in the Jobs pane (replacing a running one).
pub fn scan_started(state: &mut State, id: RequestId, label: String) {
    state.jobs.stop_running(JobKind::Scan);
    state.jobs.start(id, JobKind::Scan, label);
}

pub fn scan_progress(state: &mut State, id: RequestId, c: &ScanCounters) {
    let secs = c.elapsed.as_secs_f64();
    let progress = JobSnapshot {
        stage: "listing".into(),
        stage_index: 0,
        stages: 1,
        done: c.objects,
        total: None,
        bytes: c.bytes,
        errors: 0,
        last_error: None,
        elapsed: c.elapsed,
        rate: if secs > 0.0 {
            c.objects as f64 / secs
        } else {
            0.0
        },
        eta: None,
    };
    state.jobs.on_event(JobsEvent::Progress { id, progress });
}

pub fn scan_finished(
    state: &mut State,
    id: RequestId,
    result: Result<&ScanCounters, String>,
    cancelled: bool,
) {
    if let Ok(c) = result {
        scan_progress(state, id, c);
    }
    let result = result.map(|c| {
        let size = humansize::format_size(c.bytes, humansize::BINARY);
        (
            format!("{} objects, {size}, {} LIST calls", c.objects, c.list_calls),
            String::new(),
        )
    });
    state.jobs.on_event(JobsEvent::Finished {
        id,
        result,
        cancelled,
    });
}

/// A usage collection started in the Usage pane.
pub fn usage_started(state: &mut State, id: RequestId, label: String) {
    state.jobs.start(id, JobKind::Usage, label);
}

pub fn usage_progress(state: &mut State, id: RequestId, p: &crate::usage::Snapshot) {
    let Some(job) = state.jobs.jobs.iter().find(|j| j.id == id) else {
        return;
    };
    let elapsed = job.progress.as_ref().map_or(Duration::ZERO, |s| s.elapsed);
    let (done, total) = if p.to_read > 0 {
        (p.read, Some(p.to_read))
    } else {
        (p.listed.max(p.entries), None)
    };
    let progress = JobSnapshot {
        stage: p.phase.label().into(),
        stage_index: 0,
        stages: 1,
        done,
        total,
        bytes: p.bytes,
        errors: p.malformed,
        last_error: (p.malformed > 0).then(|| "malformed log lines skipped".into()),
        elapsed,
        rate: 0.0,
        eta: None,
    };
    state.jobs.on_event(JobsEvent::Progress { id, progress });
}

pub fn usage_finished(state: &mut State, id: RequestId, result: Result<(String, String), String>) {
    state.jobs.on_event(JobsEvent::Finished {
        id,
        result,
        cancelled: false,
    });
}
