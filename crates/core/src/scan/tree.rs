//! The prefix tree of a scan: per node, objects and bytes per storage class plus oldest/newest.
//!
//! Objects are folded into the aggregates of their ancestors and not kept: memory grows with
//! the number of prefixes, not of objects. Storage classes are interned to small ids.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Index of a node in the tree's arena.
pub type NodeId = u32;

/// Count and bytes of one storage class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassStats {
    pub objects: u64,
    pub bytes: u64,
}

/// Aggregates of everything under a node.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregate {
    /// Indexed by class id; grows when a class is first seen under this node.
    pub classes: Vec<ClassStats>,
    /// Unix seconds of the oldest and newest LastModified.
    pub oldest: Option<i64>,
    pub newest: Option<i64>,
}

impl Aggregate {
    pub fn add(&mut self, class: u8, size: u64, mtime: Option<i64>) {
        let i = usize::from(class);
        if self.classes.len() <= i {
            self.classes.resize(i + 1, ClassStats::default());
        }
        self.classes[i].objects += 1;
        self.classes[i].bytes += size;
        if let Some(t) = mtime {
            self.oldest = Some(self.oldest.map_or(t, |o| o.min(t)));
            self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
        }
    }

    pub fn merge(&mut self, other: &Aggregate) {
        if self.classes.len() < other.classes.len() {
            self.classes
                .resize(other.classes.len(), ClassStats::default());
        }
        for (a, b) in self.classes.iter_mut().zip(&other.classes) {
            a.objects += b.objects;
            a.bytes += b.bytes;
        }
        for t in [other.oldest, other.newest].into_iter().flatten() {
            self.oldest = Some(self.oldest.map_or(t, |o| o.min(t)));
            self.newest = Some(self.newest.map_or(t, |n| n.max(t)));
        }
    }

    pub fn objects(&self) -> u64 {
        self.classes.iter().map(|c| c.objects).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.classes.iter().map(|c| c.bytes).sum()
    }
}

/// Costs a plain listing does not show, rolled up like the aggregates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hidden {
    /// Noncurrent object versions (ListObjectVersions, IsLatest = false).
    pub noncurrent: ClassStats,
    /// Delete markers (they cost a request each and hide older versions).
    pub delete_markers: u64,
    /// Incomplete multipart uploads and the bytes of their uploaded parts.
    pub uploads: ClassStats,
}

/// One prefix.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Node {
    /// The segment after the parent's prefix, including the trailing delimiter.
    pub name: Box<str>,
    pub parent: Option<NodeId>,
    pub children: Vec<NodeId>,
    /// Everything under this prefix, at any depth.
    pub total: Aggregate,
    /// Objects directly in this prefix (not in a child prefix).
    pub own: Aggregate,
    /// Hidden costs of everything under this prefix, when asked for.
    pub hidden: Hidden,
}

/// The tree; node 0 is the scan's root prefix.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PrefixTree {
    pub root_prefix: String,
    pub delimiter: char,
    pub classes: Vec<String>,
    pub nodes: Vec<Node>,
    #[serde(skip)]
    lookup: HashMap<(NodeId, Box<str>), NodeId>,
}

impl PrefixTree {
    pub fn new(root_prefix: &str, delimiter: char) -> Self {
        Self {
            root_prefix: root_prefix.to_string(),
            delimiter,
            classes: Vec::new(),
            nodes: vec![Node::default()],
            lookup: HashMap::new(),
        }
    }

    /// Rebuilds the child lookup after deserialising.
    pub fn reindex(&mut self) {
        self.lookup.clear();
        for (id, n) in self.nodes.iter().enumerate() {
            for &c in &n.children {
                let name = self.nodes[c as usize].name.clone();
                self.lookup.insert((id as NodeId, name), c);
            }
        }
    }

    fn class_id(&mut self, class: &str) -> u8 {
        if let Some(i) = self.classes.iter().position(|c| c == class) {
            return i as u8;
        }
        // More than 255 distinct classes cannot happen with real S3; fold extras into the last.
        if self.classes.len() >= usize::from(u8::MAX) {
            return u8::MAX - 1;
        }
        self.classes.push(class.to_string());
        (self.classes.len() - 1) as u8
    }

