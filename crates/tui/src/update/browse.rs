//! Browse pane transitions: opening a location (snapshot offered, or a scan started after its
//! estimate), live progress, drilling in and out, files and object details, hidden costs, copy.

use crate::effect::Effect;
use crate::keymap::Action;
use crate::state::browse::{Estimate, FilesView, ObjectView, Origin, Phase, RowKind, SortKey};
use crate::state::{Pane, State};
use s3scope_core::job::Snapshot;
use s3scope_core::s3::location::S3Location;
use s3scope_core::scan::buckets::Source;
use s3scope_core::scan::hints::{parts_for, split_hints};
use s3scope_core::scan::job::ScanRequest;

mod cleanup; // cleanup of hidden costs from the hidden-cost view
mod delete; // marks, the delete preview and its typed confirmation, the delete job
mod diff; // growth since the previous snapshot
mod inventory; // the inventory report offered and read; the ncdu export
mod results; // what effects answer: snapshot found, scan progress and end, files, HEAD

pub use cleanup::{on_event as on_cleanup_event, on_raw_key as on_cleanup_key};
pub use delete::{on_event as on_delete_event, on_raw_key as on_delete_key};
pub use diff::on_diff_loaded;
pub use inventory::{on_inventory_found, on_inventory_read, on_ncdu_exported};

pub use results::{
    on_files_listed, on_object_head, on_scan_finished, on_scan_progress, on_scan_started,
    on_snapshot_found, on_snapshot_saved,
};

/// Why there is no cost to sort by.
pub const NO_PRICES: &str = "no prices for this profile (S3-compatible): set [prices] or [profiles.NAME.prices] in the config to see Cost/mo";

/// Scans estimated above this many LIST calls wait for Enter.
pub const CONFIRM_LIST_CALLS: u64 = 1000;

/// Opens `s3://bucket/prefix` in Browse: a cached snapshot if there is one, else a scan.
pub fn open(state: &mut State, bucket: &str, prefix: &str) -> Vec<Effect> {
    let mut prefix = prefix.to_string();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    let mut fx = cancel_running(state);
    state.browse.reset(bucket, &prefix);
    // The table counts whole buckets; for a prefix it is only an upper bound.
    state.browse.estimate = state.buckets.estimate(bucket).filter(|_| prefix.is_empty());
    state.pane = Pane::Browse;
    let id = state.next_request();
    state.browse.phase = Phase::Finding { id };
    fx.push(Effect::FindSnapshot {
        id,
        bucket: bucket.to_string(),
        prefix: prefix.clone(),
    });
    fx.push(inventory::find(state, bucket, &prefix));
    fx
}

fn cancel_running(state: &State) -> Vec<Effect> {
    state
        .browse
        .scan_id()
        .map(|id| Effect::CancelScan { id })
        .into_iter()
        .collect()
}

/// Starts a scan of the location (with hidden costs when `hidden`), unless it is big and not
/// yet `confirmed`: then it waits for Enter with the estimate on screen.
fn scan(state: &mut State, hidden: bool, confirmed: bool) -> Vec<Effect> {
    let Some(bucket) = state.browse.bucket.clone() else {
        return Vec::new();
    };
    let big = state
        .browse
        .estimate
        .is_some_and(|e| e.list_calls > CONFIRM_LIST_CALLS);
    if big && !confirmed {
        state.browse.phase = Phase::Confirm { hidden };
        return Vec::new();
    }
    let mut fx = cancel_running(state);
    let id = state.next_request();
    let b = &mut state.browse;
    // A complete tree of the location on screen (a snapshot or the last scan) gives the
    // listing its first cuts and the count that makes a percentage and an ETA.
    let mut hints = Vec::new();
    if let (Phase::Done { counters, .. }, Some(tree)) = (&b.phase, &b.tree) {
        let t = tree.read();
        if t.root_prefix == b.location_prefix {
            hints = split_hints(&t, parts_for(b.concurrency));
            let objects = t.node(0).total.objects();
            if b.estimate.is_none_or(|e| e.objects == 0) {
                let as_of = match &b.origin {
                    Some(Origin::Snapshot { scanned_at, .. }) => Some(*scanned_at),
                    _ => None,
                };
                b.estimate = Some(Estimate {
                    objects,
                    list_calls: counters.calls,
                    source: Source::Scan,
                    as_of,
                });
            }
        }
    }
    b.phase = Phase::Scanning {
        id,
        counters: Snapshot::default(),
        hidden,
    };
    b.saved = None;
    b.reading_inventory = false;
    fx.push(Effect::StartScan {
        id,
        request: ScanRequest {
            bucket,
            prefix: b.location_prefix.clone(),
            concurrency: b.concurrency,
            versions: hidden,
            multipart: hidden,
            hints,
        },
    });
    fx
}

