//! Compact numbers for table cells: sizes, counts, shares, bars, dates and ages.

use chrono::{DateTime, Utc};

const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// The rows to format for a table of `height` lines (header included): only the visible
/// ones, so that a prefix with a million children costs no more to draw than one with ten.
/// Returns the range and the selection inside it.
pub fn visible(
    selected: usize,
    offset: usize,
    len: usize,
    height: u16,
) -> (std::ops::Range<usize>, usize) {
    let page = usize::from(height.saturating_sub(1)).max(1);
    let selected = selected.min(len.saturating_sub(1));
    let mut offset = offset.min(selected);
    if selected >= offset + page {
        offset = selected + 1 - page;
    }
    let end = (offset + page).min(len);
    (offset..end, selected - offset)
}

/// "0 B", "999 B", "1.0 KiB", "1023.9 MiB": at most 10 characters.
pub fn size(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    // 1023.96 would print as "1024.0"; stay below the next unit's threshold.
    let v = (v * 10.0).floor() / 10.0;
    format!("{v:.1} {}", UNITS[unit])
}

/// A storage class short enough for a 10-wide column header.
pub fn class(name: &str) -> String {
    let short = match name {
        "STANDARD_IA" => "STD_IA",
        "ONEZONE_IA" => "1ZONE_IA",
        "INTELLIGENT_TIERING" => "INT_TIER",
        "DEEP_ARCHIVE" => "DEEP_ARCH",
        "REDUCED_REDUNDANCY" => "RRS",
        "EXPRESS_ONEZONE" => "EXPRESS",
        "GLACIER_IR" => "GLACIER_IR",
        other => other,
    };
    s3scope_core::text::escape_control(short)
        .chars()
        .take(10)
        .collect()
}

/// "48k", "2.4M", "1.2G" for a short progress line; plain below ten thousand.
pub fn count_short(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{}k", n / 1000),
        1_000_000..=999_999_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

/// "12,345"; from ten million on "12.3M" so that the column stays narrow.
pub fn count(n: u64) -> String {
    if n >= 10_000_000 {
        let v = ((n as f64 / 1e6) * 10.0).floor() / 10.0;
        return format!("{v:.1}M");
    }
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 object", "12,345 objects", "2 classes", "3 prefixes".
pub fn plural(n: u64, noun: &str) -> String {
    format!("{} {}", count(n), noun_for(n, noun))
}

/// `noun` as it reads after the number `n`: "object", "objects", "classes".
pub fn noun_for(n: u64, noun: &str) -> String {
    if n == 1 {
        noun.to_string()
    } else if noun.ends_with('s') || noun.ends_with('x') {
        format!("{noun}es")
    } else {
        format!("{noun}s")
    }
}

/// The class columns shown: `shown` consecutive ones of `total`, scrolled by the presses of
/// the classes key (back to the first after the last), never wrapped: the order stays.
pub fn class_window(total: usize, shown: usize, presses: usize) -> std::ops::Range<usize> {
    let shown = shown.min(total);
    if shown == 0 {
        return 0..0;
    }
    let start = presses % (total - shown + 1);
    start..start + shown
}

/// The note a table header gets when only `shown` of `total` class columns fit in `room`
/// characters: " +2 classes hidden · ] cycles ", shorter forms when tight, None when all show.
pub fn classes_note(total: usize, shown: usize, key: &str, room: usize) -> Option<String> {
    let hidden = total.saturating_sub(shown);
    if hidden == 0 {
        return None;
    }
    let what = plural(hidden as u64, "class");
    let forms = if shown == 0 {
        vec![
            format!(" +{what} hidden: too narrow "),
            format!(" +{hidden} hidden "),
        ]
    } else {
        vec![
            format!(" +{what} hidden · {key} cycles "),
            format!(" +{hidden} hidden · {key} "),
            format!(" +{hidden} {key} "),
        ]
    };
    forms.into_iter().find(|f| f.chars().count() <= room)
}

/// A monthly cost for a cell: "$1,234.57", "$0.0012", "<$0.0001" for a fraction of that.
pub fn usd(v: f64) -> String {
    if v > 0.0 && v < 0.00005 {
        return "<$0.0001".into();
    }
    s3scope_core::prices::format_usd(v)
}

/// The share of `part` in `whole` as " 45.3%".
pub fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".into();
    }
    format!("{:5.1}%", part as f64 * 100.0 / whole as f64)
}

/// A bar of `width` cells for `part` of `whole`, in eighths of a cell.
pub fn bar(part: u64, whole: u64, width: u16) -> String {
    let width = usize::from(width);
    if whole == 0 || width == 0 {
        return " ".repeat(width);
    }
    let eighths = ((part as f64 / whole as f64) * (width * 8) as f64).round() as usize;
    let eighths = eighths.min(width * 8);
    let mut s = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        s.push(EIGHTHS[eighths % 8]);
    }
    let used = s.chars().count();
    s.push_str(&" ".repeat(width - used));
    s
}

/// A Unix time as a date, or a date and minute when `with_time`.
pub fn date(secs: Option<i64>, with_time: bool) -> String {
    let Some(d) = secs.and_then(|s| DateTime::<Utc>::from_timestamp(s, 0)) else {
        return "-".into();
    };
    d.format(if with_time {
        "%Y-%m-%d %H:%M"
    } else {
        "%Y-%m-%d"
    })
    .to_string()
}

/// "just now", "5 min ago", "2 h ago", "3 days ago".
pub fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let s = (now - then).num_seconds();
    match s {
        i64::MIN..=59 => "just now".into(),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=172_799 => format!("{} h ago", s / 3600),
        _ => format!("{} days ago", s / 86_400),
    }
}

/// "0:07", "12:03", "1:02:03".
pub fn elapsed(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_are_compact() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(1023), "1023 B");
        assert_eq!(size(1024), "1.0 KiB");
        assert_eq!(size(1024 * 1024 - 1), "1023.9 KiB");
        assert_eq!(size(5 << 40), "5.0 TiB");
        assert_eq!(count(0), "0");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(123_456_789), "123.4M");
        assert_eq!(share(1, 3), " 33.3%");
        assert_eq!(share(1, 0), "-");
        assert_eq!(plural(1, "object"), "1 object");
        assert_eq!(plural(2, "class"), "2 classes");
        assert_eq!(plural(3, "prefix"), "3 prefixes");
        assert_eq!(plural(0, "upload"), "0 uploads");
        assert_eq!(usd(0.0), "$0");
        assert_eq!(usd(0.00001), "<$0.0001");
        assert_eq!(usd(1234.567), "$1,234.57");
    }

    #[test]
    fn bars_use_eighths() {
        assert_eq!(bar(1, 1, 4), "████");
        assert_eq!(bar(1, 2, 4), "██  ");
        assert_eq!(bar(1, 16, 4), "▎   ");
        assert_eq!(bar(0, 5, 3), "   ");
        assert_eq!(bar(5, 0, 2), "  ");
    }

    #[test]
    fn ages_and_durations() {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
        assert_eq!(age(t, t + chrono::Duration::minutes(5)), "5 min ago");
        assert_eq!(age(t, t + chrono::Duration::hours(2)), "2 h ago");
        assert_eq!(age(t, t + chrono::Duration::days(3)), "3 days ago");
        assert_eq!(elapsed(std::time::Duration::from_secs(3723)), "1:02:03");
        assert_eq!(elapsed(std::time::Duration::from_secs(7)), "0:07");
    }
}
