//! The rows of one prefix, copied out of the tree: child prefixes plus a row for the objects
//! directly in it, with per-class bytes, newest modification, hidden costs and monthly cost;
//! filtered and sorted.

use super::{Sort, SortKey, Totals};
use crate::state::filter::Matcher;
use s3scope_core::prices::Prices;
use s3scope_core::scan::report::class_rank;
use s3scope_core::scan::tree::{Aggregate, Hidden, NodeId, PrefixTree};
use std::cmp::Ordering;

/// The name of the row that stands for the objects directly in a prefix.
pub const FILES_ROW: &str = "(files)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A child prefix; Enter drills in.
    Prefix,
    /// The objects directly in the prefix; Enter lists them.
    Files,
}

/// A storage class present under the prefix on screen, in the one class order of the core
/// ([`s3scope_core::scan::report::CLASS_ORDER`]), so that columns never swap places.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassColumn {
    pub name: String,
    pub bytes: u64,
    /// Index of the class in the tree.
    id: usize,
}

/// One row of the prefix list.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub kind: RowKind,
    /// The segment after the current prefix (untrusted: escape before drawing).
    pub name: String,
    pub objects: u64,
    pub bytes: u64,
    /// Bytes per class column, in the order of the columns.
    pub classes: Vec<u64>,
    pub newest: Option<i64>,
    pub hidden: Hidden,
    /// USD per month (with prices only): its classes, plus its hidden costs when shown.
    pub cost: Option<f64>,
}

/// How the rows are wanted: order, filter, and what prices them.
#[derive(Clone, Copy)]
pub struct Want<'a> {
    pub sort: Sort,
    pub filter: &'a Matcher,
    pub prices: Option<&'a Prices>,
    /// Noncurrent versions and incomplete uploads count in the cost (the hidden-cost view).
    pub hidden: bool,
}

/// What a rebuild produced.
pub struct Built {
    /// The prefix shown.
    pub cwd: String,
    /// The prefix exists in the tree (a running scan may not have reached it yet).
    pub found: bool,
    pub totals: Totals,
    pub classes: Vec<ClassColumn>,
    pub rows: Vec<Row>,
    pub unfiltered: usize,
}

/// The monthly cost of an aggregate (and of its hidden costs when `with_hidden`).
pub fn cost_of(
    tree: &PrefixTree,
    agg: &Aggregate,
    hidden: &Hidden,
    prices: &Prices,
    with_hidden: bool,
) -> f64 {
    let classes = agg.classes.iter().enumerate().map(|(i, c)| {
        let name = tree.classes.get(i).map_or("STANDARD", String::as_str);
        (name, c.bytes)
    });
    let (noncurrent, uploads) = if with_hidden {
        (Some(hidden.noncurrent.bytes), Some(hidden.uploads.bytes))
    } else {
        (None, None)
    };
    prices.cost(classes, noncurrent, uploads).monthly_usd
}

fn row(
    tree: &PrefixTree,
    kind: RowKind,
    name: &str,
    agg: &Aggregate,
    hidden: Hidden,
    cols: &[ClassColumn],
    want: Want<'_>,
) -> Row {
    Row {
        kind,
        name: name.to_string(),
        objects: agg.objects(),
        bytes: agg.bytes(),
        classes: cols
            .iter()
            .map(|c| agg.classes.get(c.id).map_or(0, |s| s.bytes))
            .collect(),
        newest: agg.newest,
        hidden,
        cost: want
            .prices
            .map(|p| cost_of(tree, agg, &hidden, p, want.hidden)),
    }
}

