//! The live side of a job: relaxed atomics written by the worker, a snapshot taken by readers.

use super::snapshot::Snapshot;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// Live state of one job. Counting is a relaxed atomic add; the two locks are taken only on a
/// stage change, an error message and a snapshot, never per object.
///
/// `done`, `total`, `bytes` and `bytes_total` belong to the current stage (a new stage starts
/// them at zero); `calls` (requests sent), `records` (lines, entries, rows: what the stage
/// reads inside its items) and `errors` count for the whole job.
#[derive(Debug)]
pub struct Progress {
    stages: Mutex<Vec<String>>,
    stage: AtomicUsize,
    /// Microseconds from `started` to the start of the current stage.
    stage_started: AtomicU64,
    done: AtomicU64,
    total: AtomicU64,
    bytes: AtomicU64,
    bytes_total: AtomicU64,
    errors: AtomicU64,
    calls: AtomicU64,
    records: AtomicU64,
    started: Instant,
    last_error: Mutex<Option<String>>,
    finished: AtomicBool,
    /// Stops the job at its next safe point.
    pub cancel: CancellationToken,
}

impl Default for Progress {
    fn default() -> Self {
        Self::new(&[])
    }
}

impl Progress {
    /// A job that will go through `stages` in this order (more may be added by [`Progress::stage`]).
    pub fn new(stages: &[&str]) -> Self {
        Self {
            stages: Mutex::new(stages.iter().map(|s| s.to_string()).collect()),
            stage: AtomicUsize::new(0),
            stage_started: AtomicU64::new(0),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            bytes_total: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            calls: AtomicU64::new(0),
            records: AtomicU64::new(0),
            started: Instant::now(),
            last_error: Mutex::new(None),
            finished: AtomicBool::new(false),
            cancel: CancellationToken::new(),
        }
    }

    /// The same, stopped by `cancel` (or a child of it).
    pub fn with_cancel(mut self, cancel: CancellationToken) -> Self {
        self.cancel = cancel;
        self
    }

    /// Moves to the stage named `name` (added when unknown) and starts its counters at zero.
    pub fn stage(&self, name: &str) {
        let mut stages = lock(&self.stages);
        let i = match stages.iter().position(|s| s == name) {
            Some(i) => i,
            None => {
                stages.push(name.to_string());
                stages.len() - 1
            }
        };
        self.stage.store(i, Ordering::Relaxed);
        for a in [&self.done, &self.total, &self.bytes, &self.bytes_total] {
            a.store(0, Ordering::Relaxed);
        }
        let micros = u64::try_from(self.started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.stage_started.store(micros, Ordering::Relaxed);
    }

    /// `items` more done in this stage, carrying `bytes`.
    pub fn add(&self, items: u64, bytes: u64) {
        self.done.fetch_add(items, Ordering::Relaxed);
        if bytes > 0 {
            self.bytes.fetch_add(bytes, Ordering::Relaxed);
        }
    }

    pub fn set_done(&self, items: u64) {
        self.done.store(items, Ordering::Relaxed);
    }

    /// Items this stage expects (0: unknown).
    pub fn set_total(&self, items: u64) {
        self.total.store(items, Ordering::Relaxed);
    }

    pub fn add_total(&self, items: u64) {
        self.total.fetch_add(items, Ordering::Relaxed);
    }

    /// Bytes this stage expects (0: unknown).
    pub fn set_bytes_total(&self, bytes: u64) {
        self.bytes_total.store(bytes, Ordering::Relaxed);
    }

    pub fn add_bytes_total(&self, bytes: u64) {
        self.bytes_total.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Requests sent (LIST pages, reads, trims).
    pub fn add_calls(&self, n: u64) {
        self.calls.fetch_add(n, Ordering::Relaxed);
    }

    pub fn set_calls(&self, n: u64) {
        self.calls.store(n, Ordering::Relaxed);
    }

    /// Adds the calls a sub-task counted since the last time (`seen`), now at `now`: several
    /// listings of one job each keep their own counter.
    pub fn add_calls_since(&self, seen: &mut u64, now: u64) {
        self.add_calls(now.saturating_sub(*seen));
        *seen = (*seen).max(now);
    }

    /// Records read inside the items (log lines, usage entries, rows).
    pub fn add_records(&self, n: u64) {
        self.records.fetch_add(n, Ordering::Relaxed);
    }

    pub fn set_records(&self, n: u64) {
        self.records.store(n, Ordering::Relaxed);
    }

    /// One error, kept as the last message shown.
    pub fn error(&self, message: &str) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        *lock(&self.last_error) = Some(message.to_string());
    }

    /// `n` errors not worth a message each (malformed lines).
    pub fn add_errors(&self, n: u64) {
        self.errors.fetch_add(n, Ordering::Relaxed);
    }

    pub fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }

    /// Marks the job ended (whatever its outcome); its owner may forget it.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
    }

    pub fn is_finished(&self) -> bool {
        self.finished.load(Ordering::Relaxed)
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// A copy of the progress now, with the rate and ETA of the current stage.
    pub fn snapshot(&self) -> Snapshot {
        let (stage, stages) = {
            let s = lock(&self.stages);
            let i = self.stage.load(Ordering::Relaxed);
            (s.get(i).cloned().unwrap_or_default(), s.len().max(1))
        };
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let elapsed = self.started.elapsed();
        let stage_start = Duration::from_micros(get(&self.stage_started));
        let in_stage = elapsed.saturating_sub(stage_start).as_secs_f64();
        let (done, bytes) = (get(&self.done), get(&self.bytes));
        let per_sec = |n: u64| {
            if in_stage > 0.0 {
                n as f64 / in_stage
            } else {
                0.0
            }
        };
        let total = Some(get(&self.total)).filter(|t| *t > 0);
        let rate = per_sec(done);
        Snapshot {
            stage,
            stage_index: self.stage.load(Ordering::Relaxed),
            stages,
            done,
            total,
            bytes,
            bytes_total: Some(get(&self.bytes_total)).filter(|t| *t > 0),
            errors: get(&self.errors),
            calls: get(&self.calls),
            records: get(&self.records),
            last_error: lock(&self.last_error).clone(),
            elapsed,
            rate,
            bytes_rate: per_sec(bytes),
            eta: Snapshot::eta_of(done, total, rate),
        }
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
        let p = Progress::new(&["listing", "upload"]);
        p.add(10, 100);
        p.set_total(20);
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
        assert_eq!((s.stage_index, s.done, s.errors), (1, 0, 1));
    }

    #[test]
    fn unknown_stages_are_added_and_job_counters_survive_them() {
        let p = Progress::default();
        p.stage("reading");
        p.add_calls(3);
        p.add_records(7);
        p.stage("saving");
        let s = p.snapshot();
        assert_eq!(
            (s.stage.as_str(), s.stage_index, s.stages),
            ("saving", 1, 2)
        );
        assert_eq!((s.calls, s.records), (3, 7));
        assert!(!p.is_finished());
        p.finish();
        assert!(p.is_finished());
    }
}
