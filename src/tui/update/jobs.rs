//! Jobs pane keys: moving over the jobs, `c` cancelling the selected running job through the
//! pane that owns it (the same safe cancel as there), Enter showing that pane.

use super::{browse, segregate, usage};
use crate::tui::effect::Effect;
use crate::tui::keymap::Action;
use crate::tui::state::jobs::{JobKind, running};
use crate::tui::state::{Pane, State};

pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let rows = running(state);
    let len = rows.len() + state.jobs.finished.len();
    let sel = &mut state.jobs.selected;
    match action {
        Action::Up => *sel = sel.saturating_sub(1),
        Action::Down => *sel = (*sel + 1).min(len.saturating_sub(1)),
        Action::Top => *sel = 0,
        Action::Bottom => *sel = len.saturating_sub(1),
        Action::Cancel => {
            let Some(job) = rows.get(*sel) else {
                state.status.message = Some("select a running job to cancel".into());
                return Vec::new();
            };
            return match job.kind {
                JobKind::Scan => browse::on_action(state, Action::Cancel),
                JobKind::UsageCollect => usage::on_action(state, Action::Cancel),
                JobKind::SegregateApply => segregate::on_action(state, Action::Cancel),
                JobKind::SegregatePlan => {
                    state.status.message =
                        Some("the source listing stops by itself at the preview's cap".into());
                    Vec::new()
                }
            };
        }
        Action::Open => {
            let kind = rows.get(*sel).map(|r| r.kind).or_else(|| {
                state
                    .jobs
                    .finished
                    .get(*sel - rows.len().min(*sel))
                    .map(|f| f.kind)
            });
            state.pane = match kind {
                Some(JobKind::Scan) => Pane::Browse,
                Some(JobKind::UsageCollect) => Pane::Usage,
                Some(JobKind::SegregatePlan | JobKind::SegregateApply) => Pane::Segregate,
                None => Pane::Jobs,
            };
        }
        Action::Close => state.status.error = None,
        Action::Refresh => {
            state.status.message =
                Some("Jobs lists what runs; a job is started or rerun from its own pane".into());
        }
        _ => {}
    }
    Vec::new()
}
