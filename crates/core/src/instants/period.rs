//! Lengths of windows in whole hours: `1h`, `24h`, `7d`, `2w`, or the seed's seconds.

use super::WindowError;
use chrono::Duration;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest period accepted (ten years), far beyond any log retention, far below overflow.
const MAX_PERIOD_HOURS: i64 = 24 * 3660;

/// A length of time in whole hours: `1h`, `24h`, `7d`, `2w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    hours: i64,
}

impl Period {
    pub const HOUR: Period = Period { hours: 1 };
    pub const DAY: Period = Period { hours: 24 };
    pub const WEEK: Period = Period { hours: 24 * 7 };

    /// Parses `Nh`, `Nd` or `Nw` (N ≥ 1); `flag` names the option in the error.
    pub fn parse(flag: &'static str, text: &str) -> Result<Self, WindowError> {
        let bad = || WindowError::BadPeriod {
            flag,
            text: text.to_string(),
        };
        let t = text.trim();
        let split = t
            .len()
            .checked_sub(1)
            .filter(|&i| t.is_char_boundary(i))
            .ok_or_else(bad)?;
        let (number, unit) = t.split_at(split);
        let n: i64 = number.parse().map_err(|_| bad())?;
        let per = match unit {
            "h" | "H" => 1,
            "d" | "D" => 24,
            "w" | "W" => 24 * 7,
            _ => return Err(bad()),
        };
        Self::from_hours(n.checked_mul(per).ok_or_else(bad)?).ok_or_else(bad)
    }

    /// A period of `seconds`, which must be a whole number of hours (the seed's
    /// `S3_USAGE_PERIOD=3600`).
    pub fn from_seconds(flag: &'static str, seconds: &str) -> Result<Self, WindowError> {
        let bad = || WindowError::BadPeriod {
            flag,
            text: seconds.to_string(),
        };
        let s: i64 = seconds.trim().parse().map_err(|_| bad())?;
        if s % 3600 != 0 {
            return Err(bad());
        }
        Self::from_hours(s / 3600).ok_or_else(bad)
    }

    fn from_hours(hours: i64) -> Option<Self> {
        (1..=MAX_PERIOD_HOURS)
            .contains(&hours)
            .then_some(Self { hours })
    }

    pub fn duration(self) -> Duration {
        Duration::hours(self.hours)
    }

    pub fn hours(self) -> i64 {
        self.hours
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `24h` reads better than `1d`; days from two on.
        match self.hours {
            h if h >= 48 && h % 24 == 0 => write!(f, "{}d", h / 24),
            h => write!(f, "{h}h"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_parse_whole_hours_only() {
        let p = |s| Period::parse("--period", s);
        assert_eq!(p("1h").unwrap().hours(), 1);
        assert_eq!(p("24h").unwrap(), Period::DAY);
        assert_eq!(p("7d").unwrap(), Period::WEEK);
        assert_eq!(p(" 2W ").unwrap().hours(), 336);
        for bad in [
            "",
            "h",
            "0h",
            "-1h",
            "1.5h",
            "30m",
            "1",
            "1y",
            "3661d",
            "é",
            "99999999999999999w",
        ] {
            assert!(p(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            Period::from_seconds("S3_USAGE_PERIOD", "3600").unwrap(),
            Period::HOUR
        );
        assert_eq!(
            Period::from_seconds("S3_USAGE_PERIOD", "86400").unwrap(),
            Period::DAY
        );
        let e = Period::from_seconds("S3_USAGE_PERIOD", "1800").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("S3_USAGE_PERIOD `1800` is not a period"),
            "{e}"
        );
        assert_eq!(Period::DAY.to_string(), "24h");
        assert_eq!(p("36h").unwrap().to_string(), "36h");
        assert_eq!(Period::WEEK.to_string(), "7d");
        assert_eq!(p("2w").unwrap().to_string(), "14d");
    }
}
