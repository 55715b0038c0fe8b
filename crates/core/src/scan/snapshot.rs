//! Scan snapshots: a finished prefix tree on disk, reopened instantly and diffed later.
//!
//! File layout (all integers little-endian):
//!
//! | bytes | content |
//! |---|---|
//! | 0..8 | magic `\x89S3SNAP\n` (the high byte and newline catch text-mode mangling) |
//! | 8..10 | format version, [`FORMAT_VERSION`] |
//! | 10..18 | payload length in bytes |
//! | 18..22 | CRC-32 of the payload |
//! | 22.. | payload: raw DEFLATE of postcard(`meta`, `tree`) |
//!
//! postcard writes integers as varints, so counts and node ids cost one to three bytes; DEFLATE
//! then folds the repetitive prefix names (dates, hashes). The length and checksum make a
//! truncated or damaged file a clear error instead of a half-read tree.

use super::tree::PrefixTree;
use chrono::{DateTime, NaiveDateTime, Utc};
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Identifies a snapshot file.
pub const MAGIC: [u8; 8] = *b"\x89S3SNAP\n";
/// Bumped whenever the payload's layout changes; older readers refuse newer files.
pub const FORMAT_VERSION: u16 = 1;
/// File name extension of snapshots.
pub const EXTENSION: &str = "s3snap";
/// Snapshots kept per profile, bucket and prefix in the cache; older ones are pruned.
pub const KEEP_PER_PREFIX: usize = 20;
const HEADER_LEN: usize = 22;
/// A decoded payload larger than this is refused (a damaged or hostile file).
const MAX_DECODED: u64 = 4 << 30;
const TIME_FORMAT: &str = "%Y%m%dT%H%M%S%3fZ";

/// Where and when a snapshot was taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    pub profile: String,
    pub endpoint: String,
    pub bucket: String,
    pub prefix: String,
    pub scanned_at: DateTime<Utc>,
    pub elapsed_secs: f64,
    pub list_calls: u64,
    /// The tree holds noncurrent versions and delete markers.
    pub versions: bool,
    /// The tree holds incomplete multipart uploads.
    pub multipart: bool,
}

/// A finished scan.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub meta: SnapshotMeta,
    pub tree: PrefixTree,
}

#[derive(Serialize)]
struct BodyRef<'a> {
    meta: &'a SnapshotMeta,
    tree: &'a PrefixTree,
}

#[derive(Deserialize)]
struct Body {
    meta: SnapshotMeta,
    tree: PrefixTree,
}

/// Why a snapshot could not be written or read; each message names the file and what to do.
#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("{path}: cannot read the snapshot: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path}: cannot write the snapshot: {source}; check that the directory exists and is writable"
    )]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{path}: not an s3scope snapshot; pass a file written by `s3scope du --save` or by the TUI"
    )]
    NotASnapshot { path: String },
    #[error(
        "{path}: snapshot format version {found} is newer than this s3scope reads (up to {FORMAT_VERSION}); upgrade s3scope to open it"
    )]
    NewerVersion { path: String, found: u16 },
    #[error(
        "{path}: the snapshot is truncated ({found} of {expected} bytes); it was not written completely, scan again to get a good one"
    )]
    Truncated {
        path: String,
        found: u64,
        expected: u64,
    },
    #[error("{path}: the snapshot is damaged ({detail}); scan again to get a good one")]
    Corrupt { path: String, detail: String },
    #[error(
        "no cache directory for snapshots (HOME is not set); set XDG_CACHE_HOME or use `du --save FILE`"
    )]
    NoCacheDir,
}

fn shown(path: &Path) -> String {
    crate::text::escape_control(&path.display().to_string()).into_owned()
}

