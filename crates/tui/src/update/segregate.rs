//! Segregate pane transitions: opening (rule loaded, source listed), editing the rule with the
//! preview following each key, destination checks, apply (confirmed, refused read-only), cancel.

use crate::effect::Effect;
use crate::keymap::Action;
use crate::state::segregate::{
    AUTO_CHECK_MAX, Confirm, FieldId, Job, ListPhase, Listing, PREVIEW_MAX_KEYS, SegregateEffect,
    SegregateEvent, Targets,
};
use crate::state::{Pane, State};
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use s3scope_core::segregate::journal::default_path;
use s3scope_core::segregate::rule::as_dir;
use s3scope_core::segregate::{ApplyOptions, PartSettings, Verify};
use std::sync::Arc;
use tui_input::backend::crossterm::to_input_request;

fn fx(e: SegregateEffect) -> Effect {
    Effect::Segregate(e)
}

/// The clock for dates of rules without a pattern (the last tick; the epoch before any).
fn now(state: &State) -> DateTime<Utc> {
    state.now.unwrap_or_default()
}

/// The pane is shown: the first time, list the source of the loaded rule.
pub fn on_show(state: &mut State) -> Vec<Effect> {
    let s = &mut state.segregate;
    if s.opened {
        return Vec::new();
    }
    s.opened = true;
    if s.value(FieldId::Bucket).trim().is_empty()
        && let Some(b) = state.buckets.selected_bucket()
    {
        let name = b.name.clone();
        *state.segregate.input_mut(FieldId::Bucket) = tui_input::Input::new(name);
    }
    list_source(state)
}

/// Keys taken before the keymap: the confirmation, and typing into a field.
pub fn on_raw_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    if state.pane != Pane::Segregate {
        return None;
    }
    if state.segregate.confirm.is_some() {
        state.segregate.confirm = None;
        if key.code == KeyCode::Char('y')
            && key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        {
            return Some(start_apply(state));
        }
        state.status.message = Some("apply cancelled: nothing was changed".into());
        return Some(Vec::new());
    }
    let field = state.segregate.editing?;
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    let moved = match key.code {
        KeyCode::Esc | KeyCode::Enter => {
            state.segregate.editing = None;
            true
        }
        _ if ctrl_c => {
            state.segregate.editing = None;
            true
        }
        KeyCode::Tab | KeyCode::Down => {
            state.segregate.editing = Some(field.step(true));
            true
        }
        KeyCode::BackTab | KeyCode::Up => {
            state.segregate.editing = Some(field.step(false));
            true
        }
        _ => {
            let input = state.segregate.input_mut(field);
            if let Some(req) = to_input_request(&crossterm::event::Event::Key(*key)) {
                input.handle(req);
            }
            return Some(recompute(state));
        }
    };
    // Leaving the bucket or source field lists the new source.
    if moved && matches!(field, FieldId::Bucket | FieldId::Source) && source_changed(state) {
        return Some(list_source(state));
    }
    Some(Vec::new())
}

fn source_changed(state: &State) -> bool {
    let s = &state.segregate;
    s.value(FieldId::Bucket).trim() != s.listing.bucket
        || as_dir(s.value(FieldId::Source)) != s.listing.prefix
}

