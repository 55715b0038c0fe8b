//! Buckets pane state: the ListBuckets result, regions merged in as they resolve, the bucket
//! table (objects, bytes per class) merged in when it arrives, sort, filter, unit, selection.

mod table; // the bucket table's load state, the visible order, totals

pub use table::{TableLoad, Totals, row_cost};

use super::browse::Sort;
use super::filter::Filter;
use crate::event::RequestId;
use chrono::{DateTime, Utc};
use s3scope_core::prices::Prices;
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::s3::error::S3Error;
use s3scope_core::scan::buckets::BucketRow;
use s3scope_core::units::Unit;
use std::collections::BTreeMap;

/// Where the bucket list stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Nothing asked yet.
    Idle,
    /// ListBuckets is running (a previous list, if any, stays visible).
    Loading,
    /// The list is here.
    Loaded,
    /// ListBuckets failed; the message is the S3Error's.
    Failed(String),
}

/// The Buckets pane.
#[derive(Debug, Clone)]
pub struct BucketsState {
    pub load: Load,
    pub buckets: Vec<BucketInfo>,
    /// Buckets whose region lookup failed, with the reason.
    pub region_errors: BTreeMap<String, String>,
    /// Region lookups still outstanding.
    pub regions_pending: usize,
    /// Index into `view`.
    pub selected: usize,
    /// First visible row.
    pub offset: usize,
    /// When the list was fetched.
    pub as_of: Option<DateTime<Utc>>,
    /// Rows of the bucket table by bucket name.
    pub table: BTreeMap<String, BucketRow>,
    pub table_load: TableLoad,
    pub sort: Sort,
    pub filter: Filter,
    pub unit: Unit,
    /// Indices into `buckets`: the rows shown, filtered and sorted.
    pub view: Vec<usize>,
    /// What storage costs for this profile; None: no Cost/mo column.
    pub prices: Option<Prices>,
    /// Presses of the classes key: which class columns show when not all fit.
    pub class_offset: usize,
    list_request: Option<RequestId>,
    regions_request: Option<RequestId>,
    table_request: Option<RequestId>,
}

impl Default for BucketsState {
    fn default() -> Self {
        Self {
            load: Load::Idle,
            buckets: Vec::new(),
            region_errors: BTreeMap::new(),
            regions_pending: 0,
            selected: 0,
            offset: 0,
            as_of: None,
            table: BTreeMap::new(),
            table_load: TableLoad::Idle,
            sort: Sort::default(),
            filter: Filter::default(),
            unit: Unit::Auto,
            view: Vec::new(),
            prices: None,
            class_offset: 0,
            list_request: None,
            regions_request: None,
            table_request: None,
        }
    }
}

/// What to do after a list arrived.
#[derive(Debug, PartialEq)]
pub enum Loaded {
    /// The id was not the awaited one: nothing changed.
    Stale,
    /// The list failed: the message for the status bar.
    Failed(String),
    /// The list is in; these buckets still need their region.
    Ok { unresolved: Vec<BucketInfo> },
}

impl BucketsState {
    /// A new ListBuckets is on its way; results of older requests will be dropped.
    pub fn begin_load(&mut self, id: RequestId) {
        self.load = Load::Loading;
        self.list_request = Some(id);
        self.regions_request = None;
        self.regions_pending = 0;
        // A table of the old list is stale; the new list asks for its own.
        self.table_request = None;
        if self.table_load == TableLoad::Loading {
            self.table_load = TableLoad::Idle;
        }
    }

    pub fn is_loading(&self) -> bool {
        self.load == Load::Loading
    }

