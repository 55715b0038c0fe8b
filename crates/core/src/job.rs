//! Progress of a long job (stages, counts, bytes, errors) and its cancellation: shared by CLI and TUI.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Live state of one job, written by the worker and read by progress bars and the jobs pane.
#[derive(Debug)]
pub struct JobProgress {
    stages: Vec<String>,
    stage: AtomicU64,
    /// Items done in the current stage (objects, rows, files).
    pub done: AtomicU64,
    /// Items expected in the current stage; 0 when unknown.
    pub total: AtomicU64,
    /// Bytes handled in the current stage.
    pub bytes: AtomicU64,
    pub errors: AtomicU64,
    stage_started: Mutex<Instant>,
    started: Instant,
    last_error: Mutex<Option<String>>,
    pub cancel: CancellationToken,
}

/// A copy of the progress at one moment.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSnapshot {
    pub stage: String,
    pub stage_index: usize,
    pub stages: usize,
    pub done: u64,
    pub total: Option<u64>,
    pub bytes: u64,
    pub errors: u64,
    pub last_error: Option<String>,
    pub elapsed: Duration,
    /// Items per second in the current stage.
    pub rate: f64,
    pub eta: Option<Duration>,
}

impl JobProgress {
    pub fn new(stages: &[&str]) -> Self {
        Self {
            stages: stages.iter().map(|s| s.to_string()).collect(),
            stage: AtomicU64::new(0),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            stage_started: Mutex::new(Instant::now()),
            started: Instant::now(),
            last_error: Mutex::new(None),
            cancel: CancellationToken::new(),
        }
    }

    /// Moves to the stage named `name` (added when unknown) and resets its counters.
    pub fn stage(&self, name: &str) {
        let i = self.stages.iter().position(|s| s == name).unwrap_or(0);
        self.stage.store(i as u64, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.total.store(0, Ordering::Relaxed);
        self.bytes.store(0, Ordering::Relaxed);
        *lock(&self.stage_started) = Instant::now();
    }

    pub fn add(&self, items: u64, bytes: u64) {
        self.done.fetch_add(items, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    pub fn error(&self, message: &str) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        *lock(&self.last_error) = Some(message.to_string());
    }

    pub fn snapshot(&self) -> JobSnapshot {
        let i = self.stage.load(Ordering::Relaxed) as usize;
        let done = self.done.load(Ordering::Relaxed);
        let total = Some(self.total.load(Ordering::Relaxed)).filter(|t| *t > 0);
        let in_stage = lock(&self.stage_started).elapsed();
        let rate = if in_stage.as_secs_f64() > 0.0 {
            done as f64 / in_stage.as_secs_f64()
        } else {
            0.0
        };
        let eta = total
            .filter(|t| *t >= done && rate > 0.0)
            .map(|t| Duration::from_secs_f64((t - done) as f64 / rate));
        JobSnapshot {
            stage: self.stages.get(i).cloned().unwrap_or_default(),
            stage_index: i,
            stages: self.stages.len(),
            done,
            total,
            bytes: self.bytes.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            last_error: lock(&self.last_error).clone(),
            elapsed: self.started.elapsed(),
            rate,
            eta,
        }
    }
}

impl JobSnapshot {
    /// One line for stderr: `stage 2/4 listing: 120000 (8000/s), 3 errors`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "stage {}/{} {}: {}",
            self.stage_index + 1,
            self.stages,
            self.stage,
            self.done
        );
        if let Some(t) = self.total {
            s.push_str(&format!("/{t}"));
        }
        s.push_str(&format!(" ({:.0}/s", self.rate));
        if self.bytes > 0 {
            s.push_str(&format!(
                ", {}",
                humansize::format_size(self.bytes, humansize::BINARY)
            ));
        }
        if let Some(eta) = self.eta {
            s.push_str(&format!(", ETA {}s", eta.as_secs()));
        }
        s.push(')');
        if self.errors > 0 {
            s.push_str(&format!(", {} errors", self.errors));
        }
        s
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_and_line() {
        let p = JobProgress::new(&["listing", "upload"]);
        p.add(10, 100);
        p.total.store(20, Ordering::Relaxed);
        p.error("boom");
        let s = p.snapshot();
        assert_eq!(
            (s.stage.as_str(), s.done, s.total, s.errors),
            ("listing", 10, Some(20), 1)
        );
        assert!(
            s.line().starts_with("stage 1/2 listing: 10/20"),
            "{}",
            s.line()
        );
        p.stage("upload");
        let s = p.snapshot();
        assert_eq!((s.stage_index, s.done), (1, 0));
    }
}
