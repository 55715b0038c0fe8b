//! A scan tree as a report: totals, storage classes, and prefixes down to a depth (du output).

use super::tree::{Aggregate, Hidden, NodeId, PrefixTree};
use crate::prices::{Cost, Prices, round_usd};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// The one order of storage-class columns everywhere (CLI tables, TUI panes, the analyser
/// format): AWS's classes from hot to cold, then any other class alphabetically.
pub const CLASS_ORDER: [&str; 7] = [
    "STANDARD",
    "INTELLIGENT_TIERING",
    "STANDARD_IA",
    "ONEZONE_IA",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
];

/// Sort key of a storage class in [`CLASS_ORDER`] (others after, alphabetically).
pub fn class_rank(class: &str) -> (usize, &str) {
    let i = CLASS_ORDER
        .iter()
        .position(|c| *c == class)
        .unwrap_or(CLASS_ORDER.len());
    (i, class)
}

/// `classes` sorted in the one class order, duplicates removed.
pub fn ordered_classes<'a>(classes: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = classes.into_iter().collect();
    v.sort_by(|a, b| class_rank(a).cmp(&class_rank(b)));
    v.dedup();
    v
}

/// Count and bytes of one storage class in a report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClassTotal {
    pub objects: u64,
    pub bytes: u64,
}

/// One prefix of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrefixEntry {
    pub prefix: String,
    pub depth: usize,
    pub objects: u64,
    pub bytes: u64,
    pub storage_classes: BTreeMap<String, ClassTotal>,
    pub oldest: Option<DateTime<Utc>>,
    pub newest: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<HiddenCosts>,
    /// Monthly cost (with prices only; see [`DuReport::price`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
}

/// Hidden costs of a prefix, present in the report when the scan asked for them.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HiddenCosts {
    pub noncurrent_versions: u64,
    pub noncurrent_bytes: u64,
    pub delete_markers: u64,
    pub incomplete_uploads: u64,
    pub incomplete_upload_bytes: u64,
}

impl From<Hidden> for HiddenCosts {
    fn from(h: Hidden) -> Self {
        Self {
            noncurrent_versions: h.noncurrent.objects,
            noncurrent_bytes: h.noncurrent.bytes,
            delete_markers: h.delete_markers,
            incomplete_uploads: h.uploads.objects,
            incomplete_upload_bytes: h.uploads.bytes,
        }
    }
}

/// The whole `du --format json` document. Field order and names are stable (README).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DuReport {
    pub bucket: String,
    pub prefix: String,
    pub objects: u64,
    pub bytes: u64,
    pub storage_classes: BTreeMap<String, ClassTotal>,
    pub oldest: Option<DateTime<Utc>>,
    pub newest: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<HiddenCosts>,
    pub list_calls: u64,
    /// What the scan's LIST calls cost (with prices only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list_cost_usd: Option<f64>,
    /// Monthly cost of the whole location (with prices only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
    pub elapsed_secs: f64,
    /// Present when the tree came from an S3 Inventory report instead of a listing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventorySource>,
    pub prefixes: Vec<PrefixEntry>,
}

fn cost_of(
    p: &Prices,
    classes: &BTreeMap<String, ClassTotal>,
    hidden: &Option<HiddenCosts>,
) -> Cost {
    p.cost(
        classes.iter().map(|(c, t)| (c.as_str(), t.bytes)),
        hidden.as_ref().map(|h| h.noncurrent_bytes),
        hidden.as_ref().map(|h| h.incomplete_upload_bytes),
    )
}

impl DuReport {
    /// Fills the monthly cost of the location and of every prefix (noncurrent versions and
    /// incomplete uploads included when the scan counted them) and the cost of its LIST calls.
    pub fn price(&mut self, p: &Prices) {
        self.cost = Some(cost_of(p, &self.storage_classes, &self.hidden));
        self.list_cost_usd = Some(round_usd(p.list_cost(self.list_calls)));
        for e in &mut self.prefixes {
            e.cost = Some(cost_of(p, &e.storage_classes, &e.hidden));
        }
    }
}

/// Which inventory report a tree was read from.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InventorySource {
    /// `s3://DEST/.../manifest.json`.
    pub manifest: String,
    /// The report's creationTimestamp: the tree is the bucket as of then.
    pub as_of: DateTime<Utc>,
    pub format: String,
    pub data_files: u64,
    pub rows: u64,
    /// Reasons to doubt the report is current (objects newer than it, its age).
    pub warnings: Vec<String>,
}

