//! Usage pane: load the summary on first show, move in the tree, sort, filter, pick the window,
//! collect with progress, trim after a confirmation (never on a read-only profile).

use crate::effect::Effect;
use crate::keymap::Action;
use crate::state::usage::{Choice, Confirm, Job, Load, UsageEffect, UsageEvent};
use crate::state::{Pane, State};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use s3scope_core::usage::view::SortKey;
use s3scope_core::usage::{CollectRequest, Source};
use std::sync::Arc;
use tui_input::backend::crossterm::to_input_request;

/// Log objects downloaded at once by a collection started from the pane.
const CONCURRENCY: usize = 16;

/// The first time the pane is shown, its summary is read from disk.
pub fn on_show(state: &mut State) -> Vec<Effect> {
    if state.usage.opened {
        return Vec::new();
    }
    state.usage.opened = true;
    load(state)
}

fn load(state: &mut State) -> Vec<Effect> {
    let path = match state.usage.setup() {
        Ok(setup) => setup.settings.summary_file.clone(),
        Err(e) => {
            state.usage.load = Load::Failed(e);
            return Vec::new();
        }
    };
    let id = state.next_request();
    state.usage.begin_load(id);
    vec![Effect::Usage(UsageEffect::Load { id, path })]
}

/// Keys taken before the keymap: the trim confirmation, and typing into the filter.
pub fn on_raw_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    if state.pane != Pane::Usage {
        return None;
    }
    if let Some(confirm) = state.usage.confirm.take() {
        let plain = key.modifiers.difference(KeyModifiers::SHIFT).is_empty();
        if key.code == KeyCode::Char('y') && plain {
            return Some(collect(state, true));
        }
        state.status.message = Some(format!(
            "trim of {} cancelled: nothing was collected or deleted",
            confirm.window
        ));
        return Some(Vec::new());
    }
    let filter = &mut state.usage.filter;
    if !filter.editing {
        return None;
    }
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    let mut pass_on = false;
    match key.code {
        KeyCode::Esc => filter.clear(),
        _ if ctrl_c => filter.clear(),
        KeyCode::Backspace if filter.text().is_empty() => filter.clear(),
        KeyCode::Enter => filter.accept(),
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            filter.accept();
            pass_on = true;
        }
        _ => {
            if let Some(req) = to_input_request(&crossterm::event::Event::Key(*key)) {
                filter.input_mut().handle(req);
            }
        }
    }
    state.usage.rebuild();
    let page = state.page_rows();
    state.usage.keep_visible(page);
    if pass_on { None } else { Some(Vec::new()) }
}

/// A key of the pane (global keys are handled before).
pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows();
    let step = isize::try_from(page).unwrap_or(isize::MAX);
    let u = &mut state.usage;
    match action {
        Action::Up => u.move_by(-1, page),
        Action::Down => u.move_by(1, page),
        Action::PageUp => u.move_by(-step, page),
        Action::PageDown => u.move_by(step, page),
        Action::Top => u.move_by(isize::MIN, page),
        Action::Bottom => u.move_by(isize::MAX, page),
        Action::Open => {
            u.expand();
        }
        Action::Back => u.collapse(),
        Action::SortSize => u.sort_by(SortKey::BytesSent),
        Action::SortCount => u.sort_by(SortKey::Ops),
        Action::SortName => u.sort_by(SortKey::Name),
        Action::Filter => u.filter.begin(),
        Action::UsageWindow => {
            u.next_choice();
            let what = u.choice().describe();
            let key = state.keymap.first(Action::Refresh);
            state.status.message = Some(format!("window: {what}; {key} collects it"));
        }
        Action::Refresh => return collect(state, false),
        Action::Trim => ask_trim(state),
        Action::Cancel => return cancel(state),
        Action::Close if u.filter.is_active() => {
            u.filter.clear();
            u.rebuild();
        }
        Action::Close => state.status.error = None,
        _ => {}
    }
    state.usage.keep_visible(page);
    Vec::new()
}

