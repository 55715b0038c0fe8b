//! Windows `[since, until)` from `--since/--until/--period`: parsing, hour alignment, refusals.

use super::{Period, Span, start_of};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use thiserror::Error;

/// How the default end of a window is described in messages.
pub const LAST_FULL_HOUR: &str = "the last full hour";

/// Why a window cannot be used. Each message says what to type instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WindowError {
    #[error(
        "{flag} `{text}` is not a time: write RFC 3339 (2024-05-01T10:00:00Z), YYYY-MM-DD or \
         `YYYY-MM-DD HH:MM` (UTC), or `now`"
    )]
    BadInstant { flag: &'static str, text: String },
    #[error(
        "{flag} `{text}` is not a period: write a whole number of hours, days or weeks such as \
         1h, 24h or 7d (at most 3660d)"
    )]
    BadPeriod { flag: &'static str, text: String },
    #[error(
        "--since, --until and --period together over-determine the window: give at most two of them"
    )]
    Overdetermined,
    #[error(
        "the window ends ({}) at or before it starts ({}): --until must be later than --since",
        show(*.until), show(*.since)
    )]
    EndBeforeStart {
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    },
    #[error("the window starts at {}, in the future (it is {} now, UTC)", show(*.since), show(*.now))]
    StartsInFuture {
        since: DateTime<Utc>,
        now: DateTime<Utc>,
    },
    #[error(
        "the window ends at {}, after the hour in progress (which ends at {}): nothing is logged \
         there yet; give an earlier --until, or leave it out to end at {LAST_FULL_HOUR}",
        show(*.until), show(*.limit)
    )]
    EndsInFuture {
        until: DateTime<Utc>,
        limit: DateTime<Utc>,
    },
    #[error(
        "--since {} falls in the hour in progress, so a window ending at {LAST_FULL_HOUR} ({}) is \
         empty; add `--until now` to include the hour in progress",
        show(*.since), show(*.last_full_hour)
    )]
    NoFullHour {
        since: DateTime<Utc>,
        last_full_hour: DateTime<Utc>,
    },
}

/// A half-open interval of time `[since, until)` in UTC, never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    /// First moment inside the window.
    pub since: DateTime<Utc>,
    /// First moment after the window.
    pub until: DateTime<Utc>,
}

impl Window {
    /// The window `[since, until)`; refuses an empty or inverted one.
    pub fn new(since: DateTime<Utc>, until: DateTime<Utc>) -> Result<Self, WindowError> {
        if since >= until {
            return Err(WindowError::EndBeforeStart { since, until });
        }
        Ok(Self { since, until })
    }

    /// The smallest window of whole hours that covers this one.
    pub fn aligned_to_hours(self) -> Self {
        Self {
            since: start_of(self.since, Span::Hour),
            until: ceil_hour(self.until),
        }
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.since <= t && t < self.until
    }

    pub fn duration(&self) -> Duration {
        self.until - self.since
    }

    /// The starts of the hours that overlap the window, in order.
    pub fn hours(&self) -> impl Iterator<Item = DateTime<Utc>> + use<> {
        let first = start_of(self.since, Span::Hour);
        let until = self.until;
        (0..)
            .map(move |i| first + Duration::hours(i))
            .take_while(move |h| *h < until)
    }

    /// How many hours overlap the window.
    pub fn hour_count(&self) -> usize {
        self.hours().count()
    }

    /// True when the window has ended at `now`: nothing more can happen inside it.
    pub fn is_over(&self, now: DateTime<Utc>) -> bool {
        self.until <= now
    }
}

impl fmt::Display for Window {
    /// `2024-05-01 10:00 .. 2024-05-01 11:00 UTC`, seconds only when they are not zero.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |t: DateTime<Utc>| {
            if t.timestamp() % 60 == 0 {
                t.format("%Y-%m-%d %H:%M").to_string()
            } else {
                t.format("%Y-%m-%d %H:%M:%S").to_string()
            }
        };
        write!(f, "{} .. {} UTC", show(self.since), show(self.until))
    }
}

/// The window flags as typed; [`resolve`](Self::resolve) turns them into an hour-aligned window.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowRequest {
    pub since: Option<String>,
    pub until: Option<String>,
    pub period: Option<Period>,
}

