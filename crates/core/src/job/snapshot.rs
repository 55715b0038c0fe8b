//! A job's progress at one moment: what every front end draws (bars, lines, the Jobs list).

use std::time::Duration;

/// A copy of a [`super::Progress`]. `done`/`total` count the current stage's items (objects,
/// keys, files, requests); `rate` is items per second in the stage.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    pub stage: String,
    pub stage_index: usize,
    pub stages: usize,
    pub done: u64,
    /// Items the stage expects, when known.
    pub total: Option<u64>,
    pub bytes: u64,
    /// Bytes the stage expects, when known.
    pub bytes_total: Option<u64>,
    pub errors: u64,
    /// Requests sent by the whole job.
    pub calls: u64,
    /// Records read inside the items (lines, usage entries, rows).
    pub records: u64,
    pub last_error: Option<String>,
    /// Since the job started.
    pub elapsed: Duration,
    /// Items per second in the current stage.
    pub rate: f64,
    /// Bytes per second in the current stage.
    pub bytes_rate: f64,
    /// Time left at the current rate, once there is a rate and a total.
    pub eta: Option<Duration>,
}

impl Snapshot {
    /// Time left for `total - done` items at `rate` per second.
    pub fn eta_of(done: u64, total: Option<u64>, rate: f64) -> Option<Duration> {
        total
            .filter(|t| *t >= done && rate > 0.0)
            .map(|t| Duration::from_secs_f64((t - done) as f64 / rate))
    }

    /// Requests per second since the job started (LIST pages for a scan).
    pub fn calls_per_sec(&self) -> f64 {
        per_sec(self.calls, self.elapsed)
    }

    /// Items per second since the job started.
    pub fn items_per_sec(&self) -> f64 {
        per_sec(self.done, self.elapsed)
    }

    /// Percent done and time left when `expected` items are known (for a scan: a snapshot, RGW
    /// stats, CloudWatch); None before the first items or with nothing expected.
    pub fn progress_of(&self, expected: u64) -> Option<(f64, Duration)> {
        if expected == 0 || self.done == 0 {
            return None;
        }
        let pct = (self.done as f64 * 100.0 / expected as f64).min(100.0);
        let rate = self.items_per_sec();
        let left = expected.saturating_sub(self.done) as f64;
        let eta = if rate > 0.0 {
            Duration::from_secs_f64(left / rate)
        } else {
            Duration::ZERO
        };
        Some((pct, eta))
    }

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

    /// (done, total) for a filled bar, when the total is known.
    pub fn counts(&self) -> Option<(u64, u64)> {
        self.total.map(|t| (self.done, t))
    }
}

fn per_sec(n: u64, over: Duration) -> f64 {
    let s = over.as_secs_f64();
    if s > 0.0 { n as f64 / s } else { 0.0 }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_of_an_expected_count() {
        let s = Snapshot {
            done: 50,
            elapsed: Duration::from_secs(5),
            ..Default::default()
        };
        let (pct, eta) = s.progress_of(100).unwrap();
        assert_eq!((pct, eta), (50.0, Duration::from_secs(5)));
        assert_eq!(s.progress_of(0), None);
        assert_eq!(eta_text(185.0), "3m05s");
    }
}