/// Copies the rows of `cwd` out of `tree`.
pub fn build(tree: &PrefixTree, cwd: &str, want: Want<'_>) -> Built {
    let (id, cwd): (NodeId, String) = match tree.find(cwd) {
        Some(id) => (id, cwd.to_string()),
        None => {
            return Built {
                cwd: cwd.to_string(),
                found: false,
                totals: Totals::default(),
                classes: Vec::new(),
                rows: Vec::new(),
                unfiltered: 0,
            };
        }
    };
    let node = tree.node(id);
    let mut classes: Vec<ClassColumn> = node
        .total
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.objects > 0)
        .map(|(i, c)| ClassColumn {
            name: tree
                .classes
                .get(i)
                .cloned()
                .unwrap_or_else(|| "OTHER".into()),
            bytes: c.bytes,
            id: i,
        })
        .collect();
    classes.sort_by(|a, b| class_rank(&a.name).cmp(&class_rank(&b.name)));
    let mut rows = Vec::with_capacity(node.children.len() + 1);
    let mut unfiltered = 0;
    for &c in &node.children {
        let child = tree.node(c);
        unfiltered += 1;
        if want.filter.matches(&child.name) {
            rows.push(row(
                tree,
                RowKind::Prefix,
                &child.name,
                &child.total,
                child.hidden,
                &classes,
                want,
            ));
        }
    }
    if node.own.objects() > 0 {
        unfiltered += 1;
        if want.filter.matches(FILES_ROW) {
            // Hidden costs are kept per prefix, not for the objects directly in it.
            rows.push(row(
                tree,
                RowKind::Files,
                FILES_ROW,
                &node.own,
                Hidden::default(),
                &classes,
                want,
            ));
        }
    }
    sort_rows(&mut rows, want.sort);
    let cost = |with_hidden| {
        want.prices
            .map(|p| cost_of(tree, &node.total, &node.hidden, p, with_hidden))
    };
    Built {
        cwd,
        found: true,
        totals: Totals {
            objects: node.total.objects(),
            bytes: node.total.bytes(),
            newest: node.total.newest,
            hidden: node.hidden,
            cost: cost(want.hidden),
            hidden_cost: cost(true)
                .zip(cost(false))
                .map(|(all, seen)| (all - seen).max(0.0)),
        },
        classes,
        rows,
        unfiltered,
    }
}

/// What rows and files are ordered by.
#[derive(Debug, Clone, Copy)]
pub struct Keys<'a> {
    pub name: &'a str,
    pub objects: u64,
    pub bytes: u64,
    pub newest: Option<i64>,
    /// USD per month; 0 without prices.
    pub cost: f64,
}

/// Orders by `sort`: size, count, newest and cost biggest/latest first, name A→Z; ties by name.
pub fn compare(sort: Sort, a: Keys<'_>, b: Keys<'_>) -> Ordering {
    let primary = match sort.key {
        SortKey::Size => b.bytes.cmp(&a.bytes),
        SortKey::Count => b.objects.cmp(&a.objects),
        SortKey::Newest => b.newest.cmp(&a.newest),
        SortKey::Cost => b.cost.total_cmp(&a.cost),
        SortKey::Name => Ordering::Equal,
    };
    let ord = primary.then_with(|| a.name.cmp(b.name));
    if sort.reverse { ord.reverse() } else { ord }
}

impl Row {
    fn keys(&self) -> Keys<'_> {
        Keys {
            name: &self.name,
            objects: self.objects,
            bytes: self.bytes,
            newest: self.newest,
            cost: self.cost.unwrap_or(0.0),
        }
    }
}

