//! Growth between two scans of the same place: objects and bytes per prefix, biggest change first.

use super::tree::{NodeId, PrefixTree};
use serde::Serialize;
use std::collections::BTreeMap;

/// Objects and bytes of one prefix before and after.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffRow {
    /// Prefix relative to the scanned location (empty for the total).
    pub prefix: String,
    pub depth: usize,
    pub objects_before: u64,
    pub objects_after: u64,
    pub objects_delta: i64,
    pub bytes_before: u64,
    pub bytes_after: u64,
    pub bytes_delta: i64,
}

impl DiffRow {
    fn new(prefix: String, depth: usize, before: (u64, u64), after: (u64, u64)) -> Self {
        Self {
            prefix,
            depth,
            objects_before: before.0,
            objects_after: after.0,
            objects_delta: delta(before.0, after.0),
            bytes_before: before.1,
            bytes_after: after.1,
            bytes_delta: delta(before.1, after.1),
        }
    }

    /// Appeared since the old scan.
    pub fn is_new(&self) -> bool {
        self.objects_before == 0 && self.bytes_before == 0
    }

    /// Gone since the old scan.
    pub fn is_gone(&self) -> bool {
        self.objects_after == 0 && self.bytes_after == 0
    }
}

fn delta(before: u64, after: u64) -> i64 {
    let d = i128::from(after) - i128::from(before);
    i64::try_from(d).unwrap_or(if d < 0 { i64::MIN } else { i64::MAX })
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TreeDiff {
    pub total: DiffRow,
    /// Every prefix down to the depth that exists in either tree, sorted by absolute byte
    /// delta (largest first), then by absolute object delta, then by name.
    pub prefixes: Vec<DiffRow>,
}

/// (objects, bytes) of every prefix down to `depth`, keyed by path relative to the root.
fn sizes(tree: &PrefixTree, depth: usize) -> BTreeMap<String, (usize, u64, u64)> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<(NodeId, String, usize)> = vec![(0, String::new(), 0)];
    while let Some((id, path, d)) = stack.pop() {
        let node = tree.node(id);
        if d > 0 {
            out.insert(path.clone(), (d, node.total.objects(), node.total.bytes()));
        }
        if d < depth {
            for &c in &node.children {
                let name = &tree.node(c).name;
                stack.push((c, format!("{path}{name}"), d + 1));
            }
        }
    }
    out
}

/// Compares two trees prefix by prefix down to `depth` levels below their roots.
pub fn diff(old: &PrefixTree, new: &PrefixTree, depth: usize) -> TreeDiff {
    let before = sizes(old, depth);
    let after = sizes(new, depth);
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut prefixes: Vec<DiffRow> = keys
        .into_iter()
        .map(|k| {
            let b = before.get(k).copied();
            let a = after.get(k).copied();
            let d = b.or(a).map_or(1, |x| x.0);
            let pair = |x: Option<(usize, u64, u64)>| x.map_or((0, 0), |(_, o, s)| (o, s));
            DiffRow::new(k.clone(), d, pair(b), pair(a))
        })
        .collect();
    prefixes.sort_by(|x, y| {
        y.bytes_delta
            .unsigned_abs()
            .cmp(&x.bytes_delta.unsigned_abs())
            .then(
                y.objects_delta
                    .unsigned_abs()
                    .cmp(&x.objects_delta.unsigned_abs()),
            )
            .then_with(|| x.prefix.cmp(&y.prefix))
    });
    let root = |t: &PrefixTree| (t.node(0).total.objects(), t.node(0).total.bytes());
    TreeDiff {
        total: DiffRow::new(String::new(), 0, root(old), root(new)),
        prefixes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(objects: &[(&str, u64)]) -> PrefixTree {
        let mut t = PrefixTree::new("data/", '/');
        for (k, s) in objects {
            t.add(k, *s, "STANDARD", None);
        }
        t
    }

    #[test]
    fn growth_is_sorted_by_absolute_byte_delta() {
        let old = tree(&[
            ("data/a/1", 100),
            ("data/b/1", 50),
            ("data/b/2", 50),
            ("data/gone/x", 7),
        ]);
        let new = tree(&[
            ("data/a/1", 100),
            ("data/a/2", 10),
            ("data/b/1", 50),
            ("data/new/x", 300),
            ("data/new/y/z", 1),
        ]);
        let d = diff(&old, &new, 1);
        let order: Vec<(&str, i64)> = d
            .prefixes
            .iter()
            .map(|r| (r.prefix.as_str(), r.bytes_delta))
            .collect();
        assert_eq!(
            order,
            [("new/", 301), ("b/", -50), ("a/", 10), ("gone/", -7)]
        );
        assert!(d.prefixes[0].is_new());
        assert!(d.prefixes[3].is_gone());
        assert_eq!(d.prefixes[1].objects_delta, -1);
        assert_eq!(d.total.bytes_before, 207);
        assert_eq!(d.total.bytes_after, 461);
        assert_eq!(d.total.bytes_delta, 254);
        assert_eq!(d.total.objects_delta, 1);
    }

    #[test]
    fn depth_two_includes_nested_prefixes_and_unchanged_rows_last() {
        let old = tree(&[("data/a/x/1", 5), ("data/a/y/1", 5)]);
        let new = tree(&[("data/a/x/1", 5), ("data/a/y/1", 9)]);
        let d = diff(&old, &new, 2);
        let names: Vec<&str> = d.prefixes.iter().map(|r| r.prefix.as_str()).collect();
        assert_eq!(names, ["a/", "a/y/", "a/x/"]);
        assert_eq!(d.prefixes[1].depth, 2);
        assert_eq!(d.prefixes[2].bytes_delta, 0);
        assert_eq!(diff(&old, &old, 3).total.bytes_delta, 0);
    }

    #[test]
    fn deltas_saturate_instead_of_wrapping() {
        assert_eq!(delta(u64::MAX, 0), i64::MIN);
        assert_eq!(delta(0, u64::MAX), i64::MAX);
    }
}