/// A key in the Browse pane (after the filter field and the global keys had their turn).
pub fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page_rows();
    let step = isize::try_from(page).unwrap_or(isize::MAX);
    match action {
        Action::Up => move_cursor(state, -1, page),
        Action::Down => move_cursor(state, 1, page),
        Action::PageUp => move_cursor(state, -step, page),
        Action::PageDown => move_cursor(state, step, page),
        Action::Top => move_cursor(state, isize::MIN, page),
        Action::Bottom => move_cursor(state, isize::MAX, page),
        Action::Open => return open_selected(state),
        Action::Back => back(state),
        Action::Close => return close(state),
        Action::Cancel => {
            return delete::cancel(state)
                .or_else(|| cleanup::cancel(state))
                .unwrap_or_else(|| cancel_running(state));
        }
        Action::Cleanup => return cleanup::start(state),
        Action::Mark => delete::mark(state),
        Action::Delete => return delete::start(state),
        Action::Refresh => return scan(state, state.browse.show_hidden, true),
        Action::Hidden => return hidden(state),
        Action::Diff => return diff::toggle(state),
        Action::Inventory => return inventory::read(state),
        Action::ExportNcdu => return inventory::export(state),
        Action::Copy => return copy(state),
        Action::Filter => state.browse.filter.begin(),
        Action::SortSize => sort(state, SortKey::Size),
        Action::SortCount => sort(state, SortKey::Count),
        Action::SortName => sort(state, SortKey::Name),
        Action::SortNewest => sort(state, SortKey::Newest),
        Action::SortCost => {
            if state.browse.prices.is_none() {
                state.status.message = Some(NO_PRICES.into());
            } else {
                sort(state, SortKey::Cost);
            }
        }
        Action::Classes => state.browse.class_offset += 1,
        _ => {}
    }
    Vec::new()
}

fn move_cursor(state: &mut State, delta: isize, page: usize) {
    if state.browse.diff.is_some() {
        return diff::move_cursor(state, delta, page);
    }
    let b = &mut state.browse;
    if b.object.is_some() {
        return;
    }
    if let Some(f) = b.files.as_mut() {
        let len = f.order.len();
        f.cursor.move_by(delta, len, page);
    } else {
        let len = b.rows.len();
        b.cursor.move_by(delta, len, page);
        b.cursor_moved = true;
    }
}

/// Refilters and resorts whatever list is on screen.
pub fn refresh_rows(state: &mut State) {
    let b = &mut state.browse;
    let (sort, matcher) = (b.sort, b.filter.matcher());
    match b.files.as_mut() {
        Some(f) => f.reorder(sort, &matcher, b.prices.as_ref()),
        None => b.rebuild(),
    }
}

fn sort(state: &mut State, key: SortKey) {
    state.browse.sort.press(key);
    refresh_rows(state);
}