/// A key of the keymap while the pane is shown.
pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows().saturating_sub(SEGREGATE_CHROME).max(1);
    let step = isize::try_from(page).unwrap_or(isize::MAX);
    let s = &mut state.segregate;
    match action {
        Action::Up => s.move_by(-1, page),
        Action::Down => s.move_by(1, page),
        Action::PageUp => s.move_by(-step, page),
        Action::PageDown => s.move_by(step, page),
        Action::Top => s.move_by(isize::MIN, page),
        Action::Bottom => s.move_by(isize::MAX, page),
        Action::EditRule | Action::Open => {
            if s.is_applying() {
                state.status.message = Some("the rule cannot change while it is applied".into());
            } else {
                s.editing = Some(FieldId::Pattern);
            }
        }
        Action::PickRule => return pick_rule(state),
        Action::StatusFilter => {
            let next = s.next_filter();
            s.set_filter(next);
        }
        Action::ApplyPlan => return request_apply(state),
        Action::Cancel => {
            if let Some(job) = s.job.as_mut() {
                job.cancelling = true;
                state.status.message =
                    Some("stopping: objects in flight finish, nothing new starts".into());
                return vec![fx(SegregateEffect::Cancel { id: job.id })];
            }
        }
        Action::Refresh if !s.is_applying() => return list_source(state),
        Action::Close => {
            state.status.error = None;
            if s.filter.is_some() {
                s.set_filter(None);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Rows of the pane above and below its table (fields, counts, header, details, hints).
pub const SEGREGATE_CHROME: usize = 7;

fn pick_rule(state: &mut State) -> Vec<Effect> {
    let s = &mut state.segregate;
    if s.is_applying() {
        return Vec::new();
    }
    if s.rules.is_empty() {
        state.status.message =
            Some("no [[segregate.rules]] in the config file: edit the fields (e) instead".into());
        return Vec::new();
    }
    let next = s.rule_index.map_or(0, |i| (i + 1) % s.rules.len());
    let rule = s.rules[next].clone();
    s.load(&rule);
    s.rule_index = Some(next);
    if source_changed(state) {
        return list_source(state);
    }
    recompute(state)
}

/// Starts listing the source on screen (cancelling the previous listing).
fn list_source(state: &mut State) -> Vec<Effect> {
    let bucket = state.segregate.value(FieldId::Bucket).trim().to_string();
    let prefix = as_dir(state.segregate.value(FieldId::Source));
    // A whole bucket is never a source (the target would be inside it): nothing to list.
    let listable = !bucket.is_empty() && !prefix.is_empty();
    let id = state.next_request();
    let s = &mut state.segregate;
    s.listing = Listing {
        id: Some(id),
        bucket: bucket.clone(),
        prefix: prefix.clone(),
        phase: if listable {
            ListPhase::Running
        } else {
            ListPhase::Idle
        },
        ..Listing::default()
    };
    if s.targets.bucket != bucket {
        s.targets = Targets {
            bucket: bucket.clone(),
            ..Targets::default()
        };
    }
    s.report = None;
    let mut out = recompute(state);
    if !listable {
        return out;
    }
    let spec = state.segregate.spec();
    let max_keys = spec
        .max_pages
        .map_or(PREVIEW_MAX_KEYS, |p| p as usize * spec.page_size as usize)
        .min(PREVIEW_MAX_KEYS);
    out.push(fx(SegregateEffect::List {
        id,
        bucket,
        prefix,
        page_size: i32::try_from(spec.page_size).unwrap_or(1000),
        max_keys,
        max_pages: spec.max_pages.map(u64::from),
    }));
    out
}

/// Recomputes the preview, then checks the destinations it needs when they are few.
pub fn recompute(state: &mut State) -> Vec<Effect> {
    let t = now(state);
    state.segregate.recompute(t);
    let page = state.page_rows().saturating_sub(SEGREGATE_CHROME).max(1);
    state.segregate.clamp_selection(page);
    check_missing(state, AUTO_CHECK_MAX)
}

/// Asks for the destination prefixes not known yet (none when there are more than `max`).
fn check_missing(state: &mut State, max: usize) -> Vec<Effect> {
    let s = &state.segregate;
    let missing = s.preview.missing(&s.targets);
    if missing.is_empty() || missing.len() + s.targets.pending.len() > max {
        return Vec::new();
    }
    let bucket = s.targets.bucket.clone();
    let id = state.next_request();
    let s = &mut state.segregate;
    s.targets.pending.extend(missing.iter().cloned());
    vec![fx(SegregateEffect::Check {
        id,
        bucket,
        prefixes: missing,
    })]
}

/// `a`: refuse what cannot be applied, check every destination, then confirm.
fn request_apply(state: &mut State) -> Vec<Effect> {
    let s = &state.segregate;
    let refuse = if state.status.read_only {
        Some("the profile is read-only: segregate apply would copy and delete objects".to_string())
    } else if s.is_applying() {
        Some("an apply is already running".into())
    } else if let Some(e) = &s.preview.error {
        Some(format!("fix the rule first: {e}"))
    } else if s.listing.phase == ListPhase::Running {
        Some("the source is still being listed; apply when the listing is done".into())
    } else if s.preview.entries.is_empty() {
        Some("nothing to apply: no keys to move".into())
    } else {
        None
    };
    if let Some(why) = refuse {
        state.status.error = Some(why);
        return Vec::new();
    }
    state.status.error = None;
    state.segregate.apply_requested = true;
    let fx = check_missing(state, usize::MAX);
    confirm_when_checked(state);
    if state.segregate.confirm.is_none() {
        let n = state.segregate.targets.pending.len();
        state.status.message = Some(format!(
            "checking {n} destination prefixes before applying…"
        ));
    }
    fx
}

/// Opens the confirmation once every destination is known.
fn confirm_when_checked(state: &mut State) {
    let s = &mut state.segregate;
    if !s.apply_requested || !s.targets.pending.is_empty() || s.preview.unchecked > 0 {
        return;
    }
    s.apply_requested = false;
    if s.preview.error.is_some() || s.preview.entries.is_empty() {
        return;
    }
    s.confirm = Some(Confirm {
        summary: s.preview.summary.clone(),
        partial: s.listing.phase != ListPhase::Done { complete: true },
    });
}

fn start_apply(state: &mut State) -> Vec<Effect> {
    let t = now(state);
    let Some(plan) = state.segregate.plan(&state.status.endpoint, t) else {
        return Vec::new();
    };
    let id = state.next_request();
    let options = ApplyOptions {
        workers: plan.rule.workers.max(1),
        overwrite: false,
        parts: PartSettings::default(),
        verify: Verify::default(),
        journal: default_path(None, &plan.rule),
    };
    let log_file = plan.rule.log_file.clone();
    state.segregate.job = Some(Job {
        id,
        progress: Default::default(),
        cancelling: false,
    });
    state.segregate.report = None;
    state.status.message = Some(format!(
        "applying plan {} to s3://{}: c stops safely",
        plan.id, plan.bucket
    ));
    vec![fx(SegregateEffect::Apply {
        id,
        plan: Arc::new(plan),
        options,
        log_file,
    })]
}

/// Keys listed beyond this are classified every few ticks only while the listing runs (each
/// pass classifies every key again); the last batch always is.
const EVERY_TICK_UP_TO: usize = 20_000;

/// The next tick: keys that arrived since the last preview are classified.
pub fn on_tick(state: &mut State) -> Vec<Effect> {
    let l = &state.segregate.listing;
    if l.dirty && (l.objects.len() <= EVERY_TICK_UP_TO || state.frame.is_multiple_of(8)) {
        return recompute(state);
    }
    Vec::new()
}

/// Results of the pane's effects.
pub fn on_event(state: &mut State, event: SegregateEvent) -> Vec<Effect> {
    match event {
        SegregateEvent::Listed {
            id,
            objects,
            list_calls,
            done,
        } => {
            let l = &mut state.segregate.listing;
            if l.id != Some(id) {
                return Vec::new();
            }
            l.objects.extend(objects);
            l.list_calls = list_calls;
            l.dirty = true;
            match done {
                None => Vec::new(),
                Some(Ok(complete)) => {
                    l.phase = ListPhase::Done { complete };
                    recompute(state)
                }
                Some(Err(e)) => {
                    l.phase = ListPhase::Failed(e.to_string());
                    recompute(state)
                }
            }
        }
        SegregateEvent::Checked {
            bucket,
            prefixes,
            result,
            ..
        } => {
            let t = &mut state.segregate.targets;
            if t.bucket != bucket {
                return Vec::new();
            }
            for p in &prefixes {
                t.pending.remove(p);
            }
            match result {
                Ok(found) => {
                    t.listed.extend(prefixes);
                    t.objects.extend(found);
                    t.failed = None;
                }
                Err(e) => {
                    t.failed = Some(e.to_string());
                    state.segregate.apply_requested = false;
                    state.status.error = Some(format!("cannot check the destinations: {e}"));
                }
            }
            let s = &mut state.segregate;
            s.preview.resettle(&s.targets, s.filter);
            let out = check_missing(state, AUTO_CHECK_MAX);
            confirm_when_checked(state);
            out
        }
        SegregateEvent::Progress { id, progress } => {
            if let Some(job) = state.segregate.job.as_mut()
                && job.id == id
            {
                job.progress = progress;
            }
            Vec::new()
        }
        SegregateEvent::Applied { id, result } => {
            if state.segregate.job.as_ref().is_none_or(|j| j.id != id) {
                return Vec::new();
            }
            state.segregate.job = None;
            match result {
                Ok(report) => {
                    let verdict = if report.ok() {
                        "done"
                    } else {
                        "finished with problems"
                    };
                    state.status.message = Some(format!(
                        "apply {verdict}: {} moved, {} to the error prefix, {} already there, {} conflicts, {} failed",
                        report.moved.objects,
                        report.moved_to_errors.objects,
                        report.already_there.objects,
                        report.conflicts.objects,
                        report.failed.objects + report.changed.objects
                    ));
                    // What is left under the source, and the destinations, changed.
                    let bucket = state.segregate.targets.bucket.clone();
                    state.segregate.targets = Targets {
                        bucket,
                        ..Targets::default()
                    };
                    let out = list_source(state);
                    state.segregate.report = Some(report);
                    out
                }
                Err(e) => {
                    state.status.error = Some(format!("segregate apply could not run: {e}"));
                    Vec::new()
                }
            }
        }
    }
}
