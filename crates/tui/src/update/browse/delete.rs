//! Deleting from Browse: `space` marks the row (or object) under the cursor, `D` plans the
//! delete of the marked set and previews it, the bucket name typed confirms a prefix delete,
//! the delete runs as a job, and its report updates the tree without a rescan.

use crate::effect::Effect;
use crate::state::State;
use crate::state::browse::{DeleteEffect, DeleteEvent, DeleteFlow, Mark, MarkKind, RowKind};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use s3scope_core::delete::DeleteReport;

/// `space`: marks or unmarks the row under the cursor (a prefix, or an object of the files
/// view), then moves down.
pub fn mark(state: &mut State) {
    let page = state.page_rows();
    let b = &mut state.browse;
    if b.delete.is_some() || b.diff.is_some() || b.object.is_some() {
        return;
    }
    if let Some(f) = b.files.as_mut() {
        let Some(o) = f.selected() else {
            return;
        };
        let mark = Mark {
            kind: MarkKind::Key,
            objects: 1,
            bytes: o.size,
        };
        let key = o.key.clone();
        b.marks.toggle(&key, mark);
        let len = f.order.len();
        f.cursor.move_by(1, len, page);
        return;
    }
    let Some(row) = b.selected_row() else {
        return;
    };
    if row.kind == RowKind::Files {
        state.status.message = Some(
            "open this row (Enter) and mark its objects: marking a prefix takes everything under it"
                .into(),
        );
        return;
    }
    let path = format!("{}{}", b.cwd, row.name);
    let mark = Mark {
        kind: MarkKind::Prefix,
        objects: row.objects,
        bytes: row.bytes,
    };
    b.marks.toggle(&path, mark);
    let len = b.rows.len();
    b.cursor.move_by(1, len, page);
    b.cursor_moved = true;
}

/// `D`: plans the delete of the marked set; the preview follows when the plan is in.
/// Refused on a read-only profile before anything else.
pub fn start(state: &mut State) -> Vec<Effect> {
    if state.status.read_only {
        state.status.error = Some(format!(
            "profile `{}` is read-only: deleting is refused; use a profile without read_only",
            state.status.profile
        ));
        return Vec::new();
    }
    let Some(bucket) = state.browse.bucket.clone() else {
        return Vec::new();
    };
    if matches!(state.browse.delete, Some(DeleteFlow::Running { .. })) {
        state.status.message = Some("a delete is running; the Jobs pane (5) follows it".into());
        return Vec::new();
    }
    if state.browse.marks.is_empty() {
        state.status.message =
            Some("nothing marked: space marks the prefix or object under the cursor".into());
        return Vec::new();
    }
    let id = state.next_request();
    let set = state.browse.marks.set(&bucket);
    state.browse.delete = Some(DeleteFlow::Planning { id });
    vec![Effect::Delete(DeleteEffect::Plan { id, set })]
}

/// The cancel key while a delete runs: no new batch starts.
pub fn cancel(state: &mut State) -> Option<Vec<Effect>> {
    match state.browse.delete.as_mut() {
        Some(DeleteFlow::Running { id, cancelling, .. }) => {
            *cancelling = true;
            state.status.message = Some("cancelling the delete: batches in flight finish".into());
            Some(vec![Effect::Delete(DeleteEffect::Cancel { id: *id })])
        }
        _ => None,
    }
}