fn open_selected(state: &mut State) -> Vec<Effect> {
    let page = state.page_rows();
    if state.browse.diff.is_some() {
        return Vec::new();
    }
    if let Phase::Confirm { hidden } = state.browse.phase {
        return scan(state, hidden, true);
    }
    let bucket = state.browse.bucket.clone().unwrap_or_default();
    if state.browse.object.is_some() {
        return Vec::new();
    }
    if let Some(f) = &state.browse.files {
        let Some(key) = f.selected().map(|o| o.key.clone()) else {
            return Vec::new();
        };
        let id = state.next_request();
        state.browse.object = Some(ObjectView::new(key.clone(), id));
        return vec![Effect::HeadObject {
            id,
            location: S3Location { bucket, key },
        }];
    }
    match state.browse.selected_row().map(|r| (r.kind, r.objects)) {
        Some((RowKind::Prefix, _)) => {
            state.browse.enter_prefix(page);
            Vec::new()
        }
        Some((RowKind::Files, expected)) => {
            let id = state.next_request();
            let prefix = state.browse.cwd.clone();
            state.browse.filter.clear();
            state.browse.files = Some(FilesView::new(prefix.clone(), id, expected));
            vec![Effect::ListFiles { id, bucket, prefix }]
        }
        None => Vec::new(),
    }
}

fn back(state: &mut State) {
    let page = state.page_rows();
    let b = &mut state.browse;
    if b.diff.take().is_some() {
        return;
    }
    if b.object.take().is_some() {
        return;
    }
    if b.files.take().is_some() {
        b.filter.clear();
        b.rebuild();
        return;
    }
    if !b.leave_prefix(page) {
        state.status.message = Some(format!(
            "at the top of {}",
            s3scope_core::text::escape_control(&b.url())
        ));
    }
}

/// Esc: clears the error, then the filter, then stops a scan or a pending start, then goes back.
fn close(state: &mut State) -> Vec<Effect> {
    if state.status.error.take().is_some() {
        return Vec::new();
    }
    if state.browse.diff.take().is_some() {
        return Vec::new();
    }
    let b = &mut state.browse;
    if b.filter.is_active() {
        b.filter.clear();
        refresh_rows(state);
        return Vec::new();
    }
    match b.phase {
        Phase::Scanning { .. } => cancel_running(state),
        Phase::Confirm { .. } => {
            b.phase = Phase::Idle;
            state.status.message = Some("scan not started; r starts it".into());
            Vec::new()
        }
        _ => {
            if b.object.is_some() || b.files.is_some() {
                back(state);
            }
            Vec::new()
        }
    }
}

/// Shows the hidden-cost columns, rescanning with versions and uploads when the tree has none.
fn hidden(state: &mut State) -> Vec<Effect> {
    let b = &mut state.browse;
    if b.bucket.is_none() {
        return Vec::new();
    }
    if b.tree_has_hidden {
        b.show_hidden = !b.show_hidden;
        // The Cost/mo column counts the hidden costs while they are shown.
        b.rebuild();
        return Vec::new();
    }
    state.status.message =
        Some("rescanning with noncurrent versions, delete markers and incomplete uploads…".into());
    scan(state, true, true)
}

fn copy(state: &mut State) -> Vec<Effect> {
    let b = &state.browse;
    let Some(bucket) = b.bucket.as_deref() else {
        return Vec::new();
    };
    let path = if let Some(o) = &b.object {
        o.key.clone()
    } else if let Some(f) = &b.files {
        match f.selected() {
            Some(o) => o.key.clone(),
            None => return Vec::new(),
        }
    } else {
        match b.selected_row() {
            Some(r) if r.kind == RowKind::Prefix => format!("{}{}", b.cwd, r.name),
            Some(_) => b.cwd.clone(),
            None => return Vec::new(),
        }
    };
    let url = format!("s3://{bucket}/{path}");
    state.status.message = Some(format!(
        "copied {} to the clipboard (OSC 52; needs a terminal that allows it)",
        s3scope_core::text::escape_control(&url)
    ));
    vec![Effect::CopyToClipboard(url)]
}