    /// Takes a ListBuckets result.
    pub fn finish_load(
        &mut self,
        id: RequestId,
        result: Result<Vec<BucketInfo>, S3Error>,
        at: DateTime<Utc>,
    ) -> Loaded {
        if self.list_request != Some(id) {
            return Loaded::Stale;
        }
        self.list_request = None;
        match result {
            Err(e) => {
                let message = e.to_string();
                self.load = Load::Failed(message.clone());
                Loaded::Failed(message)
            }
            Ok(list) => {
                let keep = self.selected_bucket().map(|b| b.name.clone());
                self.buckets = list;
                self.region_errors.clear();
                self.as_of = Some(at);
                self.load = Load::Loaded;
                self.rebuild_view();
                self.selected = keep.and_then(|name| self.position(&name)).unwrap_or(0);
                self.offset = self.offset.min(self.selected);
                let unresolved: Vec<BucketInfo> = self
                    .buckets
                    .iter()
                    .filter(|b| b.region.is_none())
                    .cloned()
                    .collect();
                Loaded::Ok { unresolved }
            }
        }
    }

    /// Region lookups for `count` buckets are on their way under `id`.
    pub fn begin_regions(&mut self, id: RequestId, count: usize) {
        self.regions_request = Some(id);
        self.regions_pending = count;
    }

    /// Merges a batch of resolved regions by bucket name. False when the id is stale.
    pub fn merge_regions(
        &mut self,
        id: RequestId,
        resolved: &[BucketInfo],
        failures: &[(String, S3Error)],
    ) -> bool {
        if self.regions_request != Some(id) {
            return false;
        }
        for r in resolved {
            if let Some(b) = self.buckets.iter_mut().find(|b| b.name == r.name) {
                b.region.clone_from(&r.region);
            }
        }
        for (name, e) in failures {
            self.region_errors.insert(name.clone(), e.to_string());
        }
        self.regions_pending = self
            .regions_pending
            .saturating_sub(resolved.len() + failures.len());
        if self.regions_pending == 0 {
            self.regions_request = None;
        }
        true
    }

    /// Buckets whose region is known.
    pub fn regions_known(&self) -> usize {
        self.buckets.iter().filter(|b| b.region.is_some()).count()
    }

    pub fn selected_bucket(&self) -> Option<&BucketInfo> {
        self.buckets.get(*self.view.get(self.selected)?)
    }

    /// Moves the selection by `delta` rows, keeping it visible in `page` rows.
    pub fn move_by(&mut self, delta: isize, page: usize) {
        if self.view.is_empty() {
            return;
        }
        let last = self.view.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
        self.keep_visible(page);
    }

    pub fn select_first(&mut self, page: usize) {
        self.selected = 0;
        self.keep_visible(page);
    }

    pub fn select_last(&mut self, page: usize) {
        self.selected = self.view.len().saturating_sub(1);
        self.keep_visible(page);
    }

    pub(crate) fn keep_visible(&mut self, page: usize) {
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(name: &str) -> BucketInfo {
        BucketInfo {
            name: name.into(),
            region: None,
            created: None,
        }
    }

    #[test]
    fn selection_stays_in_range_and_visible() {
        let mut s = BucketsState {
            buckets: (0..10).map(|i| bucket(&format!("b{i}"))).collect(),
            ..Default::default()
        };
        s.rebuild_view();
        s.move_by(-1, 3);
        assert_eq!((s.selected, s.offset), (0, 0));
        s.move_by(4, 3);
        assert_eq!((s.selected, s.offset), (4, 2));
        s.select_last(3);
        assert_eq!((s.selected, s.offset), (9, 7));
        s.move_by(100, 3);
        assert_eq!(s.selected, 9);
        s.select_first(3);
        assert_eq!((s.selected, s.offset), (0, 0));
    }

    #[test]
    fn reload_keeps_the_selected_bucket() {
        let mut s = BucketsState::default();
        s.begin_load(RequestId(1));
        let list = vec![bucket("a"), bucket("b"), bucket("c")];
        s.finish_load(RequestId(1), Ok(list), DateTime::<Utc>::MIN_UTC);
        s.move_by(2, 10);
        s.begin_load(RequestId(2));
        s.finish_load(
            RequestId(2),
            Ok(vec![bucket("c"), bucket("d")]),
            DateTime::<Utc>::MIN_UTC,
        );
        assert_eq!(s.selected_bucket().map(|b| b.name.as_str()), Some("c"));
    }
}