fn classes(tree: &PrefixTree, agg: &Aggregate) -> BTreeMap<String, ClassTotal> {
    agg.classes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.objects > 0)
        .map(|(i, c)| {
            (
                tree.classes
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| "OTHER".into()),
                ClassTotal {
                    objects: c.objects,
                    bytes: c.bytes,
                },
            )
        })
        .collect()
}

fn time(t: Option<i64>) -> Option<DateTime<Utc>> {
    t.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
}

/// Builds the report; prefixes down to `depth` levels below the root, biggest first per level.
pub fn du_report(
    tree: &PrefixTree,
    bucket: &str,
    depth: usize,
    with_hidden: bool,
    list_calls: u64,
    elapsed_secs: f64,
) -> DuReport {
    let hidden = |h: Hidden| with_hidden.then(|| HiddenCosts::from(h));
    let root = tree.node(0);
    let mut prefixes = Vec::new();
    let mut stack: Vec<(NodeId, usize)> = vec![(0, 0)];
    while let Some((id, d)) = stack.pop() {
        if d > 0 {
            let n = tree.node(id);
            prefixes.push(PrefixEntry {
                prefix: tree.path(id),
                depth: d,
                objects: n.total.objects(),
                bytes: n.total.bytes(),
                storage_classes: classes(tree, &n.total),
                oldest: time(n.total.oldest),
                newest: time(n.total.newest),
                hidden: hidden(n.hidden),
                cost: None,
            });
        }
        if d < depth {
            let mut kids = tree.node(id).children.clone();
            // Pushed in reverse so that the biggest child is listed first.
            kids.sort_by_key(|&c| std::cmp::Reverse(tree.node(c).total.bytes()));
            stack.extend(kids.into_iter().rev().map(|c| (c, d + 1)));
        }
    }
    DuReport {
        bucket: bucket.to_string(),
        prefix: tree.root_prefix.clone(),
        objects: root.total.objects(),
        bytes: root.total.bytes(),
        storage_classes: classes(tree, &root.total),
        oldest: time(root.total.oldest),
        newest: time(root.total.newest),
        hidden: hidden(root.hidden),
        list_calls,
        list_cost_usd: None,
        cost: None,
        elapsed_secs,
        inventory: None,
        prefixes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_orders_by_size_within_depth() {
        let mut t = PrefixTree::new("", '/');
        t.add("small/a", 1, "STANDARD", Some(0));
        t.add("big/a", 100, "GLACIER", Some(10));
        t.add("big/sub/b", 50, "STANDARD", Some(20));
        let r = du_report(&t, "b", 2, false, 3, 0.5);
        let names: Vec<&str> = r.prefixes.iter().map(|p| p.prefix.as_str()).collect();
        assert_eq!(names, ["big/", "big/sub/", "small/"]);
        assert_eq!(r.bytes, 151);
        assert_eq!(r.storage_classes["GLACIER"].bytes, 100);
        assert_eq!(du_report(&t, "b", 1, false, 3, 0.5).prefixes.len(), 2);
    }

    #[test]
    fn priced_report_by_prefix_and_class() {
        const GIB: u64 = 1 << 30;
        let mut t = PrefixTree::new("", '/');
        t.add("hot/a", 10 * GIB, "STANDARD", Some(0));
        t.add("cold/a", 100 * GIB, "GLACIER", Some(0));
        let mut r = du_report(&t, "b", 1, false, 2000, 0.5);
        r.price(&Prices::aws_defaults());
        // 10 GiB * 0.023 = 0.23; 100 GiB * 0.0036 = 0.36; 2,000 LIST calls = $0.01.
        assert_eq!(r.cost.as_ref().unwrap().monthly_usd, 0.59);
        assert_eq!(r.list_cost_usd, Some(0.01));
        let cold = r.prefixes.iter().find(|p| p.prefix == "cold/").unwrap();
        assert_eq!(cold.cost.as_ref().unwrap().storage_classes["GLACIER"], 0.36);
    }

    #[test]
    fn one_class_order() {
        let got = ordered_classes(["ZZ", "GLACIER", "STANDARD", "AA", "STANDARD_IA", "GLACIER"]);
        assert_eq!(got, ["STANDARD", "STANDARD_IA", "GLACIER", "AA", "ZZ"]);
    }
}
