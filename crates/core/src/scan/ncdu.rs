//! A prefix tree as ncdu's JSON export (format 1.2), which `ncdu -f` and `gdu -f` open.
//!
//! Prefixes become directories. The tree keeps aggregates, not objects, so the objects directly
//! in a prefix become one file entry per storage class, named `<N objects: CLASS>`, whose size
//! is their bytes and whose mtime is their newest change. Every entry also carries
//! s3scope's own keys, which ncdu and gdu skip: `objects`, and for directories the objects and
//! bytes of each class under them (`objects:CLASS`, `bytes:CLASS`) and the hidden costs when
//! the scan counted them.

use super::tree::{Aggregate, Hidden, NodeId, PrefixTree};
use std::io::{self, Write};

/// What the export says about where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportInfo {
    /// `s3://bucket/prefix`: the root directory's name.
    pub root_name: String,
    /// Unix seconds of the scan (or of the inventory report).
    pub timestamp: i64,
    /// `listing` or `inventory`.
    pub source: String,
}

/// A directory's name: the prefix segment without its delimiter, control characters shown
/// escaped (ncdu and gdu print names as they are, and keys are untrusted).
fn name_of(segment: &str, delimiter: char) -> String {
    let n = segment.strip_suffix(delimiter).unwrap_or(segment);
    if n.is_empty() {
        "(empty)".into()
    } else {
        crate::text::escape_control(n).into_owned()
    }
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"?\"".into())
}

fn class_keys(tree: &PrefixTree, agg: &Aggregate, out: &mut String) {
    for (i, c) in agg
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.objects > 0)
    {
        let class = tree.classes.get(i).map_or("OTHER", String::as_str);
        out.push_str(&format!(
            ",{}:{},{}:{}",
            json(&format!("objects:{class}")),
            c.objects,
            json(&format!("bytes:{class}")),
            c.bytes
        ));
    }
}

fn hidden_keys(h: &Hidden, out: &mut String) {
    if h.noncurrent.objects > 0 {
        out.push_str(&format!(
            ",\"noncurrent_versions\":{},\"noncurrent_bytes\":{}",
            h.noncurrent.objects, h.noncurrent.bytes
        ));
    }
    if h.delete_markers > 0 {
        out.push_str(&format!(",\"delete_markers\":{}", h.delete_markers));
    }
    if h.uploads.objects > 0 {
        out.push_str(&format!(
            ",\"incomplete_uploads\":{},\"incomplete_upload_bytes\":{}",
            h.uploads.objects, h.uploads.bytes
        ));
    }
}

fn dir(tree: &PrefixTree, id: NodeId, name: &str, out: &mut dyn Write) -> io::Result<()> {
    let n = tree.node(id);
    let mut info = format!(
        "[{{\"name\":{},\"asize\":0,\"dsize\":0,\"objects\":{}",
        json(name),
        n.total.objects()
    );
    if let Some(t) = n.total.newest {
        info.push_str(&format!(",\"mtime\":{}", t.max(0)));
    }
    class_keys(tree, &n.total, &mut info);
    hidden_keys(&n.hidden, &mut info);
    info.push('}');
    out.write_all(info.as_bytes())?;
    let mut kids = n.children.clone();
    kids.sort_by(|&a, &b| tree.node(a).name.cmp(&tree.node(b).name));
    for c in kids {
        out.write_all(b",\n")?;
        dir(tree, c, &name_of(&tree.node(c).name, tree.delimiter), out)?;
    }
    for (i, c) in n
        .own
        .classes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.objects > 0)
    {
        let class = tree.classes.get(i).map_or("OTHER", String::as_str);
        let mut f = format!(
            ",\n{{\"name\":{},\"asize\":{b},\"dsize\":{b},\"objects\":{},\"storage_class\":{}",
            json(&format!("<{} objects: {class}>", c.objects)),
            c.objects,
            json(class),
            b = c.bytes,
        );
        if let Some(t) = n.own.newest {
            f.push_str(&format!(",\"mtime\":{}", t.max(0)));
        }
        f.push('}');
        out.write_all(f.as_bytes())?;
    }
    out.write_all(b"]")
}

/// Writes the whole tree as one ncdu export document.
pub fn write(tree: &PrefixTree, info: &ExportInfo, out: &mut dyn Write) -> io::Result<()> {
    let meta = serde_json::json!({
        "progname": "s3scope",
        "progver": env!("CARGO_PKG_VERSION"),
        "timestamp": info.timestamp,
        "source": info.source,
    });
    writeln!(out, "[1,2,{meta},")?;
    dir(tree, 0, &crate::text::escape_control(&info.root_name), out)?;
    out.write_all(b"]\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_is_ncdu_json_with_class_files() {
        let mut t = PrefixTree::new("", '/');
        t.add("a/b/c.txt", 10, "STANDARD", Some(100));
        t.add("a/b/d.txt", 5, "GLACIER", Some(50));
        t.add("a/e.txt", 1, "STANDARD", Some(200));
        t.add("top\"q", 7, "STANDARD", None);
        t.add("a//x", 2, "STANDARD", None);
        t.add("e\u{1b}[2J/k", 0, "STANDARD", None);
        let mut out = Vec::new();
        let info = ExportInfo {
            root_name: "s3://bkt/".into(),
            timestamp: 5,
            source: "listing".into(),
        };
        write(&t, &info, &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[0], 1);
        assert_eq!(v[1], 2);
        assert_eq!(v[2]["progname"], "s3scope");
        let root = v[3].as_array().unwrap();
        assert_eq!(root[0]["name"], "s3://bkt/");
        assert_eq!(root[0]["objects"], 6);
        assert_eq!(root[2][0]["name"], "e\\x1b[2J");
        let a = root[1].as_array().unwrap();
        assert_eq!(a[0]["name"], "a");
        assert_eq!(a[0]["bytes:GLACIER"], 5);
        // a/ holds `(empty)/`, `b/`, then its own STANDARD object.
        assert_eq!(a[1][0]["name"], "(empty)");
        assert_eq!(a[2][0]["name"], "b");
        assert_eq!(a[3]["name"], "<1 objects: STANDARD>");
        assert_eq!(a[3]["asize"], 1);
        assert_eq!(root[3]["asize"], 7);
        // Sizes of the files add up to the total.
        fn sum(v: &serde_json::Value) -> u64 {
            match v {
                serde_json::Value::Array(a) => a[1..].iter().map(sum).sum(),
                o => o["asize"].as_u64().unwrap(),
            }
        }
        assert_eq!(sum(&v[3]), 25);
    }
}
