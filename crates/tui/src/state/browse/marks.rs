//! Rows marked for delete (`space`), their count and bytes for the status line, the delete
//! preview and its typed confirmation, and the tree updated from what a delete removed.

use super::SharedTree;
use crate::event::RequestId;
use s3scope_core::delete::{DeletePlan, DeleteReport, DeleteSet};
use s3scope_core::job::Snapshot;
use s3scope_core::scan::tree::{ClassStats, NodeId, PrefixTree};
use std::collections::BTreeMap;

/// What a mark stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkKind {
    /// Everything under a prefix (ends with the delimiter).
    Prefix,
    /// One object.
    Key,
}

/// One marked row, with its numbers as the tree had them when marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub kind: MarkKind,
    pub objects: u64,
    pub bytes: u64,
}

/// The marked set of one bucket, by full key or prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub marks: BTreeMap<String, Mark>,
}

/// Count of marks and the objects and bytes they hold (nested marks counted once).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MarkedTotals {
    pub marks: u64,
    pub objects: u64,
    pub bytes: u64,
}

impl Marks {
    pub fn is_empty(&self) -> bool {
        self.marks.is_empty()
    }

    pub fn contains(&self, path: &str) -> bool {
        self.marks.contains_key(path)
    }

    /// Marks `path`, or unmarks it when marked. True when it is marked now.
    pub fn toggle(&mut self, path: &str, mark: Mark) -> bool {
        if self.marks.remove(path).is_some() {
            return false;
        }
        self.marks.insert(path.to_string(), mark);
        true
    }

    pub fn clear(&mut self) {
        self.marks.clear();
    }

    /// Totals for the status line; a mark under a marked prefix adds nothing.
    pub fn totals(&self) -> MarkedTotals {
        let mut t = MarkedTotals {
            marks: self.marks.len() as u64,
            ..MarkedTotals::default()
        };
        // Keys in order: what a prefix mark covers follows it directly, so one pass with the
        // covering prefix at hand counts each object once (this runs on every draw).
        let mut cover: Option<&str> = None;
        for (path, m) in &self.marks {
            if cover.is_some_and(|c| path.starts_with(c)) {
                continue;
            }
            t.objects += m.objects;
            t.bytes += m.bytes;
            if m.kind == MarkKind::Prefix {
                cover = Some(path);
            }
        }
        t
    }

    /// The marks as the core's delete set of `bucket`.
    pub fn set(&self, bucket: &str) -> DeleteSet {
        let mut set = DeleteSet::new(bucket);
        for (path, m) in &self.marks {
            match m.kind {
                MarkKind::Prefix => set.prefixes.push(path.clone()),
                MarkKind::Key => set.keys.push(path.clone()),
            }
        }
        set
    }
}

/// Where a delete from Browse stands.
#[derive(Debug, Clone, PartialEq)]
pub enum DeleteFlow {
    /// The plan is being made (listing under the marked prefixes, HEAD of the marked keys).
    Planning { id: RequestId },
    /// The plan is on screen; `typed` is the bucket name typed to confirm a prefix delete.
    Preview {
        plan: Box<DeletePlan>,
        typed: String,
    },
    /// The delete runs as a job (Jobs pane; the cancel key stops it between batches).
    Running {
        id: RequestId,
        plan: Box<DeletePlan>,
        cancelling: bool,
    },
}

impl DeleteFlow {
    /// Enter would start the delete: a plan with something in it, and the bucket name
    /// typed when the plan includes a prefix.
    pub fn can_confirm(&self) -> bool {
        match self {
            Self::Preview { plan, typed } => {
                plan.count > 0 && (!plan.needs_typed_confirmation || plan.confirms(typed))
            }
            _ => false,
        }
    }
}

/// What a delete from Browse asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum DeleteEffect {
    /// Plan the delete of the marked set (a listing, no write).
    Plan { id: RequestId, set: DeleteSet },
    /// Delete exactly the planned objects, as a job with progress.
    Apply {
        id: RequestId,
        plan: Box<DeletePlan>,
    },
    /// Stop the delete between batches.
    Cancel { id: RequestId },
}

/// What comes back from a delete's effects.
#[derive(Debug, Clone, PartialEq)]
pub enum DeleteEvent {
    Planned {
        id: RequestId,
        result: Result<Box<DeletePlan>, String>,
    },
    Progress {
        id: RequestId,
        progress: Snapshot,
    },
    /// The delete ended: what it removed (also after a cancel), or why it could not run.
    Applied {
        id: RequestId,
        result: Result<Box<DeleteReport>, String>,
    },
}

/// Takes what a delete removed out of `tree`: every deleted object leaves the aggregates of
/// its prefixes (by its class), and prefixes left empty leave the tree. On a versioned bucket
/// the objects become noncurrent versions under a delete marker, so a tree that counts hidden
/// costs (`hidden`) gets them there.
pub fn subtract(tree: &SharedTree, report: &DeleteReport, hidden: bool) {
    let mut t = tree
        .0
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for o in &report.deleted {
        remove_object(&mut t, &o.key, o.size, &o.storage_class);
        if report.versioned && hidden {
            t.add_noncurrent(&o.key, o.size);
            t.add_delete_marker(&o.key);
        }
    }
    prune(&mut t);
}