fn sort_rows(rows: &mut [Row], sort: Sort) {
    rows.sort_by(|a, b| compare(sort, a.keys(), b.keys()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::filter::Filter;

    fn tree() -> PrefixTree {
        let mut t = PrefixTree::new("", '/');
        t.add("big/a", 100, "STANDARD", Some(10));
        t.add("big/b", 50, "GLACIER", Some(20));
        t.add("many/1", 1, "STANDARD", Some(30));
        t.add("many/2", 1, "STANDARD", Some(30));
        t.add("many/3", 1, "STANDARD", Some(30));
        t.add("top.txt", 7, "STANDARD", Some(5));
        t
    }

    fn want(sort: Sort, filter: &Matcher) -> Want<'_> {
        Want {
            sort,
            filter,
            prices: None,
            hidden: false,
        }
    }

    fn names(b: &Built) -> Vec<&str> {
        b.rows.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn rows_sort_by_every_key() {
        let t = tree();
        let all = Filter::default().matcher();
        let by = |key, reverse| build(&t, "", want(Sort { key, reverse }, &all));
        assert_eq!(
            names(&by(SortKey::Size, false)),
            ["big/", FILES_ROW, "many/"]
        );
        assert_eq!(
            names(&by(SortKey::Size, true)),
            ["many/", FILES_ROW, "big/"]
        );
        assert_eq!(
            names(&by(SortKey::Count, false)),
            ["many/", "big/", FILES_ROW]
        );
        assert_eq!(
            names(&by(SortKey::Name, false)),
            [FILES_ROW, "big/", "many/"]
        );
        assert_eq!(
            names(&by(SortKey::Newest, false)),
            ["many/", "big/", FILES_ROW]
        );
        let b = by(SortKey::Size, false);
        assert_eq!(b.totals.bytes, 160);
        let cols: Vec<&str> = b.classes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cols, ["STANDARD", "GLACIER"]);
        assert_eq!(b.rows[0].classes, [100, 50]);
    }

    #[test]
    fn classes_keep_the_core_order_at_every_level() {
        // GLACIER holds more bytes than STANDARD under cold/, yet comes after it.
        let mut t = PrefixTree::new("", '/');
        t.add("cold/a", 1000, "GLACIER", None);
        t.add("cold/b", 10, "STANDARD", None);
        t.add("cold/c", 500, "STANDARD_IA", None);
        t.add("hot/a", 1000, "STANDARD", None);
        let all = Filter::default().matcher();
        for cwd in ["", "cold/"] {
            let b = build(&t, cwd, want(Sort::default(), &all));
            let cols: Vec<&str> = b.classes.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(cols, ["STANDARD", "STANDARD_IA", "GLACIER"], "{cwd}");
        }
    }

    #[test]
    fn rows_are_priced_by_class_and_sort_by_cost() {
        let gib = 1u64 << 30;
        let mut t = PrefixTree::new("", '/');
        // 10 GiB in GLACIER costs less than 2 GiB in STANDARD.
        t.add("cold/a", 10 * gib, "GLACIER", None);
        t.add("hot/a", 2 * gib, "STANDARD", None);
        t.add_upload("hot/big", gib);
        let p = Prices::aws_defaults();
        let all = Filter::default().matcher();
        let mut w = want(
            Sort {
                key: SortKey::Cost,
                reverse: false,
            },
            &all,
        );
        w.prices = Some(&p);
        let b = build(&t, "", w);
        assert_eq!(names(&b), ["hot/", "cold/"]);
        assert!((b.rows[0].cost.unwrap() - 0.046).abs() < 1e-9);
        assert!((b.rows[1].cost.unwrap() - 0.036).abs() < 1e-9);
        assert!((b.totals.hidden_cost.unwrap() - 0.023).abs() < 1e-9);
        // The hidden-cost view prices the incomplete upload in its prefix's row.
        w.hidden = true;
        let b = build(&t, "", w);
        assert!((b.rows[0].cost.unwrap() - 0.069).abs() < 1e-9);
        assert!((b.totals.cost.unwrap() - 0.105).abs() < 1e-9);
        // Without prices nothing is priced.
        let b = build(&t, "", want(Sort::default(), &all));
        assert!(b.rows.iter().all(|r| r.cost.is_none()) && b.totals.cost.is_none());
    }

    #[test]
    fn a_missing_prefix_is_reported_not_invented() {
        let t = tree();
        let all = Filter::default().matcher();
        let b = build(&t, "gone/", want(Sort::default(), &all));
        assert!(!b.found && b.rows.is_empty());
        let b = build(&t, "big/", want(Sort::default(), &all));
        assert_eq!((b.cwd.as_str(), b.rows.len()), ("big/", 1));
        assert_eq!(b.rows[0].kind, RowKind::Files);
    }
}
