//! Where a cleanup keeps its plan and its journal (0600 files in a 0700 dir), and what the
//! journal says: the items earlier runs removed, and whether a run of a plan finished.
//!
//! A `removed` record is written after the server answered that the item is gone, and is on
//! disk before the next batch is sent; a run killed in between redoes at most the batches in
//! flight, which is exact: an item already gone counts as removed.

use super::{CleanupError, CleanupPlan, CleanupSpec};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// One line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Record {
    /// A run of plan `plan` begins.
    Start {
        plan: String,
        bucket: String,
        items: u64,
        at: DateTime<Utc>,
    },
    /// The item ([`super::CleanupItem::id`]) is gone.
    Removed { id: String },
    /// The item could not be removed; a later run tries it again.
    Failed { id: String, error: String },
    /// Every item of the plan reached an outcome.
    End { plan: String, at: DateTime<Utc> },
}

/// What earlier runs left in a journal, as seen by one plan.
#[derive(Debug, Default)]
pub struct Past {
    /// Items removed by any run.
    pub removed: HashSet<String>,
    /// Runs of this plan started, and how many reached their end.
    pub started_runs: u64,
    pub finished_runs: u64,
    /// Lines that did not parse (cut short by a kill).
    pub torn_lines: u64,
}

impl Past {
    /// A run of this plan started and never finished: a killed run to resume.
    pub fn unfinished(&self) -> bool {
        self.started_runs > self.finished_runs
    }
}

/// Reads `path` (missing: nothing happened yet) for plan `plan_id`.
pub fn read_journal(path: &Path, plan_id: &str) -> Result<Past, CleanupError> {
    let err = |e: std::io::Error| CleanupError::Journal {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Past::default()),
        Err(e) => return Err(err(e)),
    };
    let mut past = Past::default();
    for line in BufReader::new(file).split(b'\n') {
        let line = line.map_err(err)?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Record>(&line) {
            Ok(Record::Removed { id }) => {
                past.removed.insert(id);
            }
            Ok(Record::Start { plan, .. }) if plan == plan_id => past.started_runs += 1,
            Ok(Record::End { plan, .. }) if plan == plan_id => past.finished_runs += 1,
            Ok(_) => {}
            Err(_) => past.torn_lines += 1,
        }
    }
    Ok(past)
}

/// The plan file and the journal of one cleanup (bucket, prefix, ages, markers, profile).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub plan: PathBuf,
    pub journal: PathBuf,
}

impl Paths {
    /// Files named after `spec` (not its `as_of`) and `profile` in `dir`, by default the
    /// state dir's `cleanup/` (`~/.local/state/s3scope/cleanup` on Linux).
    pub fn of(spec: &CleanupSpec, profile: &str, dir: Option<&Path>) -> Self {
        use md5::{Digest, Md5};
        let mut h = Md5::new();
        let ages = [spec.uploads_older_than, spec.noncurrent_older_than]
            .map(|a| a.map(|a| a.secs().to_string()).unwrap_or_default());
        for part in [
            profile,
            &spec.bucket,
            &spec.prefix,
            &ages[0],
            &ages[1],
            if spec.delete_markers { "m" } else { "" },
        ] {
            h.update(part.as_bytes());
            h.update([0u8]);
        }
        let name = format!("{}-{}", spec.bucket, hex::encode(&h.finalize()[..6]));
        let dir = dir.map_or_else(default_dir, Path::to_path_buf);
        Self {
            plan: dir.join(format!("{name}.plan.json")),
            journal: dir.join(format!("{name}.journal")),
        }
    }
}

/// `cleanup/` in the state dir (`.s3scope-cleanup` when there is no home).
pub fn default_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "s3scope")
        .map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.cache_dir())
                .join("cleanup")
        })
        .unwrap_or_else(|| PathBuf::from(".s3scope-cleanup"))
}

/// Writes `plan` to `path` (temp + fsync + rename, 0600 in a 0700 dir).
pub fn save_plan(plan: &CleanupPlan, path: &Path) -> Result<(), CleanupError> {
    let err = |e: std::io::Error| CleanupError::Journal {
        path: path.display().to_string(),
        detail: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::fsutil::create_private_dir_all(dir).map_err(err)?;
    }
    let mut text = serde_json::to_vec(plan).map_err(|e| err(std::io::Error::other(e)))?;
    text.push(b'\n');
    crate::fsutil::write_atomic(path, &text, Some(0o600)).map_err(err)
}

/// Reads a plan saved by [`save_plan`]; None when there is none.
pub fn load_plan(path: &Path) -> Result<Option<CleanupPlan>, CleanupError> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CleanupError::Plan {
                path: path.display().to_string(),
                detail: e.to_string(),
            });
        }
    };
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|e| CleanupError::Plan {
            path: path.display().to_string(),
            detail: e.to_string(),
        })
}

/// The writer of a cleanup journal.
pub type Journal = crate::journal::Journal<Record>;
