//! The apply journal: an append-only file of JSON lines, fsynced before apply goes on, so that a
//! killed run can be resumed and audited.
//!
//! A record is written after the step it describes: `copied` after the target is verified,
//! `deleted` after DeleteObjects answered. Before a batch of sources is deleted, every record
//! so far is fsynced; `completing` is fsynced before a multipart copy is completed. One thread
//! writes; records arriving together share one fsync (group commit). A line cut short by a
//! crash is skipped on reading; the next run starts on a fresh line.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Record {
    /// A run of plan `plan` begins; records up to the next `start` belong to it.
    Start {
        plan: String,
        bucket: String,
        entries: u64,
        at: DateTime<Utc>,
    },
    /// A multipart copy was started (aborted on resume if it never completed).
    UploadStarted {
        key: String,
        target: String,
        upload_id: String,
    },
    /// The upload completed or was aborted.
    UploadClosed { target: String, upload_id: String },
    /// About to complete a multipart copy of `key` (with `etag`): `target` will have
    /// `target_etag`. A killed run's completed copy is recognised by it on resume.
    Completing {
        key: String,
        etag: Option<String>,
        target: String,
        target_etag: String,
    },
    /// `key` (with `etag`) is at `target` (with `target_etag`), verified.
    Copied {
        key: String,
        etag: Option<String>,
        target: String,
        target_etag: Option<String>,
        size: u64,
    },
    /// The source `key` is deleted: this entry is done.
    Deleted { key: String },
    /// The entry failed; a later run may retry it.
    Failed { key: String, error: String },
    /// Every entry of the plan reached an outcome.
    End { plan: String, at: DateTime<Utc> },
}

/// What earlier runs left in a journal.
#[derive(Debug, Default)]
pub struct Past {
    /// Sources deleted by runs of this plan id: done.
    pub deleted: HashSet<String>,
    /// (source key, source ETag, target) → target ETag, from runs of any plan.
    pub copied: HashMap<(String, Option<String>, String), Option<String>>,
    /// Multipart uploads started and never closed: (target, upload id).
    pub open_uploads: Vec<(String, String)>,
    /// Lines that did not parse (a line cut short by a crash).
    pub torn_lines: u64,
    /// Runs of this plan that got to `end`.
    pub finished_runs: u64,
}

/// Reads `path` (missing: nothing happened yet) as seen by plan `plan_id`.
pub fn read(path: &Path, plan_id: &str) -> std::io::Result<Past> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Past::default()),
        Err(e) => return Err(e),
    };
    let mut past = Past::default();
    let mut current: Option<String> = None;
    let mut uploads: HashMap<String, (String, String)> = HashMap::new();
    for line in BufReader::new(file).split(b'\n') {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(record) = serde_json::from_slice::<Record>(&line) else {
            past.torn_lines += 1;
            continue;
        };
        let ours = current.as_deref() == Some(plan_id);
        match record {
            Record::Start { plan, .. } => current = Some(plan),
            Record::Deleted { key } if ours => {
                past.deleted.insert(key);
            }
            Record::Copied {
                key,
                etag,
                target,
                target_etag,
                ..
            } => {
                past.copied.insert((key, etag, target), target_etag);
            }
            Record::Completing {
                key,
                etag,
                target,
                target_etag,
            } => {
                past.copied.insert((key, etag, target), Some(target_etag));
            }
            Record::UploadStarted {
                target, upload_id, ..
            } => {
                uploads.insert(upload_id.clone(), (target, upload_id));
            }
            Record::UploadClosed { upload_id, .. } => {
                uploads.remove(&upload_id);
            }
            Record::End { plan, .. } if plan == plan_id => past.finished_runs += 1,
            _ => {}
        }
    }
    past.open_uploads = uploads.into_values().collect();
    past.open_uploads.sort();
    Ok(past)
}

/// Where the journal of a run goes when none is named: beside the plan file
/// (`plan.json.journal`), else in the state dir, one file per bucket and rule destination,
/// so that successive runs of a rule share it.
pub fn default_path(plan_file: Option<&Path>, rule: &super::rule::RuleSpec) -> PathBuf {
    if let Some(p) = plan_file {
        let mut name = p.as_os_str().to_owned();
        name.push(".journal");
        return PathBuf::from(name);
    }
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    for part in [
        &rule.bucket,
        &rule.source_prefix,
        &rule.target,
        &rule.error_prefix,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let name = format!(
        "{}-{}.journal",
        rule.bucket,
        hex::encode(&h.finalize()[..6])
    );
    let dir = directories::ProjectDirs::from("", "", "s3scope")
        .map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.cache_dir())
                .join("segregate")
        })
        .unwrap_or_else(|| PathBuf::from(".s3scope-segregate"));
    dir.join(name)
}

/// The writer of segregate's journal: the shared group-commit file of [`crate::journal`].
pub type Journal = crate::journal::Journal<Record>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[tokio::test]
    async fn records_survive_and_torn_lines_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/j.journal");
        let j = Journal::open(&path).unwrap();
        let start = |plan: &str| Record::Start {
            plan: plan.into(),
            bucket: "b".into(),
            entries: 2,
            at: Utc::now(),
        };
        j.write(vec![
            start("p1"),
            Record::Copied {
                key: "a".into(),
                etag: Some("e".into()),
                target: "t/a".into(),
                target_etag: Some("e".into()),
                size: 1,
            },
            Record::Deleted { key: "a".into() },
        ])
        .await
        .unwrap();
        drop(j);
        // A crash in the middle of a line.
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{\"op\":\"deleted\",\"ke").unwrap();
        drop(f);
        let j = Journal::open(&path).unwrap();
        j.write_one(start("p2")).await.unwrap();
        j.write_one(Record::Deleted { key: "b".into() })
            .await
            .unwrap();
        drop(j);
        let p1 = read(&path, "p1").unwrap();
        assert_eq!(p1.torn_lines, 1);
        assert!(p1.deleted.contains("a") && !p1.deleted.contains("b"));
        let p2 = read(&path, "p2").unwrap();
        assert!(p2.deleted.contains("b") && !p2.deleted.contains("a"));
        assert_eq!(p2.copied.len(), 1, "copies are known across plans");
        assert!(
            read(&dir.path().join("none"), "p")
                .unwrap()
                .deleted
                .is_empty()
        );
    }
}
