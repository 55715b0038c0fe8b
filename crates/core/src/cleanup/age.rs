//! Ages like `7d`, `12h`, `30d`: how old an upload or a noncurrent version must be to go.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A whole number of seconds, written and read as `90s`, `45m`, `12h`, `7d` or `2w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Age {
    secs: u64,
}

impl Age {
    pub fn from_days(days: u64) -> Self {
        Self {
            secs: days * 86_400,
        }
    }

    pub fn secs(self) -> u64 {
        self.secs
    }

    pub fn delta(self) -> chrono::TimeDelta {
        chrono::TimeDelta::seconds(i64::try_from(self.secs).unwrap_or(i64::MAX / 1000))
    }

    /// Whole days, rounded up (lifecycle rules count in days; at least 1).
    pub fn days_ceil(self) -> u64 {
        self.secs.div_ceil(86_400).max(1)
    }
}

impl FromStr for Age {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let bad = || format!("bad age {s:?}: use a number and a unit, e.g. 7d, 12h, 30m, 2w");
        let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (n, unit) = t.split_at(split);
        let n: u64 = n.parse().map_err(|_| bad())?;
        let mult = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            "w" => 7 * 86_400,
            _ => return Err(bad()),
        };
        n.checked_mul(mult)
            .filter(|&secs| secs < 1 << 40)
            .map(|secs| Self { secs })
            .ok_or_else(|| format!("age {s:?} is too large"))
    }
}

impl TryFrom<String> for Age {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<Age> for String {
    fn from(a: Age) -> String {
        a.to_string()
    }
}

impl fmt::Display for Age {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.secs;
        for (unit, len) in [("d", 86_400), ("h", 3600), ("m", 60)] {
            if s > 0 && s.is_multiple_of(len) {
                return write!(f, "{}{unit}", s / len);
            }
        }
        write!(f, "{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::Age;

    #[test]
    fn ages_parse_and_print() {
        assert_eq!("7d".parse::<Age>().unwrap().secs(), 7 * 86_400);
        assert_eq!("12h".parse::<Age>().unwrap().to_string(), "12h");
        assert_eq!("2w".parse::<Age>().unwrap().to_string(), "14d");
        assert_eq!("36h".parse::<Age>().unwrap().days_ceil(), 2);
        assert_eq!("0d".parse::<Age>().unwrap().to_string(), "0s");
        for bad in ["", "7", "d", "7y", "-1d", "1.5d"] {
            assert!(bad.parse::<Age>().is_err(), "{bad}");
        }
    }
}
