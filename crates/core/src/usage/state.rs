//! The state file: what was collected, read and trimmed, and the run a crash interrupted.
//!
//! It is the single commit point of a run: written atomically (temp + fsync + rename) before
//! the summary, the backup and any trim, so that after a crash at any moment the next run
//! knows exactly what to redo. A lock file next to it keeps two runs from interleaving.

use super::UsageError;
use super::files::write_atomic_with;
use super::ledger::Ledger;
use super::logs::read::MalformedLine;
use super::settings::Source;
use crate::instants::Window;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};

/// Version tag of the state file.
pub const STATE_FORMAT: &str = "s3scope-usage-state/1";
/// Collected windows remembered.
const MAX_RUNS: usize = 1000;

/// Which source a state file belongs to: a state is only valid for the source it describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SourceId {
    Rgw {
        endpoint: String,
        uid: Option<String>,
        bucket: Option<String>,
    },
    AccessLogs {
        endpoint: String,
        bucket: String,
        prefix: String,
    },
}

impl SourceId {
    /// The identity of `source` on the gateway or S3 service at `endpoint`.
    pub fn of(endpoint: &str, source: &Source) -> Self {
        let endpoint = endpoint.to_string();
        match source {
            Source::Rgw { uid, bucket } => Self::Rgw {
                endpoint,
                uid: uid.clone(),
                bucket: bucket.clone(),
            },
            Source::AccessLogs { bucket, prefix, .. } => Self::AccessLogs {
                endpoint,
                bucket: bucket.clone(),
                prefix: prefix.clone(),
            },
        }
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rgw {
                endpoint,
                uid,
                bucket,
            } => {
                write!(f, "the RGW usage log of {endpoint}")?;
                match (uid, bucket) {
                    (Some(u), Some(b)) => write!(f, " (user {u}, bucket {b})"),
                    (Some(u), None) => write!(f, " (user {u})"),
                    (None, Some(b)) => write!(f, " (bucket {b})"),
                    (None, None) => Ok(()),
                }
            }
            Self::AccessLogs {
                endpoint,
                bucket,
                prefix,
            } => {
                write!(f, "the access logs in s3://{bucket}/{prefix} on {endpoint}")
            }
        }
    }
}

/// A log object that was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectMark {
    pub delivered: DateTime<Utc>,
    pub etag: String,
    pub size: u64,
    pub lines: u64,
    pub malformed: u64,
    /// The run that read it.
    pub run: String,
    /// Deleted from the bucket (trimmed).
    #[serde(default)]
    pub deleted: bool,
}

/// A window a run collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunMark {
    pub run: String,
    pub window: Window,
    pub backup: PathBuf,
    pub trimmed: bool,
}

/// How far an interrupted run got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PendingPhase {
    /// The ledger is committed; the backup and summary may be missing.
    Saving,
    /// Backup and summary are on disk; these trims may be undone.
    Trimming,
}

/// One trim request. Every one is idempotent: redoing it after a crash is harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TrimUnit {
    /// `DELETE /admin/usage` of one user (and bucket) over the window.
    Usage {
        uid: String,
        bucket: Option<String>,
        done: bool,
    },
    /// `DeleteObjects` of up to 1000 read log objects.
    Objects { keys: Vec<String>, done: bool },
}

impl TrimUnit {
    pub fn is_done(&self) -> bool {
        match self {
            Self::Usage { done, .. } | Self::Objects { done, .. } => *done,
        }
    }
}

/// What the access-log read of a run found, for its summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogReadInfo {
    /// Log objects delivered in the range that was listed.
    pub objects_found: u64,
    /// Of those, read by this run.
    pub objects_read: u64,
    /// Of those, read by an earlier run (not counted again).
    pub objects_already_read: u64,
    pub lines: u64,
    /// Requests read whose time is outside the window: kept for their own hours, so that
    /// the window they belong to counts them.
    #[serde(default)]
    pub requests_outside_window: u64,
    pub malformed_lines: u64,
    pub malformed_examples: Vec<MalformedLine>,
}

/// A run whose backup, summary or trim may be unfinished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    pub run: String,
    pub started: DateTime<Utc>,
    pub window: Window,
    pub backup: PathBuf,
    pub summary: PathBuf,
    pub phase: PendingPhase,
    pub trim: Vec<TrimUnit>,
    #[serde(default)]
    pub logs: Option<LogReadInfo>,
}

/// Everything the state file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageState {
    pub format: String,
    pub source: SourceId,
    /// Hours before this were pruned: windows may not start earlier.
    #[serde(default)]
    pub horizon: Option<DateTime<Utc>>,
    #[serde(default)]
    pub hours: Ledger,
    /// Log objects read, by key.
    #[serde(default)]
    pub objects: BTreeMap<String, ObjectMark>,
    #[serde(default)]
    pub runs: Vec<RunMark>,
    #[serde(default)]
    pub pending: Option<Pending>,
}

impl UsageState {
    pub fn new(source: SourceId) -> Self {
        Self {
            format: STATE_FORMAT.to_string(),
            source,
            horizon: None,
            hours: Ledger::default(),
            objects: BTreeMap::new(),
            runs: Vec::new(),
            pending: None,
        }
    }

    /// Remembers a collected window (the latest [`MAX_RUNS`]).
    pub fn record_run(&mut self, mark: RunMark) {
        self.runs.push(mark);
        let extra = self.runs.len().saturating_sub(MAX_RUNS);
        self.runs.drain(..extra);
    }