/// Keys while the preview (or its planning) is on screen: typing the bucket name, Enter to
/// delete, Esc to go back with the marks kept. None when no delete dialog is open.
pub fn on_raw_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    if state.pane != crate::state::Pane::Browse {
        return None;
    }
    let flow = state.browse.delete.as_mut()?;
    if matches!(flow, DeleteFlow::Running { .. }) {
        return None;
    }
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    if key.code == KeyCode::Esc || ctrl_c {
        state.browse.delete = None;
        state.status.message = Some("nothing deleted; the marks are kept".into());
        return Some(Vec::new());
    }
    let can = flow.can_confirm();
    let DeleteFlow::Preview { plan, typed } = flow else {
        // Planning: only Esc does something.
        return Some(Vec::new());
    };
    if key.code == KeyCode::Enter {
        if !can {
            state.status.message = Some(if plan.count == 0 {
                "nothing to delete: the marked rows hold no objects now; Esc goes back".into()
            } else {
                "type the bucket name to confirm, then Enter".into()
            });
            return Some(Vec::new());
        }
        let id = state.next_request();
        let Some(DeleteFlow::Preview { plan, .. }) = state.browse.delete.take() else {
            return Some(Vec::new());
        };
        state.browse.delete = Some(DeleteFlow::Running {
            id,
            plan: plan.clone(),
            cancelling: false,
        });
        return Some(vec![Effect::Delete(DeleteEffect::Apply { id, plan })]);
    }
    if plan.needs_typed_confirmation {
        state.status.message = None;
        match key.code {
            KeyCode::Backspace => {
                typed.pop();
            }
            // Bucket names are short; a pasted novel is not one.
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL)
                    && typed.chars().count() < 255 =>
            {
                typed.push(c);
            }
            _ => {}
        }
    }
    Some(Vec::new())
}

/// Results of the delete's effects; stale ids are dropped.
pub fn on_event(state: &mut State, event: DeleteEvent) -> Vec<Effect> {
    match event {
        DeleteEvent::Planned { id, result } => {
            if state.browse.delete != Some(DeleteFlow::Planning { id }) {
                return Vec::new();
            }
            state.browse.delete = match result {
                Ok(plan) => Some(DeleteFlow::Preview {
                    plan,
                    typed: String::new(),
                }),
                Err(e) => {
                    state.status.error = Some(format!("delete not planned: {e}"));
                    None
                }
            };
        }
        DeleteEvent::Progress { .. } => {}
        DeleteEvent::Applied { id, result } => {
            let running = matches!(
                &state.browse.delete,
                Some(DeleteFlow::Running { id: r, .. }) if *r == id
            );
            if !running {
                return Vec::new();
            }
            state.browse.delete = None;
            match result {
                Ok(report) => finish(state, &report),
                Err(e) => {
                    state.status.error = Some(format!("delete failed: {e}"));
                    state.browse.last_delete = Some(Err(format!("failed: {e}")));
                }
            }
        }
    }
    Vec::new()
}

/// What a delete did, applied to the screen: the tree loses the deleted objects, the files
/// view loses their rows, the marks clear when everything planned went.
fn finish(state: &mut State, report: &DeleteReport) {
    let b = &mut state.browse;
    if let Some(tree) = &b.tree {
        crate::state::browse::subtract(tree, report, b.tree_has_hidden);
    }
    if let Some(page) = b.files.as_mut().and_then(|f| f.page.as_mut()) {
        let gone: std::collections::HashSet<&str> =
            report.deleted.iter().map(|o| o.key.as_str()).collect();
        page.objects.retain(|o| !gone.contains(o.key.as_str()));
    }
    let complete = report.failed.is_empty() && !report.cancelled;
    if complete {
        b.marks.clear();
    }
    // The rows and totals of the prefix (also under an open files view), then that view.
    state.browse.rebuild();
    super::refresh_rows(state);
    let mut line = format!(
        "deleted {} ({})",
        crate::ui::plural(report.count, "object"),
        humansize::format_size(report.bytes, humansize::BINARY)
    );
    if report.versioned {
        line.push_str("; delete markers added, versions kept");
    }
    if !report.failed.is_empty() {
        line.push_str(&format!(
            "; {} not deleted (first: {}: {})",
            report.failed.len(),
            s3scope_core::text::escape_control(&report.failed[0].key),
            report.failed[0].error
        ));
    }
    if report.cancelled {
        line.push_str(&format!(
            "; cancelled, {} not sent",
            crate::ui::plural(report.not_sent, "object")
        ));
    }
    if !complete {
        line.push_str("; the marks are kept");
        state.status.error = Some(line.clone());
        state.browse.last_delete = Some(Err(line));
    } else {
        state.status.message = Some(line.clone());
        state.browse.last_delete = Some(Ok(line));
    }
}
