//! Buckets pane transitions beyond the plain list: the bucket table loaded in the background,
//! sort, filter, unit toggle, and opening a bucket in Browse.

use super::browse;
use crate::effect::Effect;
use crate::event::RequestId;
use crate::keymap::Action;
use crate::state::State;
use crate::state::browse::SortKey;
use chrono::{DateTime, Utc};
use s3scope_core::s3::error::S3Error;
use s3scope_core::scan::buckets::{BucketRow, Source};
use s3scope_core::units::Unit;

/// The table request, when the list is in and none is pending.
pub fn table_effect(state: &mut State) -> Vec<Effect> {
    if !state.buckets.wants_table() {
        return Vec::new();
    }
    let id = state.next_request();
    state.buckets.begin_table(id);
    vec![Effect::LoadBucketTable { id }]
}

pub fn on_table_loaded(
    state: &mut State,
    id: RequestId,
    result: Result<Vec<BucketRow>, S3Error>,
    source: Source,
    at: DateTime<Utc>,
) {
    if let Some(message) = state.buckets.finish_table(id, result, source, at) {
        state.status.error = Some(format!("bucket sizes: {message}"));
    }
    let page = state.page_rows();
    state.buckets.keep_visible(page);
}

/// Keys of the Buckets pane besides moving; None when the action is not one of them.
pub fn on_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let b = &mut state.buckets;
    match action {
        Action::SortSize => b.sort.press(SortKey::Size),
        Action::SortCount => b.sort.press(SortKey::Count),
        Action::SortName => b.sort.press(SortKey::Name),
        Action::SortNewest => b.sort.press(SortKey::Newest),
        Action::SortCost if b.prices.is_none() => {
            state.status.message = Some(browse::NO_PRICES.into());
            return Some(Vec::new());
        }
        Action::SortCost => b.sort.press(SortKey::Cost),
        Action::Classes => {
            b.class_offset += 1;
            return Some(Vec::new());
        }
        Action::Filter => {
            b.filter.begin();
            return Some(Vec::new());
        }
        Action::Units => {
            b.unit = next_unit(b.unit);
            return Some(Vec::new());
        }
        Action::Open => {
            let name = b.selected_bucket().map(|x| x.name.clone());
            return Some(name.map_or_else(Vec::new, |n| browse::open(state, &n, "")));
        }
        Action::Close if state.status.error.is_none() && b.filter.is_active() => {
            b.filter.clear();
        }
        _ => return None,
    }
    b.rebuild_view();
    let page = state.page_rows();
    state.buckets.keep_visible(page);
    Some(Vec::new())
}

fn next_unit(u: Unit) -> Unit {
    match u {
        Unit::Auto => Unit::B,
        Unit::B => Unit::KiB,
        Unit::KiB => Unit::MiB,
        Unit::MiB => Unit::GiB,
        Unit::GiB => Unit::TiB,
        Unit::TiB | Unit::Kb | Unit::Mb | Unit::Gb => Unit::Auto,
    }
}