/// The snapshot file's bytes.
pub fn encode(meta: &SnapshotMeta, tree: &PrefixTree) -> Vec<u8> {
    // Serialising plain structs into a Vec cannot fail; an empty payload would be refused
    // on load anyway, so no error is hidden here.
    let raw = postcard::to_allocvec(&BodyRef { meta, tree }).unwrap_or_default();
    let mut enc = DeflateEncoder::new(Vec::with_capacity(raw.len() / 4), Compression::new(6));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(&raw);
    let payload = enc.finish().unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    out
}

/// Parses snapshot bytes; `path` only names the file in errors.
pub fn decode(bytes: &[u8], path: &Path) -> Result<Snapshot, SnapshotError> {
    let p = || shown(path);
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len()] != MAGIC {
        return Err(SnapshotError::NotASnapshot { path: p() });
    }
    if bytes.len() < HEADER_LEN {
        return Err(SnapshotError::Truncated {
            path: p(),
            found: bytes.len() as u64,
            expected: HEADER_LEN as u64,
        });
    }
    let version = u16::from_le_bytes([bytes[8], bytes[9]]);
    if version > FORMAT_VERSION {
        return Err(SnapshotError::NewerVersion {
            path: p(),
            found: version,
        });
    }
    let mut len = [0u8; 8];
    len.copy_from_slice(&bytes[10..18]);
    let len = u64::from_le_bytes(len);
    let mut crc = [0u8; 4];
    crc.copy_from_slice(&bytes[18..22]);
    let crc = u32::from_le_bytes(crc);
    let payload = &bytes[HEADER_LEN..];
    let expected = (HEADER_LEN as u64).saturating_add(len);
    if (payload.len() as u64) < len {
        return Err(SnapshotError::Truncated {
            path: p(),
            found: bytes.len() as u64,
            expected,
        });
    }
    let corrupt = |detail: String| SnapshotError::Corrupt { path: p(), detail };
    if payload.len() as u64 > len {
        return Err(corrupt(format!(
            "{} bytes after the end of the payload",
            payload.len() as u64 - len
        )));
    }
    if crc32fast::hash(payload) != crc {
        return Err(corrupt("checksum mismatch".into()));
    }
    let mut raw = Vec::new();
    DeflateDecoder::new(payload)
        .take(MAX_DECODED)
        .read_to_end(&mut raw)
        .map_err(|e| corrupt(format!("cannot inflate: {e}")))?;
    let body: Body =
        postcard::from_bytes(&raw).map_err(|e| corrupt(format!("cannot decode: {e}")))?;
    let mut tree = body.tree;
    check_tree(&tree).map_err(corrupt)?;
    tree.reindex();
    Ok(Snapshot {
        meta: body.meta,
        tree,
    })
}

/// A decoded tree must be one: ids in range, parents before children, classes interned.
fn check_tree(tree: &PrefixTree) -> Result<(), String> {
    let n = tree.nodes.len();
    if n == 0 {
        return Err("the tree has no root".into());
    }
    if tree.nodes[0].parent.is_some() {
        return Err("the root has a parent".into());
    }
    let classes = tree.classes.len();
    for (id, node) in tree.nodes.iter().enumerate() {
        if node.total.classes.len() > classes || node.own.classes.len() > classes {
            return Err(format!("node {id} counts an unknown storage class"));
        }
        if id > 0 && node.parent.is_none_or(|p| p as usize >= id) {
            return Err(format!("node {id} has a bad parent"));
        }
        for &c in &node.children {
            let child = tree.nodes.get(c as usize);
            if child.and_then(|c| c.parent) != Some(id as u32) {
                return Err(format!("node {id} has a bad child {c}"));
            }
        }
    }
    Ok(())
}

/// Writes a snapshot to `path` atomically (temp file, fsync, rename); returns its size.
pub fn save(path: &Path, meta: &SnapshotMeta, tree: &PrefixTree) -> Result<u64, SnapshotError> {
    let bytes = encode(meta, tree);
    crate::fsutil::write_atomic(path, &bytes, None).map_err(|source| SnapshotError::Write {
        path: shown(path),
        source,
    })?;
    Ok(bytes.len() as u64)
}