    /// Forgets hours and log objects older than `cutoff` (never those of `keep`) and moves
    /// the horizon there when anything was forgotten.
    pub fn prune(&mut self, cutoff: DateTime<Utc>, keep: &Window) {
        let mut pruned = self.hours.prune_before(cutoff, Some(keep));
        let before = self.objects.len();
        self.objects
            .retain(|_, m| m.delivered >= cutoff || keep.contains(m.delivered));
        pruned |= self.objects.len() != before;
        if pruned {
            self.horizon = Some(self.horizon.map_or(cutoff, |h| h.max(cutoff)));
        }
    }
}

/// The open, locked state file.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    _lock: File,
}

impl StateFile {
    /// Locks the state file of `source` and reads it (a fresh state when there is none).
    pub fn open(path: &Path, source: &SourceId) -> Result<(Self, UsageState), UsageError> {
        let lock_path = lock_path(path);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(UsageError::io("open the lock file", &lock_path))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(UsageError::Locked {
                    state: path.to_path_buf(),
                    lock: lock_path,
                });
            }
            Err(TryLockError::Error(e)) => return Err(UsageError::io("lock", &lock_path)(e)),
        }
        let state = match std::fs::read(path) {
            Ok(bytes) => Self::parse(path, &bytes, source)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => UsageState::new(source.clone()),
            Err(e) => return Err(UsageError::io("read the state file", path)(e)),
        };
        Ok((
            Self {
                path: path.to_path_buf(),
                _lock: lock,
            },
            state,
        ))
    }

    /// [`StateFile::open`], waiting up to two seconds for a lock that is held only for a moment:
    /// a child process forked by this one (for anything) shares the lock's open file until it
    /// execs. A collect that really runs holds it far longer and is reported as running.
    pub async fn open_waiting(
        path: &Path,
        source: &SourceId,
    ) -> Result<(Self, UsageState), UsageError> {
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(2);
        loop {
            match Self::open(path, source) {
                Err(UsageError::Locked { .. }) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                other => return other,
            }
        }
    }

    fn parse(path: &Path, bytes: &[u8], source: &SourceId) -> Result<UsageState, UsageError> {
        let damaged = |reason: String| UsageError::StateDamaged {
            path: path.to_path_buf(),
            reason,
        };
        let state: UsageState =
            serde_json::from_slice(bytes).map_err(|e| damaged(e.to_string()))?;
        if state.format != STATE_FORMAT {
            return Err(damaged(format!(
                "format `{}`, expected `{STATE_FORMAT}`",
                state.format
            )));
        }
        if &state.source != source {
            return Err(UsageError::StateMismatch {
                path: path.to_path_buf(),
                recorded: state.source.to_string(),
                asked: source.to_string(),
            });
        }
        Ok(state)
    }

    /// Replaces the state file atomically; once this returns, the state survives a crash.
    pub fn save(&self, state: &UsageState) -> Result<(), UsageError> {
        write_atomic_with(&self.path, |w| {
            serde_json::to_writer(w, state).map_err(std::io::Error::from)
        })
        .map_err(UsageError::io("write the state file", &self.path))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn lock_path(state: &Path) -> PathBuf {
    let mut name = state
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".lock");
    state.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgw() -> SourceId {
        SourceId::Rgw {
            endpoint: "http://127.0.0.1:1".into(),
            uid: None,
            bucket: Some("b".into()),
        }
    }

    #[test]
    fn state_round_trips_locks_and_belongs_to_one_source() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("usage-state.json");
        let (file, mut state) = StateFile::open(&path, &rgw()).unwrap();
        assert_eq!(state, UsageState::new(rgw()));
        let e = StateFile::open(&path, &rgw()).unwrap_err();
        assert!(matches!(e, UsageError::Locked { .. }), "{e}");
        state.pending = Some(Pending {
            run: "r".into(),
            started: DateTime::UNIX_EPOCH,
            window: Window::new(
                DateTime::UNIX_EPOCH,
                DateTime::UNIX_EPOCH + chrono::Duration::hours(1),
            )
            .unwrap(),
            backup: "b.json".into(),
            summary: "s.json".into(),
            phase: PendingPhase::Trimming,
            trim: vec![TrimUnit::Usage {
                uid: "u".into(),
                bucket: None,
                done: true,
            }],
            logs: None,
        });
        file.save(&state).unwrap();
        drop(file);
        let (_file, back) = StateFile::open(&path, &rgw()).unwrap();
        assert_eq!(back, state);
        drop(_file);
        let other = SourceId::AccessLogs {
            endpoint: "e".into(),
            bucket: "logs".into(),
            prefix: "p/".into(),
        };
        let e = StateFile::open(&path, &other).unwrap_err().to_string();
        assert!(e.contains("belongs to the RGW usage log of http://127.0.0.1:1 (bucket b), not to the access logs in s3://logs/p/"), "{e}");
    }

    #[test]
    fn a_damaged_state_is_an_error_not_a_fresh_start() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("s.json");
        std::fs::write(&path, b"{\"format\":").unwrap();
        let e = StateFile::open(&path, &rgw()).unwrap_err();
        assert!(matches!(e, UsageError::StateDamaged { .. }), "{e}");
        assert!(e.to_string().contains("would then be counted again"), "{e}");
    }
}
