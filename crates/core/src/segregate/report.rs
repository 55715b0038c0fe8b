//! What an apply did: its progress line (objects, bytes, rate, ETA, errors) and the final report,
//! also appended to the rule's log file.

use super::plan::Count;
use crate::job::{Snapshot, eta_text};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The fate of one entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Copied to its dated target, verified, source deleted.
    Moved,
    /// Copied to the error prefix, verified, source deleted.
    MovedToErrors,
    /// The destination already held it: source deleted.
    AlreadyThere,
    /// The destination holds another object: skipped (no `--overwrite`).
    Conflict,
    /// The source changed or vanished since planning: skipped.
    Changed,
    /// A request or the verification failed: the source is kept.
    Failed,
    /// Cancelled before it started.
    NotStarted,
    /// A previous run of this plan finished it (journal).
    DoneBefore,
}

/// One entry that did not simply move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub key: String,
    pub target: String,
    pub outcome: Outcome,
    pub message: String,
}

/// One progress line of an apply: "1200/2000 objects, 12.0 MiB/20.0 MiB, 480 objects/s, ETA 2s, 1 error".
pub fn progress_line(p: &Snapshot) -> String {
    let size = |b: u64| humansize::format_size(b, humansize::BINARY);
    let mut s = format!(
        "{}/{} objects, {}/{}, {:.0} objects/s",
        p.done,
        p.total.unwrap_or(0),
        size(p.bytes),
        size(p.bytes_total.unwrap_or(0)),
        p.rate
    );
    if let Some(eta) = p.eta {
        s.push_str(&format!(", ETA {}", eta_text(eta.as_secs_f64())));
    }
    if p.errors > 0 {
        let what = if p.errors == 1 { "error" } else { "errors" };
        s.push_str(&format!(", {} {what}", p.errors));
    }
    s
}

/// The final report of one apply.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplyReport {
    pub plan: String,
    pub bucket: String,
    pub journal: PathBuf,
    pub started: DateTime<Utc>,
    pub seconds: f64,
    pub moved: Count,
    pub moved_to_errors: Count,
    pub already_there: Count,
    pub conflicts: Count,
    pub changed: Count,
    pub failed: Count,
    pub not_started: Count,
    pub done_before: Count,
    /// Bytes copied by this run.
    pub bytes_copied: u64,
    pub objects_per_sec: f64,
    /// Entries whose destination was found different when apply checked it again.
    pub rechecked: u64,
    /// Multipart uploads of a killed run that were aborted.
    pub aborted_uploads: usize,
    pub cancelled: bool,
    /// Entries that did not simply move, with why.
    pub problems: Vec<Problem>,
}

impl ApplyReport {
    /// True when nothing failed and nothing changed under the plan.
    pub fn ok(&self) -> bool {
        self.failed.objects == 0 && self.changed.objects == 0 && !self.cancelled
    }

    /// The report as lines of text (for the terminal, the log file and the TUI).
    pub fn lines(&self) -> Vec<String> {
        let size = |c: &Count| humansize::format_size(c.bytes, humansize::BINARY);
        let mut out = vec![format!(
            "segregate apply s3://{} (plan {}){}: {:.1}s, {:.0} objects/s, {} copied",
            self.bucket,
            self.plan,
            if self.cancelled { ", cancelled" } else { "" },
            self.seconds,
            self.objects_per_sec,
            humansize::format_size(self.bytes_copied, humansize::BINARY)
        )];
        let rows: [(&str, &Count); 8] = [
            ("moved", &self.moved),
            ("moved to the error prefix", &self.moved_to_errors),
            ("already there (source removed)", &self.already_there),
            ("conflicts (skipped)", &self.conflicts),
            ("changed since planning (skipped)", &self.changed),
            ("failed (source kept)", &self.failed),
            ("not started", &self.not_started),
            ("done by an earlier run", &self.done_before),
        ];
        for (label, c) in rows {
            if c.objects > 0 || label == "moved" || label == "failed (source kept)" {
                out.push(format!("  {label}: {} ({})", c.objects, size(c)));
            }
        }
        if self.aborted_uploads > 0 {
            out.push(format!(
                "  aborted {} multipart upload(s) left by a killed run",
                self.aborted_uploads
            ));
        }
        for p in &self.problems {
            out.push(format!(
                "  {:?}: {} -> {}: {}",
                p.outcome, p.key, p.target, p.message
            ));
        }
        out.push(format!("  journal: {}", self.journal.display()));
        out
    }
}

/// Appends the report to `path` (created if missing), one timestamped line per report line.
pub fn append_to_log(path: &Path, report: &ApplyReport) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        crate::fsutil::create_private_dir_all(dir)?;
    }
    let mut f = crate::fsutil::open_private_append(path)?;
    let at = Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
    let mut text = String::new();
    for line in report.lines() {
        text.push_str(&format!(
            "{at} INFO segregate: {}\n",
            crate::text::escape_control(&line)
        ));
    }
    f.write_all(text.as_bytes())?;
    f.sync_data()
}
