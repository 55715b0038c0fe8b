//! First cuts of a scan from an earlier tree of the same location: prefix boundaries that
//! divide its objects into about equal parts, so every worker has a range from the first call.

use super::snapshot;
use super::tree::{NodeId, PrefixTree};

/// Ranges a scan starts with when an earlier tree is known: four per worker, so that the
/// ranges that turn out big still leave others to take.
pub fn parts_for(concurrency: usize) -> usize {
    concurrency.max(1) * 4
}

/// Hints and the object count from the newest cached snapshot of the location, if any (a
/// missing or unreadable cache is no hints: the scan then cuts from its first pages).
pub fn from_cache(
    profile: &str,
    bucket: &str,
    prefix: &str,
    parts: usize,
) -> (Vec<String>, Option<u64>) {
    let Ok(root) = snapshot::default_dir() else {
        return (Vec::new(), None);
    };
    let newest = snapshot::list_cached(&root, profile, bucket, prefix)
        .ok()
        .and_then(|found| found.into_iter().next());
    match newest.map(|f| snapshot::load(&f.path)) {
        Some(Ok(snap)) => (
            split_hints(&snap.tree, parts),
            Some(snap.tree.node(0).total.objects()),
        ),
        _ => (Vec::new(), None),
    }
}

/// Up to `parts - 1` prefix paths (full keys, in listing order) that cut the tree's objects
/// into about `parts` equal ranges. Empty for a tree too small to be worth cutting.
pub fn split_hints(tree: &PrefixTree, parts: usize) -> Vec<String> {
    let total = tree.node(0).total.objects();
    if parts < 2 || total < 2_000 {
        return Vec::new();
    }
    // A range costs at least one call and an overshoot page: keep ranges of ~2 pages or more.
    let parts = parts.min(usize::try_from(total / 2_000).unwrap_or(usize::MAX));
    if parts < 2 {
        return Vec::new();
    }
    let step = total.div_ceil(parts as u64).max(1);
    let mut out = Vec::new();
    let mut seen = 0u64;
    let mut next = step;
    walk(tree, 0, step, &mut seen, &mut next, &mut out);
    out.sort();
    out.dedup();
    out
}

/// Depth first in key order: a child that starts past the next threshold is a boundary; a
/// child bigger than one step is entered to find finer ones.
fn walk(
    tree: &PrefixTree,
    id: NodeId,
    step: u64,
    seen: &mut u64,
    next: &mut u64,
    out: &mut Vec<String>,
) {
    let node = tree.node(id);
    *seen += node.own.objects();
    let mut children: Vec<NodeId> = node.children.clone();
    children.sort_by(|a, b| tree.node(*a).name.cmp(&tree.node(*b).name));
    for c in children {
        let size = tree.node(c).total.objects();
        if *seen >= *next {
            out.push(tree.path(c));
            while *next <= *seen {
                *next += step;
            }
        }
        if size > step {
            walk(tree, c, step, seen, next, out);
        } else {
            *seen += size;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_divide_a_hive_tree_evenly() {
        let mut t = PrefixTree::new("", '/');
        for d in 1..=28 {
            for h in 0..24 {
                for p in 0..30 {
                    let key = format!("events/dt=2023-02-{d:02}/hour={h:02}/part-{p}");
                    t.add(&key, 1, "STANDARD", None);
                }
            }
        }
        let hints = split_hints(&t, 8);
        assert!((6..=8).contains(&hints.len()), "{hints:?}");
        assert!(hints.windows(2).all(|w| w[0] < w[1]));
        assert!(
            hints.iter().all(|h| h.starts_with("events/dt=2023-02-")),
            "{hints:?}"
        );
        assert!(split_hints(&PrefixTree::new("", '/'), 8).is_empty());
    }
}
