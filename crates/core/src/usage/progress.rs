//! The stages of a usage collection and its progress line, over the one job model ([`crate::job`]).
//!
//! Counting: `calls` LIST calls, `done`/`total` the stage's items (log objects found while
//! listing, objects or usage responses read, trim requests), `bytes` downloaded, `records` the
//! access log lines or RGW usage entries read, `errors` the malformed lines.

use crate::job::{Progress, Snapshot};

/// What a collection is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Starting,
    /// Finishing what a killed run left undone (saving, trimming).
    Recovering,
    /// Looking for log objects.
    Listing,
    /// Reading log objects.
    ReadingLogs,
    /// Reading the RGW usage log.
    ReadingUsage,
    /// Waiting for the gateway to flush the last minute of the window.
    Settling,
    /// Writing the state file, backup and summary.
    Saving,
    /// Deleting what was saved from the source.
    Trimming,
    Done,
}

impl Phase {
    const ALL: [Phase; 9] = [
        Self::Starting,
        Self::Recovering,
        Self::Listing,
        Self::ReadingLogs,
        Self::ReadingUsage,
        Self::Settling,
        Self::Saving,
        Self::Trimming,
        Self::Done,
    ];

    /// The job stage this phase is (unique per phase).
    pub fn name(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Recovering => "recovering",
            Self::Listing => "listing",
            Self::ReadingLogs => "reading logs",
            Self::ReadingUsage => "reading usage",
            Self::Settling => "settling",
            Self::Saving => "saving",
            Self::Trimming => "trimming",
            Self::Done => "done",
        }
    }

    /// What the user reads.
    pub fn label(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Recovering => "finishing an interrupted run",
            Self::Listing => "listing log objects",
            Self::ReadingLogs | Self::ReadingUsage => "reading",
            Self::Settling => "waiting for the usage log to settle",
            Self::Saving => "saving",
            Self::Trimming => "trimming",
            Self::Done => "done",
        }
    }

    /// The phase of a snapshot of a collection's progress.
    pub fn of(p: &Snapshot) -> Self {
        Self::ALL
            .into_iter()
            .find(|ph| ph.name() == p.stage)
            .unwrap_or_default()
    }

    /// Enters this phase in `progress`.
    pub fn enter(self, progress: &Progress) {
        progress.stage(self.name());
    }
}

/// One line for a progress bar or status line.
pub fn line(p: &Snapshot) -> String {
    let size = humansize::format_size(p.bytes, humansize::BINARY);
    let phase = Phase::of(p);
    let mut s = phase.label().to_string();
    let total = p.total.unwrap_or(0);
    match phase {
        Phase::Listing => s += &format!(": {} log objects found, {} LIST calls", p.done, p.calls),
        Phase::ReadingLogs => {
            s += &format!(
                ": {}/{total} objects, {} lines ({} malformed), {size}",
                p.done, p.records, p.errors
            );
        }
        Phase::ReadingUsage => s += &format!(": {} usage entries, {size}", p.records),
        Phase::Trimming | Phase::Recovering if total > 0 => {
            s += &format!(": {}/{total}", p.done);
        }
        _ => {}
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_round_trip_and_lines_read_well() {
        let p = Progress::default();
        assert_eq!(Phase::of(&p.snapshot()), Phase::Starting);
        for phase in Phase::ALL {
            phase.enter(&p);
            assert_eq!(Phase::of(&p.snapshot()), phase);
        }
        Phase::ReadingLogs.enter(&p);
        p.set_total(10);
        p.add(3, 2048);
        p.add_records(3000);
        p.add_errors(2);
        assert_eq!(
            line(&p.snapshot()),
            "reading: 3/10 objects, 3000 lines (2 malformed), 2 KiB"
        );
    }
}
