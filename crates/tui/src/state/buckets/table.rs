//! The bucket table in the Buckets pane: its load state, the visible order (filter and sort),
//! and the totals of the visible rows.

use super::BucketsState;
use crate::event::RequestId;
use crate::state::browse::{Estimate, SortKey};
use chrono::{DateTime, Utc};
use s3scope_core::prices::Prices;
use s3scope_core::s3::error::S3Error;
use s3scope_core::scan::buckets::{BucketRow, Source};
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// Where the bucket table stands.
#[derive(Debug, Clone, PartialEq)]
pub enum TableLoad {
    Idle,
    /// The table is being computed with `source` (what `auto` resolves to is known only after).
    Loading,
    Loaded {
        source: Source,
        at: DateTime<Utc>,
    },
    Failed(String),
}

/// Sums of the visible rows. `complete` is false when some row has no numbers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub buckets: usize,
    pub objects: u64,
    pub bytes: u64,
    pub classes: BTreeMap<String, u64>,
    pub complete: bool,
    /// USD per month of the rows with numbers (with prices only).
    pub cost: Option<f64>,
}

impl BucketsState {
    /// A table request is on its way; older answers will be dropped.
    pub fn begin_table(&mut self, id: RequestId) {
        self.table_request = Some(id);
        self.table_load = TableLoad::Loading;
    }

    /// Whether the table should be (re)requested: a list is in and no request is pending.
    pub fn wants_table(&self) -> bool {
        !self.buckets.is_empty() && self.table_request.is_none()
    }

    /// Takes a table. Returns the error message of a failed table; None otherwise (also stale).
    pub fn finish_table(
        &mut self,
        id: RequestId,
        result: Result<Vec<BucketRow>, S3Error>,
        source: Source,
        at: DateTime<Utc>,
    ) -> Option<String> {
        if self.table_request != Some(id) {
            return None;
        }
        let keep = self.selected_bucket().map(|b| b.name.clone());
        match result {
            Ok(rows) => {
                self.table = rows.into_iter().map(|r| (r.bucket.clone(), r)).collect();
                self.table_load = TableLoad::Loaded { source, at };
                self.rebuild_view();
                if let Some(i) = keep.and_then(|n| self.position(&n)) {
                    self.selected = i;
                }
                None
            }
            Err(e) => {
                let message = e.to_string();
                self.table_load = TableLoad::Failed(message.clone());
                Some(message)
            }
        }
    }

    /// The table row of a bucket, once the table is in.
    pub fn row(&self, name: &str) -> Option<&BucketRow> {
        self.table.get(name)
    }

    /// Position of a bucket in the visible order.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.view.iter().position(|&i| self.buckets[i].name == name)
    }

    /// Re-applies the filter and sort to `view`, keeping the selected bucket when still shown.
    pub fn rebuild_view(&mut self) {
        let keep = self.selected_bucket().map(|b| b.name.clone());
        let matcher = self.filter.matcher();
        let mut view: Vec<usize> = (0..self.buckets.len())
            .filter(|&i| matcher.matches(&self.buckets[i].name))
            .collect();
        let sort = self.sort;
        let cost = |i: usize| {
            let row = self.table.get(&self.buckets[i].name)?;
            row_cost(row, self.prices.as_ref())
        };
        let key = |i: usize| {
            let b = &self.buckets[i];
            let row = self.table.get(&b.name);
            (
                b.name.as_str(),
                row.and_then(|r| r.objects),
                row.and_then(|r| r.bytes),
                b.created,
            )
        };
        view.sort_by(|&a, &b| {
            let (an, ao, ab, ac) = key(a);
            let (bn, bo, bb, bc) = key(b);
            if sort.key == SortKey::Cost {
                return match (cost(a), cost(b)) {
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (x, y) => {
                        let (x, y) = (x.unwrap_or(0.0), y.unwrap_or(0.0));
                        let o = y.total_cmp(&x).then_with(|| an.cmp(bn));
                        if sort.reverse { o.reverse() } else { o }
                    }
                };
            }
            let (x, y) = match sort.key {
                SortKey::Size => (ab, bb),
                SortKey::Count => (ao, bo),
                SortKey::Newest => (ac.map(ts), bc.map(ts)),
                SortKey::Name | SortKey::Cost => (Some(0), Some(0)),
            };
            // Unknown numbers go last whatever the direction; ties by name.
            match (x, y) {
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                _ => {
                    let o = y.cmp(&x).then_with(|| an.cmp(bn));
                    let o = if sort.key == SortKey::Name {
                        an.cmp(bn)
                    } else {
                        o
                    };
                    if sort.reverse { o.reverse() } else { o }
                }
            }
        });
        self.view = view;
        self.selected = keep
            .and_then(|n| self.position(&n))
            .unwrap_or(self.selected)
            .min(self.view.len().saturating_sub(1));
        self.offset = self.offset.min(self.selected);
    }

    /// Totals of the visible rows.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            complete: true,
            cost: self.prices.as_ref().map(|_| 0.0),
            ..Totals::default()
        };
        for &i in &self.view {
            t.buckets += 1;
            match self.table.get(&self.buckets[i].name) {
                Some(r) if r.error.is_none() && r.bytes.is_some() => {
                    t.objects += r.objects.unwrap_or(0);
                    t.bytes += r.bytes.unwrap_or(0);
                    t.complete &= r.objects.is_some();
                    for (class, c) in &r.storage_classes {
                        *t.classes.entry(class.clone()).or_default() += c.bytes;
                    }
                    if let Some(c) = row_cost(r, self.prices.as_ref()) {
                        *t.cost.get_or_insert(0.0) += c;
                    }
                }
                _ => t.complete = false,
            }
        }
        t
    }

    /// The LIST calls a scan of `bucket` would cost, when the table knows its object count.
    pub fn estimate(&self, bucket: &str) -> Option<Estimate> {
        let row = self.table.get(bucket)?;
        let objects = row.objects?;
        Some(Estimate {
            objects,
            list_calls: s3scope_core::scan::job::estimate_list_calls(objects, 1),
            source: row.source,
            as_of: row.as_of,
        })
    }
}

/// USD per month of a bucket: bytes per class, plus incomplete uploads when the source knows
/// them (priced as the CLI's `buckets` does); None without prices or numbers.
pub fn row_cost(r: &BucketRow, prices: Option<&Prices>) -> Option<f64> {
    let p = prices?;
    if r.error.is_some() {
        return None;
    }
    r.bytes?;
    let classes = r.storage_classes.iter().map(|(c, t)| (c.as_str(), t.bytes));
    Some(p.cost(classes, None, r.multipart_bytes).monthly_usd)
}

/// Creation time as a sortable number (newest sorts first like the biggest size).
fn ts(t: DateTime<Utc>) -> u64 {
    u64::try_from(t.timestamp()).unwrap_or(0)
}
