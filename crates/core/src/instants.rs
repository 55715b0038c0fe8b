//! UTC instants for collectors: start of this/last hour, day, week, month, `n` periods ago, ISO text.
//!
//! Every collected interval is `[since, until)`: `since` is its first moment, `until` the first
//! moment outside it, so that no second between two intervals is ever dropped or counted twice.
//! The helpers mirror the seed library's `instants` module; [`Window`] and [`Period`] parse the
//! `--since/--until/--period` flags of the headless commands.
//!
//! ```
//! use s3scope::instants::{days_ago, last_hour, this_hour, Window};
//! let until = this_hour();
//! let since = last_hour(until);
//! let window = Window::new(since, until).unwrap();
//! assert_eq!(window.hour_count(), 1);
//! assert!(days_ago(30, until) < since);
//! ```

mod period;
mod window;

pub use period::Period;
pub use window::{LAST_FULL_HOUR, Window, WindowError, WindowRequest, parse_instant};

use chrono::{DateTime, Datelike, Duration, Months, NaiveTime, SecondsFormat, Timelike, Utc};

/// A calendar unit that instants are truncated to. Weeks start on Monday (ISO 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

/// The current moment in UTC.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The start of the `span` that contains `t`.
pub fn start_of(t: DateTime<Utc>, span: Span) -> DateTime<Utc> {
    let day = t.date_naive();
    let midnight = |d: chrono::NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
    match span {
        Span::Minute => {
            t - Duration::nanoseconds(
                i64::from(t.second()) * 1_000_000_000 + i64::from(t.nanosecond()),
            )
        }
        Span::Hour => midnight(day) + Duration::hours(i64::from(t.hour())),
        Span::Day => midnight(day),
        Span::Week => {
            midnight(day) - Duration::days(i64::from(day.weekday().num_days_from_monday()))
        }
        Span::Month => midnight(day.with_day(1).unwrap_or(day)),
    }
}

/// The start of the `span` `n` spans before the one containing `relative_to`; saturates at the
/// earliest representable instant instead of overflowing.
pub fn spans_ago(span: Span, n: u32, relative_to: DateTime<Utc>) -> DateTime<Utc> {
    let start = start_of(relative_to, span);
    let n64 = i64::from(n);
    let back = match span {
        Span::Minute => start.checked_sub_signed(Duration::minutes(n64)),
        Span::Hour => start.checked_sub_signed(Duration::hours(n64)),
        Span::Day => start.checked_sub_signed(Duration::days(n64)),
        Span::Week => start.checked_sub_signed(Duration::weeks(n64)),
        Span::Month => start.checked_sub_months(Months::new(n)),
    };
    back.unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// Start of the current minute.
pub fn this_minute() -> DateTime<Utc> {
    start_of(now(), Span::Minute)
}

/// Start of the current hour: the end of the last full hour.
pub fn this_hour() -> DateTime<Utc> {
    start_of(now(), Span::Hour)
}

/// Start of the current day (midnight UTC).
pub fn this_day() -> DateTime<Utc> {
    start_of(now(), Span::Day)
}

/// Start of the current week (Monday, midnight UTC).
pub fn this_week() -> DateTime<Utc> {
    start_of(now(), Span::Week)
}

/// Start of the current month.
pub fn this_month() -> DateTime<Utc> {
    start_of(now(), Span::Month)
}

/// Start of the hour before the one containing `relative_to` (usually [`this_hour`]).
pub fn last_hour(relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Hour, 1, relative_to)
}

/// Start of the day before the one containing `relative_to`.
pub fn last_day(relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Day, 1, relative_to)
}

/// Start of the week before the one containing `relative_to`.
pub fn last_week(relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Week, 1, relative_to)
}

/// Start of the month before the one containing `relative_to`.
pub fn last_month(relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Month, 1, relative_to)
}

/// Start of the minute `n` minutes before the one containing `relative_to`.
pub fn minutes_ago(n: u32, relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Minute, n, relative_to)
}

/// Start of the hour `n` hours before the one containing `relative_to`.
pub fn hours_ago(n: u32, relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Hour, n, relative_to)
}

/// Start of the day `n` days before the one containing `relative_to`.
pub fn days_ago(n: u32, relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Day, n, relative_to)
}

/// Start of the week `n` weeks before the one containing `relative_to`.
pub fn weeks_ago(n: u32, relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Week, n, relative_to)
}

/// Start of the month `n` months before the one containing `relative_to`.
pub fn months_ago(n: u32, relative_to: DateTime<Utc>) -> DateTime<Utc> {
    spans_ago(Span::Month, n, relative_to)
}

/// ISO 8601 / RFC 3339 text in UTC with a `Z`, to the second unless there is a fraction:
/// `2024-05-01T10:00:00Z`.
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
    }

    #[test]
    fn starts_of_spans() {
        // A Wednesday.
        let x = t(2024, 5, 15, 13, 47, 9) + Duration::milliseconds(250);
        assert_eq!(start_of(x, Span::Minute), t(2024, 5, 15, 13, 47, 0));
        assert_eq!(start_of(x, Span::Hour), t(2024, 5, 15, 13, 0, 0));
        assert_eq!(start_of(x, Span::Day), t(2024, 5, 15, 0, 0, 0));
        assert_eq!(start_of(x, Span::Week), t(2024, 5, 13, 0, 0, 0));
        assert_eq!(start_of(x, Span::Month), t(2024, 5, 1, 0, 0, 0));
        let monday = t(2024, 5, 13, 0, 0, 0);
        assert_eq!(start_of(monday, Span::Week), monday);
    }

    #[test]
    fn last_and_ago_count_back_from_the_start_of_the_span() {
        let x = t(2024, 3, 31, 0, 30, 0);
        assert_eq!(last_hour(x), t(2024, 3, 30, 23, 0, 0));
        assert_eq!(last_day(x), t(2024, 3, 30, 0, 0, 0));
        assert_eq!(last_week(x), t(2024, 3, 18, 0, 0, 0));
        // March 31st minus a month is February 1st: months count from the month's start.
        assert_eq!(last_month(x), t(2024, 2, 1, 0, 0, 0));
        assert_eq!(months_ago(13, x), t(2023, 2, 1, 0, 0, 0));
        assert_eq!(days_ago(30, x), t(2024, 3, 1, 0, 0, 0));
        assert_eq!(hours_ago(0, x), t(2024, 3, 31, 0, 0, 0));
        assert_eq!(minutes_ago(31, x), t(2024, 3, 30, 23, 59, 0));
        assert_eq!(weeks_ago(2, x), t(2024, 3, 11, 0, 0, 0));
        assert_eq!(days_ago(u32::MAX, x), DateTime::<Utc>::MIN_UTC);
        assert_eq!(months_ago(u32::MAX, x), DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn this_span_helpers_are_not_after_now() {
        let before = now();
        for (start, span) in [
            (this_minute(), Span::Minute),
            (this_hour(), Span::Hour),
            (this_day(), Span::Day),
            (this_week(), Span::Week),
            (this_month(), Span::Month),
        ] {
            assert!(start <= now());
            assert!(start >= start_of(before, span), "{span:?}");
        }
    }

    #[test]
    fn iso_is_rfc3339_utc() {
        assert_eq!(iso(t(2024, 5, 1, 10, 0, 0)), "2024-05-01T10:00:00Z");
        assert_eq!(
            iso(t(2024, 5, 1, 10, 0, 0) + Duration::milliseconds(5)),
            "2024-05-01T10:00:00.005Z"
        );
    }
}
