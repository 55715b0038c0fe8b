//! Durable bucket indexes: a snapshot replaced atomically, plus an append-only mutation journal.
//!
//! Every mutation is appended to `journal.jsonl` (one JSON line, one `write`) before it is
//! applied, so it survives the process being killed; `Store::sync` makes it survive a power
//! loss. Opening a bucket replays the journal over `index.json` and, if anything was replayed,
//! writes a new snapshot (temp + fsync + rename) and empties the journal. Records carry sequence
//! numbers, so a crash between those two steps cannot apply a mutation twice.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::index::{BucketIndex, Mutation};
use crate::DemoError;

const INDEX_FILE: &str = "index.json";
const JOURNAL_FILE: &str = "journal.jsonl";

#[derive(Serialize)]
struct RecordRef<'a> {
    seq: u64,
    mutation: &'a Mutation,
}

#[derive(Deserialize)]
struct Record {
    seq: u64,
    mutation: Mutation,
}

/// The open journal of one bucket.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
    line: Vec<u8>,
}

impl Journal {
    fn open(dir: &Path) -> Result<Self, DemoError> {
        let path = dir.join(JOURNAL_FILE);
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(DemoError::io("open", &path))?;
        Ok(Self {
            path,
            file,
            line: Vec::new(),
        })
    }

    pub fn append(&mut self, seq: u64, mutation: &Mutation) -> Result<(), DemoError> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, &RecordRef { seq, mutation })
            .map_err(|err| DemoError::io("append to", &self.path)(io::Error::other(err)))?;
        self.line.push(b'\n');
        self.file
            .write_all(&self.line)
            .map_err(DemoError::io("append to", &self.path))
    }

    pub fn sync(&self) -> Result<(), DemoError> {
        self.file
            .sync_data()
            .map_err(DemoError::io("sync", &self.path))
    }
}

/// Whether `dir` holds a bucket (its snapshot was written, which is the moment it was created).
pub fn is_bucket_dir(dir: &Path) -> bool {
    dir.join(INDEX_FILE).is_file()
}

/// Writes the files of a new bucket; the atomic snapshot write is what creates it.
pub fn create(dir: &Path, index: &BucketIndex) -> Result<Journal, DemoError> {
    fs::create_dir_all(dir).map_err(DemoError::io("create", dir))?;
    let journal = dir.join(JOURNAL_FILE);
    File::create(&journal).map_err(DemoError::io("create", &journal))?;
    write_snapshot(dir, index)?;
    Journal::open(dir)
}

/// Loads a bucket: its snapshot with the journal replayed (and compacted, if it had records).
pub fn load(dir: &Path) -> Result<(BucketIndex, Journal), DemoError> {
    let snapshot_path = dir.join(INDEX_FILE);
    let snapshot = fs::read(&snapshot_path).map_err(DemoError::io("read", &snapshot_path))?;
    let mut index: BucketIndex =
        serde_json::from_slice(&snapshot).map_err(|err| DemoError::Corrupt {
            path: snapshot_path.clone(),
            reason: err.to_string(),
        })?;

    let journal_path = dir.join(JOURNAL_FILE);
    let journal = match fs::read_to_string(&journal_path) {
        Ok(text) => text,
        Err(err) if err.kind() == io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(DemoError::io("read", &journal_path)(err)),
    };
    if replay(&mut index, &journal, &journal_path)? {
        write_snapshot(dir, &index)?;
        File::create(&journal_path)
            .and_then(|f| f.sync_all())
            .map_err(DemoError::io("empty", &journal_path))?;
    }
    Ok((index, Journal::open(dir)?))
}

/// Applies the journal's records newer than the snapshot; returns whether the journal had any.
fn replay(index: &mut BucketIndex, journal: &str, path: &Path) -> Result<bool, DemoError> {
    let corrupt = |line: usize, reason: String| DemoError::Corrupt {
        path: path.to_owned(),
        reason: format!("line {line}: {reason}"),
    };
    let complete = journal.ends_with('\n');
    let lines: Vec<&str> = journal.lines().collect();
    for (n, line) in lines.iter().enumerate() {
        let record: Record = match serde_json::from_str(line) {
            Ok(record) => record,
            // A write cut short by a crash: the mutation was never acknowledged.
            Err(err) if n + 1 == lines.len() && !complete => {
                tracing::warn!(path = %path.display(), %err, "ignoring a torn last journal record");
                break;
            }
            Err(err) => return Err(corrupt(n + 1, err.to_string())),
        };
        if record.seq <= index.seq {
            continue;
        }
        if record.seq != index.seq + 1 {
            return Err(corrupt(
                n + 1,
                format!("expected record {}, found {}", index.seq + 1, record.seq),
            ));
        }
        index.apply(record.mutation);
    }
    Ok(!journal.is_empty())
}

fn write_snapshot(dir: &Path, index: &BucketIndex) -> Result<(), DemoError> {
    let path = dir.join(INDEX_FILE);
    let data = serde_json::to_vec(index)
        .map_err(|err| DemoError::io("write", &path)(io::Error::other(err)))?;
    fsutil::write_atomic(&path, &data, None).map_err(DemoError::io("write", &path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::model::Versioning;

    fn journal_text(dir: &Path) -> String {
        fs::read_to_string(dir.join(JOURNAL_FILE)).unwrap()
    }

    #[test]
    fn replays_compacts_and_drops_a_torn_last_record() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = create(dir.path(), &BucketIndex::new(chrono::Utc::now())).unwrap();
        journal
            .append(1, &Mutation::SetVersioning(Versioning::Enabled))
            .unwrap();
        journal
            .append(2, &Mutation::SetVersioning(Versioning::Suspended))
            .unwrap();
        let mut file = OpenOptions::new()
            .append(true)
            .open(dir.path().join(JOURNAL_FILE))
            .unwrap();
        file.write_all(br#"{"seq":3,"mutation":{"SetVers"#).unwrap();

        let (index, _) = load(dir.path()).unwrap();
        assert_eq!((index.seq, index.versioning), (2, Versioning::Suspended));
        assert_eq!(journal_text(dir.path()), "", "compacted into the snapshot");
        let (reloaded, _) = load(dir.path()).unwrap();
        assert_eq!(reloaded, index);
    }

    #[test]
    fn records_already_in_the_snapshot_are_not_applied_twice() {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = create(dir.path(), &BucketIndex::new(chrono::Utc::now())).unwrap();
        journal
            .append(1, &Mutation::SetVersioning(Versioning::Enabled))
            .unwrap();
        let (index, _) = load(dir.path()).unwrap();
        // A crash after the snapshot was replaced but before the journal was emptied.
        fs::write(
            dir.path().join(JOURNAL_FILE),
            r#"{"seq":1,"mutation":{"SetVersioning":"Suspended"}}
"#,
        )
        .unwrap();
        let (reloaded, _) = load(dir.path()).unwrap();
        assert_eq!(reloaded, index);
    }

    #[test]
    fn a_damaged_record_in_the_middle_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        create(dir.path(), &BucketIndex::new(chrono::Utc::now())).unwrap();
        fs::write(dir.path().join(JOURNAL_FILE), "garbage\n{\"seq\":1}\n").unwrap();
        let err = load(dir.path()).unwrap_err();
        assert!(matches!(err, DemoError::Corrupt { .. }), "{err}");
        assert!(err.to_string().contains("delete the demo directory"));
    }
}