fn take(stats: &mut [ClassStats], class: Option<usize>, size: u64) {
    if let Some(s) = class.and_then(|i| stats.get_mut(i)) {
        s.objects = s.objects.saturating_sub(1);
        s.bytes = s.bytes.saturating_sub(size);
    }
}

fn remove_object(t: &mut PrefixTree, key: &str, size: u64, class: &str) {
    let class = t.classes.iter().position(|c| c == class);
    let Some(rel) = key.strip_prefix(t.root_prefix.as_str()) else {
        return;
    };
    let d = t.delimiter;
    let mut path: Vec<NodeId> = vec![0];
    let mut prefix = t.root_prefix.clone();
    for seg in rel.split_inclusive(d).filter(|s| s.ends_with(d)) {
        prefix.push_str(seg);
        match t.find(&prefix) {
            Some(id) => path.push(id),
            None => return,
        }
    }
    for &id in &path {
        take(&mut t.nodes[id as usize].total.classes, class, size);
    }
    if let Some(&last) = path.last() {
        take(&mut t.nodes[last as usize].own.classes, class, size);
    }
}

/// Drops children with nothing left (no objects, no hidden costs) from their parents.
fn prune(t: &mut PrefixTree) {
    let empty: Vec<bool> = t
        .nodes
        .iter()
        .map(|n| n.total.objects() == 0 && n.hidden == Default::default())
        .collect();
    let mut changed = false;
    for n in &mut t.nodes {
        let before = n.children.len();
        n.children.retain(|c| !empty[*c as usize]);
        changed |= n.children.len() != before;
    }
    if changed {
        t.reindex();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use s3scope_core::delete::PlannedObject;

    fn obj(key: &str, size: u64, class: &str) -> PlannedObject {
        PlannedObject {
            key: key.into(),
            size,
            storage_class: class.into(),
            etag: None,
        }
    }

    #[test]
    fn nested_marks_count_once_and_make_a_set() {
        let mut m = Marks::default();
        let p = |objects, bytes| Mark {
            kind: MarkKind::Prefix,
            objects,
            bytes,
        };
        assert!(m.toggle("a/", p(10, 100)));
        m.toggle("a/b/", p(4, 40));
        m.toggle(
            "c.txt",
            Mark {
                kind: MarkKind::Key,
                objects: 1,
                bytes: 7,
            },
        );
        let t = m.totals();
        assert_eq!((t.marks, t.objects, t.bytes), (3, 11, 107));
        let s = m.set("bk");
        assert_eq!(s.prefixes, ["a/", "a/b/"]);
        assert_eq!(s.keys, ["c.txt"]);
        assert!(!m.toggle("a/b/", p(4, 40)), "space again unmarks");
        assert_eq!(m.totals().marks, 2);
    }

    #[test]
    fn marks_beside_a_prefix_count_and_marks_under_it_do_not() {
        let mut m = Marks::default();
        let mark = |kind, objects| Mark {
            kind,
            objects,
            bytes: objects * 10,
        };
        m.toggle("a/", mark(MarkKind::Prefix, 10));
        m.toggle("a.txt", mark(MarkKind::Key, 1)); // sorts before "a/"
        m.toggle("a/z/", mark(MarkKind::Prefix, 3));
        m.toggle("a/zz.txt", mark(MarkKind::Key, 1));
        m.toggle("a-b/", mark(MarkKind::Prefix, 2)); // beside, not under
        m.toggle("b/c.txt", mark(MarkKind::Key, 1));
        let t = m.totals();
        assert_eq!((t.marks, t.objects, t.bytes), (6, 14, 140));
    }

    #[test]
    fn a_delete_is_subtracted_and_empty_prefixes_go() {
        let mut t = PrefixTree::new("", '/');
        t.add("a/x/1", 10, "STANDARD", None);
        t.add("a/x/2", 20, "GLACIER", None);
        t.add("a/y", 5, "STANDARD", None);
        t.add("b/1", 3, "STANDARD", None);
        let tree = SharedTree::new(t);
        let report = DeleteReport {
            bucket: "bk".into(),
            deleted: vec![obj("a/x/1", 10, "STANDARD"), obj("a/x/2", 20, "GLACIER")],
            count: 2,
            bytes: 30,
            ..DeleteReport::default()
        };
        subtract(&tree, &report, false);
        let t = tree.read();
        assert_eq!((t.node(0).total.objects(), t.node(0).total.bytes()), (2, 8));
        let a = t.find("a/").unwrap();
        assert_eq!(t.node(a).total.bytes(), 5);
        assert_eq!(t.node(a).own.bytes(), 5);
        assert!(t.find("a/x/").is_none(), "the emptied prefix is gone");
        assert_eq!(t.node(a).children.len(), 0);
        assert!(t.find("b/").is_some());
    }
}
