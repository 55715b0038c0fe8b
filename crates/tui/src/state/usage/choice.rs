//! The windows the Usage pane collects: the last 1h, 24h or 7d, or the hour in progress.

use chrono::{DateTime, Duration, Utc};
use s3scope_core::instants::{Period, Span, Window, WindowError, WindowRequest, start_of};

/// A window the pane collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// The period ending at the last full hour.
    Last(Period),
    /// The hour in progress: its numbers still grow, and it is never trimmed.
    Now,
}

impl Choice {
    /// "1h", "24h", "7d", "now".
    pub fn label(self) -> String {
        match self {
            Self::Last(p) => p.to_string(),
            Self::Now => "now".into(),
        }
    }

    /// "the last 24h", "the hour in progress".
    pub fn describe(self) -> String {
        match self {
            Self::Last(p) => format!("the last {p}"),
            Self::Now => "the hour in progress".into(),
        }
    }

    /// The window at `now`.
    pub fn window(self, now: DateTime<Utc>) -> Result<Window, WindowError> {
        match self {
            Self::Last(p) => WindowRequest::default().resolve(p, now),
            Self::Now => {
                let hour = start_of(now, Span::Hour);
                Window::new(hour, hour + Duration::hours(1))
            }
        }
    }
}

/// The windows `w` cycles through.
pub const CHOICES: [Choice; 4] = [
    Choice::Last(Period::HOUR),
    Choice::Last(Period::DAY),
    Choice::Last(Period::WEEK),
    Choice::Now,
];
