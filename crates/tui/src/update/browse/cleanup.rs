//! Cleanup from the hidden-cost view: `X` plans the cleanup of the prefix on screen, the
//! preview says what goes and what it saves per month, Enter runs it as a job, Esc does not.

use crate::effect::Effect;
use crate::state::State;
use crate::state::browse::{CleanupEffect, CleanupEvent, CleanupFlow, cleanup_spec};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use s3scope_core::cleanup::CleanupReport;

/// `X`: plans the cleanup of the location on screen; only from the hidden-cost view, never on
/// a read-only profile.
pub fn start(state: &mut State) -> Vec<Effect> {
    if state.status.read_only {
        state.status.error = Some(format!(
            "profile `{}` is read-only: cleanup is refused; use a profile without read_only",
            state.status.profile
        ));
        return Vec::new();
    }
    let Some(bucket) = state.browse.bucket.clone() else {
        return Vec::new();
    };
    if !state.browse.show_hidden {
        let v = state.keymap.first(crate::keymap::Action::Hidden);
        state.status.message = Some(format!(
            "cleanup starts from the hidden-cost view: press {v} first"
        ));
        return Vec::new();
    }
    if matches!(state.browse.cleanup, Some(CleanupFlow::Running { .. })) {
        state.status.message = Some("a cleanup is running; the Jobs pane (5) follows it".into());
        return Vec::new();
    }
    let Some(now) = state.now else {
        state.status.error = Some("the clock has not ticked yet; try again".into());
        return Vec::new();
    };
    let id = state.next_request();
    let spec = cleanup_spec(&bucket, &state.browse.cwd, now);
    state.browse.cleanup = Some(CleanupFlow::Planning { id });
    vec![Effect::Cleanup(CleanupEffect::Plan {
        id,
        spec,
        prices: state.browse.prices.clone(),
        profile: state.status.profile.clone(),
    })]
}

/// The cancel key while a cleanup runs.
pub fn cancel(state: &mut State) -> Option<Vec<Effect>> {
    match state.browse.cleanup.as_mut() {
        Some(CleanupFlow::Running { id, cancelling, .. }) => {
            *cancelling = true;
            state.status.message =
                Some("cancelling the cleanup: the journal lets X finish it later".into());
            Some(vec![Effect::Cleanup(CleanupEffect::Cancel { id: *id })])
        }
        _ => None,
    }
}

/// Keys while the preview is open: Enter runs it, Esc closes it.
pub fn on_raw_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    if state.pane != crate::state::Pane::Browse {
        return None;
    }
    let flow = state.browse.cleanup.as_ref()?;
    if matches!(flow, CleanupFlow::Running { .. }) {
        return None;
    }
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    if key.code == KeyCode::Esc || ctrl_c {
        state.browse.cleanup = None;
        state.status.message = Some("nothing cleaned up".into());
        return Some(Vec::new());
    }
    if key.code != KeyCode::Enter {
        return Some(Vec::new());
    }
    let CleanupFlow::Preview { plan } = flow else {
        return Some(Vec::new());
    };
    if plan.items.is_empty() {
        state.browse.cleanup = None;
        state.status.message = Some("nothing to clean up here".into());
        return Some(Vec::new());
    }
    let plan = plan.clone();
    let id = state.next_request();
    state.browse.cleanup = Some(CleanupFlow::Running {
        id,
        plan: plan.clone(),
        cancelling: false,
    });
    Some(vec![Effect::Cleanup(CleanupEffect::Apply {
        id,
        plan,
        profile: state.status.profile.clone(),
    })])
}

pub fn on_event(state: &mut State, event: CleanupEvent) -> Vec<Effect> {
    match event {
        CleanupEvent::Planned { id, result } => {
            if state.browse.cleanup != Some(CleanupFlow::Planning { id }) {
                return Vec::new();
            }
            state.browse.cleanup = match result {
                Ok(plan) => Some(CleanupFlow::Preview { plan }),
                Err(e) => {
                    state.status.error = Some(format!("cleanup not planned: {e}"));
                    None
                }
            };
        }
        CleanupEvent::Progress { .. } => {}
        CleanupEvent::Applied { id, result } => {
            let running = matches!(
                &state.browse.cleanup,
                Some(CleanupFlow::Running { id: r, .. }) if *r == id
            );
            if !running {
                return Vec::new();
            }
            state.browse.cleanup = None;
            match result {
                Ok(report) => finish(state, &report),
                Err(e) => {
                    state.status.error = Some(format!("cleanup failed: {e}"));
                    state.browse.last_cleanup = Some(Err(format!("failed: {e}")));
                }
            }
        }
    }
    Vec::new()
}

fn finish(state: &mut State, r: &CleanupReport) {
    let plural = crate::ui::plural;
    let removed = r.removed();
    let mut line = format!(
        "cleaned up {}, {}, {} ({} freed)",
        plural(r.uploads.count, "upload"),
        plural(r.versions.count, "noncurrent version"),
        plural(r.delete_markers.count, "delete marker"),
        humansize::format_size(removed.bytes, humansize::BINARY)
    );
    if let Some(p) = &state.browse.prices {
        let saved: f64 = r.bytes_by_class.iter().map(|(c, b)| p.monthly(c, *b)).sum();
        line.push_str(&format!(", saving {}/mo", crate::ui::usd(saved)));
    }
    let r_key = state.keymap.first(crate::keymap::Action::Refresh);
    line.push_str(&format!("; {r_key} rescans to show the hidden costs now"));
    if !r.failed.is_empty() || r.cancelled {
        line.push_str(&format!(
            "; {} not removed{}: X again resumes from the journal",
            plural(r.failed.len() as u64 + r.not_sent, "item"),
            if r.cancelled { " (cancelled)" } else { "" }
        ));
        state.status.error = Some(line.clone());
        state.browse.last_cleanup = Some(Err(line));
    } else {
        state.status.message = Some(line.clone());
        state.browse.last_cleanup = Some(Ok(line));
    }
}
