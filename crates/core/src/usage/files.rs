//! Where a collection writes: run names, backup names, raw chunks, and a writability check up front.

use super::UsageError;
use crate::fsutil::write_atomic;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

/// The name of a run, from its start time: `2024-05-10_14-05-00` (UTC), as in backup names.
pub fn run_name(started: DateTime<Utc>) -> String {
    started.format("%Y-%m-%d_%H-%M-%S").to_string()
}

/// `backups/summarized_data_2024-05-10_14-05-00.json` for `results/summarized_data.json`; a
/// suffix keeps two runs in the same second from sharing a backup.
pub fn backup_path(backup_dir: &Path, summary_file: &Path, run: &str) -> PathBuf {
    let stem = summary_file.file_stem().map_or_else(
        || "summarized_data".into(),
        |s| s.to_string_lossy().into_owned(),
    );
    let first = backup_dir.join(format!("{stem}_{run}.json"));
    if !first.exists() {
        return first;
    }
    (2..)
        .map(|n| backup_dir.join(format!("{stem}_{run}_{n}.json")))
        .find(|p| !p.exists())
        .unwrap_or(first)
}

/// Creates `dir` when missing and proves it writable with a temporary file, so that a
/// collection fails before it reads anything rather than after.
pub fn ensure_writable_dir(dir: &Path) -> Result<(), UsageError> {
    let shown = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    crate::fsutil::create_private_dir_all(shown)
        .map_err(UsageError::io("create the directory", shown))?;
    tempfile::Builder::new()
        .prefix(".s3scope-probe-")
        .tempfile_in(shown)
        .map(drop)
        .map_err(UsageError::io("write into the directory", shown))
}

/// The directory of a file path (`.` for a bare name).
pub fn parent_dir(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Replaces `path` atomically with what `fill` writes, streamed (a summary of millions of
/// records is never held in memory as text): temp file in the same directory, fsync, rename,
/// fsync of the directory. Readers see the old file or the new one, never a mix.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = parent_dir(path);
    let tmp = tempfile::Builder::new()
        .prefix(".s3scope-tmp-")
        .tempfile_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp);
    fill(&mut out)?;
    out.flush()?;
    let tmp = out
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// Writes raw chunks (each usage response or log object as JSON) of one run.
#[derive(Debug, Clone)]
pub struct ChunkWriter {
    dir: PathBuf,
    run: String,
}

impl ChunkWriter {
    pub fn new(dir: &Path, run: &str) -> Self {
        Self {
            dir: dir.to_path_buf(),
            run: run.to_string(),
        }
    }

    /// Writes `value` as `<run>_<name>.json`, where `name` (a log object key, say) keeps only
    /// letters, digits, `.`, `-` and `_`.
    pub fn write(&self, name: &str, value: &serde_json::Value) -> Result<PathBuf, UsageError> {
        let safe: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self.dir.join(format!("{}_{safe}.json", self.run));
        let body = serde_json::to_vec(value)
            .map_err(|e| UsageError::io("write the raw chunk", &path)(std::io::Error::other(e)))?;
        write_atomic(&path, &body, None).map_err(UsageError::io("write the raw chunk", &path))?;
        Ok(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn backup_names_follow_the_seed_and_never_collide() {
        let d = tempfile::tempdir().unwrap();
        let run = run_name(Utc.with_ymd_and_hms(2024, 5, 10, 14, 5, 0).unwrap());
        assert_eq!(run, "2024-05-10_14-05-00");
        let summary = Path::new("results/summarized_data.json");
        let first = backup_path(d.path(), summary, &run);
        assert_eq!(
            first,
            d.path().join("summarized_data_2024-05-10_14-05-00.json")
        );
        std::fs::write(&first, "{}").unwrap();
        let second = backup_path(d.path(), summary, &run);
        assert_eq!(
            second,
            d.path().join("summarized_data_2024-05-10_14-05-00_2.json")
        );
    }

    #[test]
    fn chunk_names_are_flat_and_safe() {
        let d = tempfile::tempdir().unwrap();
        let w = ChunkWriter::new(d.path(), "r1");
        let p = w
            .write(
                "logs/2024-05-10-13-00-00-AB CD/..",
                &serde_json::json!({"a": 1}),
            )
            .unwrap();
        assert_eq!(
            p.file_name().unwrap(),
            "r1_logs_2024-05-10-13-00-00-AB_CD_...json"
        );
        assert_eq!(std::fs::read_to_string(p).unwrap(), r#"{"a":1}"#);
    }

    #[test]
    fn unwritable_directories_are_found_before_any_work() {
        let d = tempfile::tempdir().unwrap();
        // A file where a directory should be fails for root too, unlike permission bits.
        let blocker = d.path().join("blocker");
        std::fs::write(&blocker, "x").unwrap();
        let e = ensure_writable_dir(&blocker.join("results")).unwrap_err();
        assert!(
            e.to_string().starts_with("cannot create the directory"),
            "{e}"
        );
        assert!(e.to_string().ends_with("nothing was trimmed"), "{e}");
        ensure_writable_dir(&d.path().join("a/b")).unwrap();
        assert!(d.path().join("a/b").is_dir());
    }
}
