//! The rows of one prefix, copied out of the tree: child prefixes plus a row for the objects
//! directly in it, with per-class bytes, newest modification and hidden costs; filtered and sorted.

use super::{Sort, SortKey, Totals};
use crate::state::filter::Matcher;
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

/// A storage class present under the prefix on screen, biggest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassColumn {
    pub name: String,
    pub bytes: u64,
    /// Index of the class in the tree.
    id: usize,
}

/// One row of the prefix list.
#[derive(Debug, Clone, PartialEq, Eq)]
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

fn row(kind: RowKind, name: &str, agg: &Aggregate, hidden: Hidden, cols: &[ClassColumn]) -> Row {
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
    }
}

/// Copies the rows of `cwd` out of `tree`.
pub fn build(tree: &PrefixTree, cwd: &str, sort: Sort, filter: &Matcher) -> Built {
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
    classes.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    let mut rows = Vec::with_capacity(node.children.len() + 1);
    let mut unfiltered = 0;
    for &c in &node.children {
        let child = tree.node(c);
        unfiltered += 1;
        if filter.matches(&child.name) {
            rows.push(row(
                RowKind::Prefix,
                &child.name,
                &child.total,
                child.hidden,
                &classes,
            ));
        }
    }
    if node.own.objects() > 0 {
        unfiltered += 1;
        if filter.matches(FILES_ROW) {
            // Hidden costs are kept per prefix, not for the objects directly in it.
            rows.push(row(
                RowKind::Files,
                FILES_ROW,
                &node.own,
                Hidden::default(),
                &classes,
            ));
        }
    }
    sort_rows(&mut rows, sort);
    Built {
        cwd,
        found: true,
        totals: Totals {
            objects: node.total.objects(),
            bytes: node.total.bytes(),
            newest: node.total.newest,
            hidden: node.hidden,
        },
        classes,
        rows,
        unfiltered,
    }
}

/// Orders by `sort`: size, count and newest biggest/latest first, name A→Z; ties by name.
pub fn compare(
    sort: Sort,
    a: (&str, u64, u64, Option<i64>),
    b: (&str, u64, u64, Option<i64>),
) -> Ordering {
    let (an, ao, ab, at) = a;
    let (bn, bo, bb, bt) = b;
    let primary = match sort.key {
        SortKey::Size => bb.cmp(&ab),
        SortKey::Count => bo.cmp(&ao),
        SortKey::Newest => bt.cmp(&at),
        SortKey::Name => Ordering::Equal,
    };
    let ord = primary.then_with(|| an.cmp(bn));
    if sort.reverse { ord.reverse() } else { ord }
}

fn sort_rows(rows: &mut [Row], sort: Sort) {
    rows.sort_by(|a, b| {
        compare(
            sort,
            (&a.name, a.objects, a.bytes, a.newest),
            (&b.name, b.objects, b.bytes, b.newest),
        )
    });
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

    fn names(b: &Built) -> Vec<&str> {
        b.rows.iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn rows_sort_by_every_key() {
        let t = tree();
        let all = Filter::default().matcher();
        let by = |key, reverse| build(&t, "", Sort { key, reverse }, &all);
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
    fn a_missing_prefix_is_reported_not_invented() {
        let t = tree();
        let b = build(&t, "gone/", Sort::default(), &Filter::default().matcher());
        assert!(!b.found && b.rows.is_empty());
        let b = build(&t, "big/", Sort::default(), &Filter::default().matcher());
        assert_eq!((b.cwd.as_str(), b.rows.len()), ("big/", 1));
        assert_eq!(b.rows[0].kind, RowKind::Files);
    }
}