/// `T`: refuse on a read-only profile, otherwise ask before collecting and trimming.
fn ask_trim(state: &mut State) {
    if state.status.read_only {
        state.status.error = Some(format!(
            "profile `{}` is read-only: trimming deletes from the source and is refused",
            state.status.profile
        ));
        return;
    }
    if busy(state) {
        return;
    }
    if state.usage.choice() == Choice::Now {
        let key = state.keymap.first(Action::UsageWindow);
        state.status.error = Some(format!(
            "the hour in progress is not trimmed: requests logged meanwhile would be lost; \
             pick a finished window with {key}"
        ));
        return;
    }
    let setup = match state.usage.setup() {
        Ok(s) => s.clone(),
        Err(e) => {
            state.status.error = Some(e);
            return;
        }
    };
    let Some(window) = window(state) else { return };
    let what = match &setup.source {
        Source::Rgw { .. } => "the RGW usage it read: those users, that window only".to_string(),
        Source::AccessLogs { bucket, .. } => {
            format!("the log objects of that window from s3://{bucket}, each counted first")
        }
    };
    state.usage.confirm = Some(Confirm { window, what });
}

/// Starts a collection of the chosen window (and a trim after a confirmed `T`).
fn collect(state: &mut State, trim: bool) -> Vec<Effect> {
    if busy(state) {
        return Vec::new();
    }
    let setup = match state.usage.setup() {
        Ok(s) => s.clone(),
        Err(e) => {
            state.status.error = Some(e);
            return Vec::new();
        }
    };
    let Some(window) = window(state) else {
        return Vec::new();
    };
    let id = state.next_request();
    let request = CollectRequest {
        trim,
        settings: setup.settings,
        source: setup.source,
        window,
        trim_current_hour: false,
        concurrency: CONCURRENCY,
    };
    state.usage.job = Some(Job {
        id,
        window,
        trim,
        progress: Default::default(),
    });
    state.status.error = None;
    vec![Effect::Usage(UsageEffect::Collect {
        id,
        request: Box::new(request),
    })]
}

/// True (and says so) when a collection is already running.
fn busy(state: &mut State) -> bool {
    if state.usage.job.is_some() {
        let key = state.keymap.first(Action::Cancel);
        state.status.message = Some(format!("a collection is running; {key} cancels it"));
        return true;
    }
    false
}

/// The chosen window, as of the last tick.
fn window(state: &mut State) -> Option<s3scope_core::instants::Window> {
    let Some(now) = state.now else {
        state.status.message = Some("the clock has not ticked yet; press the key again".into());
        return None;
    };
    match state.usage.choice().window(now) {
        Ok(w) => Some(w),
        Err(e) => {
            state.status.error = Some(e.to_string());
            None
        }
    }
}

fn cancel(state: &mut State) -> Vec<Effect> {
    match &state.usage.job {
        Some(job) => {
            state.status.message = Some("cancelling the collection…".into());
            vec![Effect::Usage(UsageEffect::Cancel { id: job.id })]
        }
        None => Vec::new(),
    }
}

/// Results of the pane's effects; stale ones are dropped.
pub fn on_event(state: &mut State, event: UsageEvent) -> Vec<Effect> {
    match event {
        UsageEvent::Loaded { id, result } => {
            state.usage.finish_load(id, result);
        }
        UsageEvent::Progress { id, progress } => {
            if let Some(job) = state.usage.job.as_mut().filter(|j| j.id == id) {
                job.progress = progress;
            }
        }
        UsageEvent::Collected { id, result } => {
            if state.usage.job.as_ref().is_none_or(|j| j.id != id) {
                return Vec::new();
            }
            let job = state.usage.job.take();
            match result {
                Ok(report) => {
                    state.usage.last_run = Some(outcome(&report, job.is_some_and(|j| j.trim)));
                    state.usage.show(Arc::new(report.summary.clone()));
                }
                Err(e) => {
                    state.usage.last_run = Some(format!("last collection failed: {e}"));
                    state.status.error = Some(e);
                }
            }
        }
    }
    let page = state.page_rows();
    state.usage.keep_visible(page);
    Vec::new()
}

/// One line about a finished collection.
fn outcome(r: &s3scope_core::usage::CollectReport, trim: bool) -> String {
    let mut parts = vec![format!(
        "collected in {:.1} s: {} ops",
        r.elapsed.as_secs_f64(),
        r.summary.totals.ops
    )];
    if let Some(l) = &r.summary.access_logs {
        parts.push(format!("{} log objects read", l.objects_read));
        if l.malformed_lines > 0 {
            parts.push(format!("{} malformed lines skipped", l.malformed_lines));
        }
    }
    match &r.trimmed {
        Some(t) if !t.users.is_empty() => parts.push(format!("trimmed {} user(s)", t.users.len())),
        Some(t) if t.objects > 0 => parts.push(format!("deleted {} log objects", t.objects)),
        Some(_) if trim => parts.push("nothing to trim".into()),
        _ => {}
    }
    if let Some(rec) = &r.recovered {
        parts.push(rec.clone());
    }
    parts.join(" · ")
}