    /// The child of `parent` named `name`, created when missing.
    pub fn child(&mut self, parent: NodeId, name: &str) -> NodeId {
        if let Some(&id) = self.lookup.get(&(parent, Box::from(name))) {
            return id;
        }
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            name: name.into(),
            parent: Some(parent),
            ..Node::default()
        });
        self.nodes[parent as usize].children.push(id);
        self.lookup.insert((parent, name.into()), id);
        id
    }

    /// Creates the node of a prefix (e.g. a CommonPrefix seen before its objects).
    pub fn ensure_prefix(&mut self, prefix: &str) -> NodeId {
        let rel = prefix
            .strip_prefix(self.root_prefix.as_str())
            .unwrap_or(prefix);
        let mut node = 0;
        let d = self.delimiter;
        for seg in rel.split_inclusive(d).filter(|s| s.ends_with(d)) {
            node = self.child(node, seg);
        }
        node
    }

    /// Adds one object to every prefix above it.
    pub fn add(&mut self, key: &str, size: u64, class: &str, mtime: Option<i64>) {
        let class = self.class_id(class);
        let rel = key.strip_prefix(self.root_prefix.as_str()).unwrap_or(key);
        let mut node: NodeId = 0;
        self.nodes[0].total.add(class, size, mtime);
        let d = self.delimiter;
        for seg in rel.split_inclusive(d) {
            if !seg.ends_with(d) {
                break; // the object's own name
            }
            node = self.child(node, seg);
            self.nodes[node as usize].total.add(class, size, mtime);
        }
        self.nodes[node as usize].own.add(class, size, mtime);
    }

    /// Applies `f` to the hidden costs of every prefix above `key` (root included).
    fn add_hidden(&mut self, key: &str, f: impl Fn(&mut Hidden)) {
        let rel = key.strip_prefix(self.root_prefix.as_str()).unwrap_or(key);
        let mut node: NodeId = 0;
        f(&mut self.nodes[0].hidden);
        let d = self.delimiter;
        for seg in rel.split_inclusive(d).filter(|s| s.ends_with(d)) {
            node = self.child(node, seg);
            f(&mut self.nodes[node as usize].hidden);
        }
    }

    /// A noncurrent version of `key`.
    pub fn add_noncurrent(&mut self, key: &str, size: u64) {
        self.add_hidden(key, |h| {
            h.noncurrent.objects += 1;
            h.noncurrent.bytes += size;
        });
    }

    /// A delete marker on `key`.
    pub fn add_delete_marker(&mut self, key: &str) {
        self.add_hidden(key, |h| h.delete_markers += 1);
    }

    /// An incomplete multipart upload of `key` holding `bytes` in its parts.
    pub fn add_upload(&mut self, key: &str, bytes: u64) {
        self.add_hidden(key, |h| {
            h.uploads.objects += 1;
            h.uploads.bytes += bytes;
        });
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// The full prefix of a node.
    pub fn path(&self, id: NodeId) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let n = self.node(c);
            parts.push(n.name.as_ref());
            cur = n.parent;
        }
        parts.reverse();
        format!("{}{}", self.root_prefix, parts.concat())
    }

    /// Finds the node of a prefix, if it exists.
    pub fn find(&self, prefix: &str) -> Option<NodeId> {
        let rel = prefix.strip_prefix(self.root_prefix.as_str())?;
        let mut node = 0;
        for seg in rel.split_inclusive(self.delimiter) {
            node = *self.lookup.get(&(node, Box::from(seg)))?;
        }
        Some(node)
    }

    /// Approximate heap bytes held (for the memory benchmark).
    pub fn heap_bytes(&self) -> usize {
        let nodes: usize = self
            .nodes
            .iter()
            .map(|n| {
                std::mem::size_of::<Node>()
                    + n.name.len()
                    + n.children.capacity() * 4
                    + (n.total.classes.capacity() + n.own.classes.capacity())
                        * std::mem::size_of::<ClassStats>()
            })
            .sum();
        let lookup = self.lookup.capacity()
            * (std::mem::size_of::<(NodeId, Box<str>, NodeId)>() + 8)
            + self.lookup.keys().map(|(_, k)| k.len()).sum::<usize>();
        nodes + lookup
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregates_roll_up() {
        let mut t = PrefixTree::new("", '/');
        t.add("a/b/c.txt", 10, "STANDARD", Some(100));
        t.add("a/b/d.txt", 5, "GLACIER", Some(50));
        t.add("a/e.txt", 1, "STANDARD", Some(200));
        t.add("top", 7, "STANDARD", None);
        t.add("a//x", 2, "STANDARD", None);
        let a = t.find("a/").unwrap();
        assert_eq!(t.node(a).total.objects(), 4);
        assert_eq!(t.node(a).total.bytes(), 18);
        assert_eq!(t.node(a).own.objects(), 1);
        assert_eq!(t.node(a).total.oldest, Some(50));
        assert_eq!(t.node(a).total.newest, Some(200));
        let b = t.find("a/b/").unwrap();
        assert_eq!(
            t.node(b).total.classes[1],
            ClassStats {
                objects: 1,
                bytes: 5
            }
        );
        assert_eq!(t.path(b), "a/b/");
        assert!(t.find("a//").is_some(), "empty segments are prefixes too");
        assert_eq!(t.node(0).total.objects(), 5);
        assert_eq!(t.node(0).own.objects(), 1);
    }
}
