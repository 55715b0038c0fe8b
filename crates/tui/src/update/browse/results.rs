//! Browse results coming back from the runtime: the snapshot search, scan start, progress and
//! end (a finished scan is saved), the files listing and an object's HEAD. Each is dropped
//! unless its request id is the one awaited.

use super::scan;
use crate::effect::Effect;
use crate::event::{FoundSnapshot, RequestId};
use crate::state::State;
use crate::state::browse::{Load, Origin, Phase, SharedTree};
use chrono::{DateTime, Utc};
use s3scope_core::job::Snapshot;
use s3scope_core::s3::error::S3Error;
use s3scope_core::s3::object::ObjectDetails;
use s3scope_core::scan::files::FilesPage;
use s3scope_core::scan::snapshot::SnapshotMeta;
use std::time::Duration;

pub fn on_snapshot_found(
    state: &mut State,
    id: RequestId,
    result: Result<Option<FoundSnapshot>, String>,
) -> Vec<Effect> {
    if state.browse.phase != (Phase::Finding { id }) {
        return Vec::new();
    }
    match result {
        Ok(Some(found)) => {
            let m = &found.meta;
            let hidden = m.versions && m.multipart;
            let counters = Snapshot {
                calls: m.list_calls,
                elapsed: Duration::from_secs_f64(m.elapsed_secs.max(0.0)),
                ..Snapshot::default()
            };
            let origin = Origin::Snapshot {
                path: found.path.clone(),
                scanned_at: m.scanned_at,
                list_calls: m.list_calls,
            };
            state.browse.phase = Phase::Done { counters, hidden };
            state.browse.set_tree(found.tree, origin, hidden);
            Vec::new()
        }
        Ok(None) => scan(state, false, false),
        Err(message) => {
            state.status.error = Some(message);
            scan(state, false, false)
        }
    }
}

pub fn on_scan_started(state: &mut State, id: RequestId, tree: SharedTree) {
    if state.browse.scan_id() == Some(id) {
        state.browse.set_tree(tree, Origin::Scan, false);
    }
}

pub fn on_scan_progress(state: &mut State, id: RequestId, counters: Snapshot) {
    if let Phase::Scanning {
        id: running,
        counters: c,
        ..
    } = &mut state.browse.phase
        && *running == id
    {
        *c = counters;
        state.browse.rebuild();
    }
}

pub fn on_scan_finished(
    state: &mut State,
    id: RequestId,
    result: Result<Snapshot, S3Error>,
    cancelled: bool,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    let Phase::Scanning {
        id: running,
        hidden,
        ..
    } = state.browse.phase.clone()
    else {
        return Vec::new();
    };
    if running != id {
        return Vec::new();
    }
    let b = &mut state.browse;
    match result {
        Err(e) => {
            let message = e.to_string();
            state.status.error = Some(message.clone());
            b.phase = Phase::Failed { message };
            b.rebuild();
            Vec::new()
        }
        Ok(counters) if cancelled => {
            b.phase = Phase::Cancelled { counters };
            b.rebuild();
            Vec::new()
        }
        Ok(counters) => {
            b.phase = Phase::Done {
                counters: counters.clone(),
                hidden,
            };
            b.tree_has_hidden = hidden;
            b.show_hidden = hidden;
            b.rebuild();
            let Some(tree) = b.tree.clone() else {
                return Vec::new();
            };
            let meta = SnapshotMeta {
                profile: state.status.profile.clone(),
                endpoint: state.status.endpoint.clone(),
                bucket: b.bucket.clone().unwrap_or_default(),
                prefix: b.location_prefix.clone(),
                scanned_at: at,
                elapsed_secs: counters.elapsed.as_secs_f64(),
                list_calls: counters.calls,
                versions: hidden,
                multipart: hidden,
            };
            let id = state.next_request();
            state.browse.save_request = Some(id);
            vec![Effect::SaveSnapshot { id, meta, tree }]
        }
    }
}

pub fn on_snapshot_saved(
    state: &mut State,
    id: RequestId,
    result: Result<std::path::PathBuf, String>,
) {
    if state.browse.save_request != Some(id) {
        return;
    }
    state.browse.save_request = None;
    if let Err(e) = &result {
        state.status.error = Some(format!("snapshot not saved: {e}"));
    }
    state.browse.saved = Some(result);
}

pub fn on_files_listed(state: &mut State, id: RequestId, result: Result<FilesPage, S3Error>) {
    let (sort, matcher) = (state.browse.sort, state.browse.filter.matcher());
    let prices = state.browse.prices.clone();
    let Some(f) = state
        .browse
        .files
        .as_mut()
        .filter(|f| f.request == Some(id))
    else {
        return;
    };
    f.request = None;
    match result {
        Ok(page) => {
            f.page = Some(page);
            f.load = Load::Done;
            f.reorder(sort, &matcher, prices.as_ref());
        }
        Err(e) => f.load = Load::Failed(e.to_string()),
    }
}

pub fn on_object_head(state: &mut State, id: RequestId, result: Result<ObjectDetails, S3Error>) {
    let Some(o) = state
        .browse
        .object
        .as_mut()
        .filter(|o| o.request == Some(id))
    else {
        return;
    };
    o.request = None;
    match result {
        Ok(d) => {
            o.details = Some(d);
            o.load = Load::Done;
        }
        Err(e) => o.load = Load::Failed(e.to_string()),
    }
}