impl WindowRequest {
    /// The window of whole hours the flags ask for, at `now`:
    /// - `--since` and `--until`: that window, widened to whole hours;
    /// - one of them with `--period` (or `default_period`): that long from/to it;
    /// - only `--since`: up to the last full hour;
    /// - only `--period` or nothing: the period ending at the last full hour.
    ///
    /// The window may reach into the hour in progress (`--until now`), never past it.
    pub fn resolve(
        &self,
        default_period: Period,
        now: DateTime<Utc>,
    ) -> Result<Window, WindowError> {
        let since = self
            .since
            .as_deref()
            .map(|t| parse_instant("--since", t, now))
            .transpose()?;
        let until = self
            .until
            .as_deref()
            .map(|t| parse_instant("--until", t, now))
            .transpose()?;
        let last_full_hour = start_of(now, Span::Hour);
        let span = self.period.unwrap_or(default_period).duration();
        let window = match (since, until, self.period) {
            (Some(_), Some(_), Some(_)) => return Err(WindowError::Overdetermined),
            (Some(s), Some(u), None) => Window::new(s, u)?,
            (Some(s), None, Some(_)) => Window::new(s, s + span)?,
            (Some(s), None, None) => {
                if start_of(s, Span::Hour) >= last_full_hour && s <= now {
                    return Err(WindowError::NoFullHour {
                        since: s,
                        last_full_hour,
                    });
                }
                Window::new(s, last_full_hour.max(s + Duration::seconds(1)))?
            }
            (None, Some(u), _) => Window::new(u - span, u)?,
            (None, None, _) => Window::new(last_full_hour - span, last_full_hour)?,
        };
        let window = window.aligned_to_hours();
        if window.since > now {
            return Err(WindowError::StartsInFuture {
                since: window.since,
                now,
            });
        }
        let limit = ceil_hour(now);
        if window.until > limit {
            return Err(WindowError::EndsInFuture {
                until: window.until,
                limit,
            });
        }
        Ok(window)
    }
}

/// Parses a UTC instant: RFC 3339 with any offset, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` (also
/// with a `T`), or `now`. `flag` names the option in the error.
pub fn parse_instant(
    flag: &'static str,
    text: &str,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>, WindowError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Ok(d.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    for format in [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(d.and_utc());
        }
    }
    Err(WindowError::BadInstant {
        flag,
        text: text.to_string(),
    })
}

