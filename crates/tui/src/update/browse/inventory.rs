//! Browse and the bucket's S3 Inventory report: offered when found (with its date), read with
//! `I` instead of a listing, and the tree on screen exported as ncdu JSON with `E`.

use super::cancel_running;
use crate::effect::Effect;
use crate::event::RequestId;
use crate::state::State;
use crate::state::browse::{InventoryDone, InventoryOffer, Origin, Phase};
use s3scope_core::job::Snapshot as ScanCounters;
use s3scope_core::scan::ncdu::ExportInfo;
use std::path::PathBuf;

/// Asks for the location's report, beside the snapshot search of `open`.
pub fn find(state: &mut State, bucket: &str, prefix: &str) -> Effect {
    let id = state.next_request();
    state.browse.inventory_request = Some(id);
    Effect::FindInventory {
        id,
        bucket: bucket.to_string(),
        prefix: prefix.to_string(),
    }
}

pub fn on_inventory_found(state: &mut State, id: RequestId, result: Option<InventoryOffer>) {
    if state.browse.inventory_request == Some(id) {
        state.browse.inventory_request = None;
        state.browse.inventory = result;
    }
}

/// `I`: reads the report into a new tree, in place of the one on screen.
pub fn read(state: &mut State) -> Vec<Effect> {
    let Some(bucket) = state.browse.bucket.clone() else {
        return Vec::new();
    };
    if state.browse.inventory.is_none() {
        state.status.message = Some(
            "no inventory report found for this bucket (ListBucketInventoryConfigurations); `s3scope du --source inventory --inventory s3://…` reads one by its location".into(),
        );
        return Vec::new();
    }
    let mut fx = cancel_running(state);
    let id = state.next_request();
    let b = &mut state.browse;
    b.phase = Phase::Scanning {
        id,
        counters: ScanCounters::default(),
        hidden: false,
    };
    b.saved = None;
    b.inventory_warnings.clear();
    b.reading_inventory = true;
    fx.push(Effect::ReadInventory {
        id,
        bucket,
        prefix: b.location_prefix.clone(),
    });
    fx
}

pub fn on_inventory_read(
    state: &mut State,
    id: RequestId,
    result: Result<InventoryDone, String>,
    cancelled: bool,
) {
    let Phase::Scanning {
        id: running,
        counters,
        ..
    } = state.browse.phase.clone()
    else {
        return;
    };
    if running != id {
        return;
    }
    state.browse.reading_inventory = false;
    match result {
        Ok(done) => {
            let b = &mut state.browse;
            b.phase = Phase::Done {
                counters: done.counters,
                hidden: done.versions,
            };
            b.origin = Some(Origin::Inventory {
                manifest: done.offer.manifest.clone(),
                as_of: done.offer.as_of,
            });
            b.tree_has_hidden = done.versions;
            b.inventory = Some(done.offer);
            if let Some(w) = done.warnings.first() {
                state.status.message = Some(format!("inventory: {w}"));
            }
            b.inventory_warnings = done.warnings;
            b.rebuild();
        }
        Err(_) if cancelled => state.browse.phase = Phase::Cancelled { counters },
        Err(message) => {
            state.status.error = Some(message.clone());
            state.browse.phase = Phase::Failed { message };
        }
    }
}

/// `E`: writes the tree on screen as ncdu JSON into the working directory.
pub fn export(state: &mut State) -> Vec<Effect> {
    let (Some(tree), Some(bucket)) = (state.browse.tree.clone(), state.browse.bucket.clone())
    else {
        state.status.message = Some("nothing to export yet: open a bucket first".into());
        return Vec::new();
    };
    let (when, source) = match &state.browse.origin {
        Some(Origin::Inventory { as_of, .. }) => (
            Some(*as_of),
            format!("inventory as of {}", as_of.to_rfc3339()),
        ),
        Some(Origin::Snapshot { scanned_at, .. }) => (Some(*scanned_at), "listing".into()),
        _ => (state.now, "listing".into()),
    };
    let stamp = when.map_or_else(|| "now".into(), |t| t.format("%Y%m%dT%H%M%SZ").to_string());
    let prefix = state.browse.root_prefix();
    let root_name = format!("s3://{bucket}/{prefix}")
        .trim_end_matches('/')
        .to_string();
    let id = state.next_request();
    vec![Effect::ExportNcdu {
        id,
        tree,
        info: ExportInfo {
            root_name,
            timestamp: when.map_or(0, |t| t.timestamp()),
            source,
        },
        path: PathBuf::from(format!("s3scope-{bucket}-{stamp}.ncdu.json")),
    }]
}

pub fn on_ncdu_exported(state: &mut State, _id: RequestId, result: Result<PathBuf, String>) {
    match result {
        Ok(path) => {
            let shown =
                s3scope_core::text::escape_control(&path.display().to_string()).into_owned();
            state.status.message = Some(format!(
                "exported to {shown} (open it with ncdu -f {shown})"
            ));
        }
        Err(e) => state.status.error = Some(format!("ncdu export failed: {e}")),
    }
}
