//! Jobs pane: start extract/process from the command line, follow every long job, cancel the
//! selected one (pane jobs through the pane that owns them, the same safe way), open its pane.

use super::{browse, segregate, usage};
use crate::effect::Effect;
use crate::keymap::Action;
use crate::sanitize::sanitize;
use crate::state::jobs::{JobKind, JobsEffect, JobsEvent, Place, all_entries, running};
use crate::state::{Pane, State};
use s3scope_core::instants::{Period, WindowRequest};
use s3scope_core::pipeline::extract::{ExtractRequest, SourceName};
use s3scope_core::pipeline::process::ProcessRequest;

/// The window of a job started now: `period` ending at the current hour's end.
fn window(state: &mut State, period: Period) -> Option<s3scope_core::instants::Window> {
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
    // Owned jobs show newest first, after the pane jobs that run.
    state.jobs.selected = running(state).len();
    state.pane = Pane::Jobs;
    let request = ExtractRequest {
        window,
        sources: vec![SourceName::Listing, SourceName::BucketStats],
        buckets: None,
        versions: false,
        concurrency: 32,
        usage_source: None,
        listing_from_inventory: false,
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
    // Owned jobs show newest first, after the pane jobs that run.
    state.jobs.selected = running(state).len();
    state.pane = Pane::Jobs;
    let request = ProcessRequest {
        window,
        prefix_depth: 1,
        reports: vec![s3scope_core::pipeline::report::ReportFormat::Html],
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

/// Keys of the Jobs pane: move the selection, cancel the selected running job, open its pane.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let entries = all_entries(state);
    let last = entries.len().saturating_sub(1);
    let sel = state.jobs.selected.min(last);
    match action {
        Action::Up => state.jobs.selected = sel.saturating_sub(1),
        Action::Down => state.jobs.selected = (sel + 1).min(last),
        Action::Top => state.jobs.selected = 0,
        Action::Bottom => state.jobs.selected = last,
        Action::Cancel => {
            let running = entries
                .get(sel)
                .filter(|(_, j)| j.status == crate::state::jobs::JobStatus::Running);
            return Some(match running.map(|(place, _)| *place) {
                Some(Place::Owned(id)) => {
                    state.status.message = Some("cancelling the job…".into());
                    vec![Effect::Jobs(JobsEffect::Cancel { id })]
                }
                Some(Place::Pane(JobKind::Scan | JobKind::Delete | JobKind::Cleanup)) => {
                    browse::on_action(state, Action::Cancel)
                }
                Some(Place::Pane(JobKind::UsageCollect)) => usage::on_action(state, Action::Cancel),
                Some(Place::Pane(JobKind::SegregateApply)) => {
                    segregate::on_action(state, Action::Cancel)
                }
                Some(Place::Pane(_)) => {
                    state.status.message =
                        Some("the source listing stops by itself at the preview's cap".into());
                    Vec::new()
                }
                Some(Place::History) | None => {
                    state.status.message = Some("the selected job is not running".into());
                    Vec::new()
                }
            });
        }
        Action::Open => {
            state.pane = match entries.get(sel).map(|(_, j)| j.kind) {
                Some(JobKind::Scan | JobKind::Delete | JobKind::Cleanup) => Pane::Browse,
                Some(JobKind::UsageCollect) => Pane::Usage,
                Some(JobKind::SegregatePlan | JobKind::SegregateApply) => Pane::Segregate,
                _ => Pane::Jobs,
            };
        }
        Action::Refresh => {
            state.status.message = Some(
                "Jobs: start one with :extract DATA_DIR or :process DATA_DIR OUTPUT; other jobs from their pane"
                    .into(),
            );
        }
        _ => return None,
    }
    Some(Vec::new())
}