/// Reads a snapshot file.
pub fn load(path: &Path) -> Result<Snapshot, SnapshotError> {
    let bytes = std::fs::read(path).map_err(|source| SnapshotError::Read {
        path: shown(path),
        source,
    })?;
    decode(&bytes, path)
}

/// `<cache dir>/snapshots`, e.g. ~/.cache/s3scope/snapshots (XDG_CACHE_HOME is honoured).
pub fn default_dir() -> Result<PathBuf, SnapshotError> {
    directories::ProjectDirs::from("", "", "s3scope")
        .map(|d| d.cache_dir().join("snapshots"))
        .ok_or(SnapshotError::NoCacheDir)
}

/// FNV-1a, 64 bits: stable across builds and platforms, unlike std's hasher.
fn prefix_hash(prefix: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in prefix.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// A name that is one safe path component: bytes outside `[A-Za-z0-9._-]` become `%XX`,
/// and `.`/`..`/empty cannot escape the directory.
fn component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    match out.as_str() {
        "" => "%00".into(),
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => out,
    }
}

/// The directory holding the snapshots of one profile's bucket.
pub fn bucket_dir(root: &Path, profile: &str, bucket: &str) -> PathBuf {
    root.join(component(profile)).join(component(bucket))
}

/// `<root>/<profile>/<bucket>/<prefix-hash>-<timestamp>.s3snap`
pub fn cache_path(root: &Path, meta: &SnapshotMeta) -> PathBuf {
    bucket_dir(root, &meta.profile, &meta.bucket).join(format!(
        "{}-{}.{EXTENSION}",
        prefix_hash(&meta.prefix),
        meta.scanned_at.format(TIME_FORMAT)
    ))
}

/// A snapshot found in the cache, not yet read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub scanned_at: DateTime<Utc>,
}

/// The cached snapshots of a prefix, newest first. A missing directory is an empty list.
pub fn list_cached(
    root: &Path,
    profile: &str,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<Found>, SnapshotError> {
    let dir = bucket_dir(root, profile, bucket);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(SnapshotError::Read {
                path: shown(&dir),
                source,
            });
        }
    };
    let head = format!("{}-", prefix_hash(prefix));
    let tail = format!(".{EXTENSION}");
    let mut found: Vec<Found> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stamp = name.strip_prefix(&head)?.strip_suffix(&tail)?;
            let at = NaiveDateTime::parse_from_str(stamp, TIME_FORMAT).ok()?;
            Some(Found {
                path: e.path(),
                scanned_at: at.and_utc(),
            })
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.scanned_at));
    Ok(found)
}

/// Saves into the cache and prunes that prefix's older snapshots beyond [`KEEP_PER_PREFIX`].
pub fn save_cached(
    root: &Path,
    meta: &SnapshotMeta,
    tree: &PrefixTree,
) -> Result<PathBuf, SnapshotError> {
    let path = cache_path(root, meta);
    if let Some(dir) = path.parent() {
        crate::fsutil::create_private_dir_all(dir).map_err(|source| SnapshotError::Write {
            path: shown(dir),
            source,
        })?;
    }
    save(&path, meta, tree)?;
    let all = list_cached(root, &meta.profile, &meta.bucket, &meta.prefix)?;
    for old in all.iter().skip(KEEP_PER_PREFIX) {
        if let Err(e) = std::fs::remove_file(&old.path) {
            tracing::warn!(path = %old.path.display(), error = %e, "cannot prune an old snapshot");
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_cannot_escape() {
        assert_eq!(component(".."), "%2E%2E");
        assert_eq!(component("a/b"), "a%2Fb");
        assert_eq!(component(""), "%00");
        assert_eq!(component("logs-2024.v1"), "logs-2024.v1");
        assert_eq!(prefix_hash(""), "cbf29ce484222325");
        assert_ne!(prefix_hash("a/"), prefix_hash("b/"));
    }
}
