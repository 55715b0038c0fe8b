//! Live counters of a usage collection, shared with whoever shows progress (CLI bar, TUI pane).

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

/// What a collection is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Starting,
    /// Finishing what a killed run left undone (saving, trimming).
    Recovering,
    /// Looking for log objects.
    Listing,
    /// Reading the usage log or log objects.
    Reading,
    /// Waiting for the gateway to flush the last minute of the window.
    Settling,
    /// Writing the state file, backup and summary.
    Saving,
    /// Deleting what was saved from the source.
    Trimming,
    Done,
}

impl Phase {
    const ALL: [Phase; 8] = [
        Self::Starting,
        Self::Recovering,
        Self::Listing,
        Self::Reading,
        Self::Settling,
        Self::Saving,
        Self::Trimming,
        Self::Done,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Recovering => "finishing an interrupted run",
            Self::Listing => "listing log objects",
            Self::Reading => "reading",
            Self::Settling => "waiting for the usage log to settle",
            Self::Saving => "saving",
            Self::Trimming => "trimming",
            Self::Done => "done",
        }
    }
}

/// Counters updated by the collector, read at any time from other tasks.
#[derive(Debug, Default)]
pub struct Progress {
    phase: AtomicU8,
    pub list_calls: AtomicU64,
    /// Log objects found in the delivery range.
    pub listed: AtomicU64,
    /// Log objects (or usage responses) to read.
    pub to_read: AtomicU64,
    /// Log objects (or usage responses) read.
    pub read: AtomicU64,
    /// Bytes downloaded.
    pub bytes: AtomicU64,
    /// Access log lines read, malformed ones included.
    pub lines: AtomicU64,
    pub malformed: AtomicU64,
    /// RGW usage entries (one user, bucket and hour each).
    pub entries: AtomicU64,
    /// Trim requests done or log objects deleted.
    pub trimmed: AtomicU64,
    /// Trim requests or log objects to delete.
    pub to_trim: AtomicU64,
}

impl Progress {
    pub fn set_phase(&self, phase: Phase) {
        let i = Phase::ALL.iter().position(|p| *p == phase).unwrap_or(0);
        self.phase
            .store(u8::try_from(i).unwrap_or(0), Ordering::Relaxed);
    }

    pub fn phase(&self) -> Phase {
        Phase::ALL
            .get(usize::from(self.phase.load(Ordering::Relaxed)))
            .copied()
            .unwrap_or_default()
    }

    /// A consistent-enough copy for display.
    pub fn snapshot(&self) -> Snapshot {
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Snapshot {
            phase: self.phase(),
            list_calls: get(&self.list_calls),
            listed: get(&self.listed),
            to_read: get(&self.to_read),
            read: get(&self.read),
            bytes: get(&self.bytes),
            lines: get(&self.lines),
            malformed: get(&self.malformed),
            entries: get(&self.entries),
            trimmed: get(&self.trimmed),
            to_trim: get(&self.to_trim),
        }
    }
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Snapshot {
    pub phase: Phase,
    pub list_calls: u64,
    pub listed: u64,
    pub to_read: u64,
    pub read: u64,
    pub bytes: u64,
    pub lines: u64,
    pub malformed: u64,
    pub entries: u64,
    pub trimmed: u64,
    pub to_trim: u64,
}

impl Snapshot {
    /// One line for a progress bar or status line.
    pub fn line(&self) -> String {
        let size = humansize::format_size(self.bytes, humansize::BINARY);
        let mut s = self.phase.label().to_string();
        match self.phase {
            Phase::Listing => {
                s += &format!(
                    ": {} log objects found, {} LIST calls",
                    self.listed, self.list_calls
                )
            }
            Phase::Reading if self.lines > 0 || self.to_read > 1 => {
                s += &format!(
                    ": {}/{} objects, {} lines ({} malformed), {size}",
                    self.read, self.to_read, self.lines, self.malformed
                );
            }
            Phase::Reading => s += &format!(": {} usage entries, {size}", self.entries),
            Phase::Trimming | Phase::Recovering if self.to_trim > 0 => {
                s += &format!(": {}/{}", self.trimmed, self.to_trim);
            }
            _ => {}
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_round_trip_and_lines_read_well() {
        let p = Progress::default();
        assert_eq!(p.phase(), Phase::Starting);
        for phase in Phase::ALL {
            p.set_phase(phase);
            assert_eq!(p.phase(), phase);
        }
        p.set_phase(Phase::Reading);
        p.to_read.store(10, Ordering::Relaxed);
        p.read.store(3, Ordering::Relaxed);
        p.lines.store(3000, Ordering::Relaxed);
        p.malformed.store(2, Ordering::Relaxed);
        p.bytes.store(2048, Ordering::Relaxed);
        assert_eq!(
            p.snapshot().line(),
            "reading: 3/10 objects, 3000 lines (2 malformed), 2 KiB"
        );
    }
}