/// An instant in a message: RFC 3339 to the second.
fn show(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The first hour boundary at or after `t`.
fn ceil_hour(t: DateTime<Utc>) -> DateTime<Utc> {
    let floor = start_of(t, Span::Hour);
    if floor == t {
        t
    } else {
        floor + Duration::hours(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, d, h, m, 0).unwrap()
    }

    /// 2024-05-10 14:25 UTC.
    fn now() -> DateTime<Utc> {
        t(10, 14, 25)
    }

    fn req(since: Option<&str>, until: Option<&str>, period: Option<&str>) -> WindowRequest {
        WindowRequest {
            since: since.map(str::to_string),
            until: until.map(str::to_string),
            period: period.map(|p| Period::parse("--period", p).unwrap()),
        }
    }

    fn resolve(
        since: Option<&str>,
        until: Option<&str>,
        period: Option<&str>,
    ) -> Result<Window, WindowError> {
        req(since, until, period).resolve(Period::HOUR, now())
    }

    fn w(since: DateTime<Utc>, until: DateTime<Utc>) -> Window {
        Window::new(since, until).unwrap()
    }

    #[test]
    fn default_and_periods_end_at_the_last_full_hour() {
        assert_eq!(
            resolve(None, None, None).unwrap(),
            w(t(10, 13, 0), t(10, 14, 0))
        );
        assert_eq!(
            resolve(None, None, Some("24h")).unwrap(),
            w(t(9, 14, 0), t(10, 14, 0))
        );
        assert_eq!(
            resolve(None, None, Some("7d")).unwrap(),
            w(t(3, 14, 0), t(10, 14, 0))
        );
        let day = req(None, None, None).resolve(Period::DAY, now()).unwrap();
        assert_eq!(day.hour_count(), 24);
    }

    #[test]
    fn since_and_until_are_widened_to_whole_hours() {
        let x = resolve(
            Some("2024-05-10 09:30"),
            Some("2024-05-10T12:10:00+02:00"),
            None,
        )
        .unwrap();
        assert_eq!(x, w(t(10, 9, 0), t(10, 11, 0)));
        let x = resolve(Some("2024-05-09"), None, None).unwrap();
        assert_eq!(x, w(t(9, 0, 0), t(10, 14, 0)));
        let x = resolve(Some("2024-05-09 22:00"), None, Some("3h")).unwrap();
        assert_eq!(x, w(t(9, 22, 0), t(10, 1, 0)));
        let x = resolve(None, Some("2024-05-10 12:00"), Some("2h")).unwrap();
        assert_eq!(x, w(t(10, 10, 0), t(10, 12, 0)));
        let x = resolve(None, Some("2024-05-10 12:00"), None).unwrap();
        assert_eq!(x, w(t(10, 11, 0), t(10, 12, 0)));
        // `now` reaches into the hour in progress.
        let x = resolve(Some("2024-05-10 14:00"), Some("now"), None).unwrap();
        assert_eq!(x, w(t(10, 14, 0), t(10, 15, 0)));
        assert_eq!(x.hours().collect::<Vec<_>>(), [t(10, 14, 0)]);
    }

    #[test]
    fn bad_windows_are_refused_with_a_reason() {
        let e = resolve(Some("2024-05-10 12:00"), Some("2024-05-10 11:00"), None).unwrap_err();
        assert!(matches!(e, WindowError::EndBeforeStart { .. }), "{e}");
        assert!(
            e.to_string().contains("--until must be later than --since"),
            "{e}"
        );
        let e = resolve(Some("2024-05-10 12:00"), Some("2024-05-10 12:00"), None).unwrap_err();
        assert!(matches!(e, WindowError::EndBeforeStart { .. }), "{e}");
        let e = resolve(Some("2024-05-11"), None, Some("1h")).unwrap_err();
        assert!(matches!(e, WindowError::StartsInFuture { .. }), "{e}");
        let e = resolve(Some("2024-05-10 15:00"), Some("2024-05-10 17:00"), None).unwrap_err();
        assert!(matches!(e, WindowError::StartsInFuture { .. }), "{e}");
        let e = resolve(Some("2024-05-10 10:00"), Some("2024-05-10 16:00"), None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the window ends at 2024-05-10T16:00:00Z, after the hour in progress (which ends at \
             2024-05-10T15:00:00Z): nothing is logged there yet; give an earlier --until, or leave \
             it out to end at the last full hour"
        );
        let e = resolve(Some("2024-05-10 14:05"), None, None).unwrap_err();
        assert!(e.to_string().contains("add `--until now`"), "{e}");
        let e = resolve(Some("a"), Some("b"), Some("1h")).unwrap_err();
        assert!(
            matches!(
                e,
                WindowError::BadInstant {
                    flag: "--since",
                    ..
                }
            ),
            "{e}"
        );
        let e = resolve(Some("2024-05-09"), Some("2024-05-10"), Some("1h")).unwrap_err();
        assert_eq!(e, WindowError::Overdetermined);
        let e = resolve(Some("yesterday"), None, None).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("--since `yesterday` is not a time"),
            "{e}"
        );
        assert!(resolve(Some("2024-13-01"), None, None).is_err());
    }

    #[test]
    fn window_display_and_membership() {
        let x = w(t(10, 9, 0), t(10, 11, 0));
        assert_eq!(x.to_string(), "2024-05-10 09:00 .. 2024-05-10 11:00 UTC");
        assert!(x.contains(t(10, 9, 0)) && x.contains(t(10, 10, 59)) && !x.contains(t(10, 11, 0)));
        assert_eq!(x.hour_count(), 2);
        assert!(x.is_over(t(10, 11, 0)) && !x.is_over(t(10, 10, 59)));
        let odd = w(t(10, 9, 30), t(10, 10, 30));
        assert_eq!(odd.hour_count(), 2);
        assert_eq!(odd.aligned_to_hours(), x);
    }
}
