//! What an apply did: live progress (objects, bytes, rate, ETA, errors) and the final report,
//! also appended to the rule's log file.

use super::plan::Count;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

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

/// Counters shared with whoever shows progress.
#[derive(Debug, Default)]
pub struct ApplyProgress {
    pub objects_total: AtomicU64,
    pub bytes_total: AtomicU64,
    pub objects_done: AtomicU64,
    pub bytes_done: AtomicU64,
    pub errors: AtomicU64,
}

/// Progress at one instant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ProgressSnapshot {
    pub objects_done: u64,
    pub objects_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
    pub errors: u64,
    pub elapsed_secs: f64,
    pub objects_per_sec: f64,
    pub bytes_per_sec: f64,
    /// Seconds left at the current rate, once there is a rate.
    pub eta_secs: Option<f64>,
}

impl ApplyProgress {
    pub fn done(&self, bytes: u64) {
        self.objects_done.fetch_add(1, Ordering::Relaxed);
        self.bytes_done.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn snapshot(&self, elapsed: Duration) -> ProgressSnapshot {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let secs = elapsed.as_secs_f64();
        let (done, total) = (g(&self.objects_done), g(&self.objects_total));
        let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
        ProgressSnapshot {
            objects_done: done,
            objects_total: total,
            bytes_done: g(&self.bytes_done),
            bytes_total: g(&self.bytes_total),
            errors: g(&self.errors),
            elapsed_secs: secs,
            objects_per_sec: rate,
            bytes_per_sec: if secs > 0.0 {
                g(&self.bytes_done) as f64 / secs
            } else {
                0.0
            },
            eta_secs: (rate > 0.0).then(|| total.saturating_sub(done) as f64 / rate),
        }
    }
}

impl ProgressSnapshot {
    /// "1200/2000 objects, 12.0 MiB/20.0 MiB, 480/s, ETA 2s, 1 error"
    pub fn line(&self) -> String {
        let size = |b: u64| humansize::format_size(b, humansize::BINARY);
        let mut s = format!(
            "{}/{} objects, {}/{}, {:.0} objects/s",
            self.objects_done,
            self.objects_total,
            size(self.bytes_done),
            size(self.bytes_total),
            self.objects_per_sec
        );
        if let Some(eta) = self.eta_secs {
            s.push_str(&format!(", ETA {}", eta_text(eta)));
        }
        if self.errors > 0 {
            let what = if self.errors == 1 { "error" } else { "errors" };
            s.push_str(&format!(", {} {what}", self.errors));
        }
        s
    }
}

/// "45s", "3m05s", "2h10m".
pub fn eta_text(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
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
