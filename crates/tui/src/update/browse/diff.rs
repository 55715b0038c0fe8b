//! The diff view's transitions: `d` asks for the comparison with the previous snapshot, its
//! answer fills the view, `d` or Esc closes it; the cursor moves over the changed prefixes.

use crate::effect::Effect;
use crate::event::RequestId;
use crate::state::State;
use crate::state::browse::{DiffLoad, DiffView, Origin, Phase};
use chrono::{DateTime, Utc};
use s3scope_core::scan::diff::TreeDiff;

/// `d`: opens the comparison of the tree on screen with the snapshot before it, or closes it.
pub fn toggle(state: &mut State) -> Vec<Effect> {
    let b = &mut state.browse;
    if b.diff.take().is_some() {
        return Vec::new();
    }
    let Some(bucket) = b.bucket.clone() else {
        return Vec::new();
    };
    // Only a complete tree compares fairly: a running or cancelled scan would show shrinkage.
    let complete = match (&b.tree, &b.origin, &b.phase) {
        (None, _, _) => None,
        (Some(tree), origin, phase) => Some((tree.clone(), origin, phase)),
    };
    let (tree, before, exclude) = match complete {
        Some((
            tree,
            Some(Origin::Snapshot {
                path, scanned_at, ..
            }),
            _,
        )) => (tree, Some(*scanned_at), Some(path.clone())),
        Some((tree, Some(Origin::Scan), Phase::Done { .. })) => (
            tree,
            None,
            b.saved.as_ref().and_then(|r| r.as_ref().ok()).cloned(),
        ),
        _ => {
            state.status.message =
                Some("the diff needs a finished scan or a snapshot on screen".into());
            return Vec::new();
        }
    };
    let id = state.next_request();
    let b = &mut state.browse;
    b.diff = Some(DiffView::loading(id));
    vec![Effect::LoadDiff {
        id,
        bucket,
        prefix: b.location_prefix.clone(),
        tree,
        before,
        exclude,
    }]
}

/// The comparison arrived (or not).
pub fn on_diff_loaded(
    state: &mut State,
    id: RequestId,
    result: Result<Option<(DateTime<Utc>, TreeDiff)>, String>,
) {
    let b = &mut state.browse;
    let Some(view) = b.diff.as_mut() else { return };
    if view.request() != Some(id) {
        return;
    }
    let new_at = match &b.origin {
        Some(Origin::Snapshot { scanned_at, .. }) => Some(*scanned_at),
        _ => None,
    };
    view.load = match result {
        Ok(Some((old_at, mut diff))) => DiffLoad::Ready {
            // Only what changed is worth a row.
            diff: {
                diff.prefixes
                    .retain(|r| r.bytes_delta != 0 || r.objects_delta != 0);
                diff
            },
            old_at,
            new_at,
        },
        Ok(None) => DiffLoad::NothingOlder,
        Err(e) => DiffLoad::Failed(e),
    };
}

/// Up/down/page keys while the diff view is open.
pub fn move_cursor(state: &mut State, delta: isize, page: usize) {
    if let Some(v) = state.browse.diff.as_mut() {
        let len = v.len();
        v.cursor.move_by(delta, len, page);
    }
}
