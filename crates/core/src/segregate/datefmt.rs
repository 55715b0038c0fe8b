//! strftime formats and templates of segregate rules: checked up front, parsed like Python's strptime.
//!
//! A [`DateFormat`] parses the concatenated capture groups of a key's name. Like the seed's
//! `datetime.strptime`, fields the format does not mention default to zero (a format of
//! `%Y%m%d%H` gives minute 0), and the whole input must be consumed. A format that cannot
//! determine a date at all (no year, or no month and day) is refused before any key is read.
//!
//! A [`Template`] renders the destination prefix of a date (`segregated/%Y/%m/%d/`), knows
//! its literal head (`segregated/`) and recognises keys it may have produced.

use chrono::format::{Fixed, Item, Numeric, Parsed, StrftimeItems};
use chrono::{NaiveDate, NaiveDateTime};
use std::fmt::Write as _;

/// Dates used to try a format or a template out before it is used on keys.
const PROBES: [(i32, u32, u32, u32, u32, u32); 2] =
    [(2037, 11, 29, 21, 48, 57), (2004, 2, 3, 4, 5, 6)];

fn probes() -> impl Iterator<Item = NaiveDateTime> {
    PROBES.iter().filter_map(|&(y, mo, d, h, mi, s)| {
        NaiveDate::from_ymd_opt(y, mo, d).and_then(|date| date.and_hms_opt(h, mi, s))
    })
}

/// Parses `text` as strftime items; `None` when a specifier is unknown or incomplete.
fn items(text: &str) -> Option<Vec<Item<'static>>> {
    StrftimeItems::new(text).parse_to_owned().ok()
}

/// Formats `dt` with `items`; `None` when an item needs what a naive date lacks (a zone).
fn render(items: &[Item<'static>], dt: &NaiveDateTime, out: &mut String) -> Option<()> {
    write!(out, "{}", dt.format_with_items(items.iter())).ok()
}

/// A strftime format that concatenated capture groups are parsed with.
#[derive(Debug, Clone)]
pub struct DateFormat {
    text: String,
    items: Vec<Item<'static>>,
}

impl DateFormat {
    /// Checks `text`: known specifiers only, and enough of them to determine a date.
    pub fn new(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("the format is empty; give a strftime format such as %Y%m%d%H".into());
        }
        let items = items(text).ok_or_else(|| {
            format!(
                "`{text}` has an unknown or incomplete % specifier (known: %Y %m %d %H %M %S %y %j %b ...; %% for a literal %)"
            )
        })?;
        let format = Self {
            text: text.to_string(),
            items,
        };
        // A format can match only if what it writes it can read back as a date.
        for probe in probes() {
            let mut s = String::new();
            let round_trip = render(&format.items, &probe, &mut s)
                .and_then(|()| format.parse(&s).ok())
                .map(|dt| dt.date() == probe.date());
            if round_trip != Some(true) {
                return Err(format!(
                    "`{text}` can never give a date: it needs a year and a month and day (e.g. %Y%m%d) or a day of the year (%Y%j)"
                ));
            }
        }
        Ok(format)
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Parses `s`; unset time fields are 0. The error is chrono's one-line reason.
    pub fn parse(&self, s: &str) -> Result<NaiveDateTime, chrono::ParseError> {
        let mut p = Parsed::new();
        chrono::format::parse(&mut p, s, self.items.iter())?;
        if p.timestamp().is_none() {
            // What strptime does: missing time fields are zero, a 12-hour clock without
            // AM/PM is AM. Setting a field that is already set would be an error, so only
            // unset ones are touched; the setters cannot fail on these values.
            match (p.hour_div_12(), p.hour_mod_12()) {
                (None, None) => {
                    let _ = p.set_hour(0);
                }
                (None, Some(_)) => {
                    let _ = p.set_ampm(false);
                }
                _ => {}
            }
            if p.minute().is_none() {
                let _ = p.set_minute(0);
            }
        }
        p.to_naive_datetime_with_offset(0)
    }
}

/// A strftime template of destination prefixes.
#[derive(Debug, Clone)]
pub struct Template {
    text: String,
    items: Vec<Item<'static>>,
    /// The literal text before the first specifier.
    head: String,
    /// Keys under any prefix this template can render (anchored at the start).
    produced: regex::Regex,
}

impl Template {
    pub fn new(text: &str) -> Result<Self, String> {
        if text.is_empty() {
            return Err(
                "the target is empty; give a prefix template such as segregated/%Y/%m/%d/".into(),
            );
        }
        let items = items(text).ok_or_else(|| {
            format!(
                "`{text}` has an unknown or incomplete % specifier (known: %Y %m %d %H %M %S %y %j %b ...; %% for a literal %)"
            )
        })?;
        for probe in probes() {
            if render(&items, &probe, &mut String::new()).is_none() {
                return Err(format!(
                    "`{text}` uses a specifier that needs a time zone (%z, %Z, %:z); dates from key names have none"
                ));
            }
        }
        let mut head = String::new();
        let mut pattern = String::from("^");
        let mut in_head = true;
        for item in &items {
            match literal(item) {
                Some(lit) => {
                    if in_head {
                        head.push_str(lit);
                    }
                    pattern.push_str(&regex::escape(lit));
                }
                None => {
                    in_head = false;
                    pattern.push_str(item_pattern(item));
                }
            }
        }
        let produced = regex::Regex::new(&pattern)
            .map_err(|e| format!("`{text}` cannot be recognised in keys: {e}"))?;
        Ok(Self {
            text: text.to_string(),
            items,
            head,
            produced,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The literal text before the first specifier (`segregated/` of `segregated/%Y/`).
    pub fn head(&self) -> &str {
        &self.head
    }

    /// The prefix for `dt`. Never fails for a template that passed [`Template::new`].
    pub fn render(&self, dt: &NaiveDateTime) -> String {
        let mut out = String::new();
        if render(&self.items, dt, &mut out).is_none() {
            // Unreachable for a checked template; an empty prefix would be wrong, so keep
            // the raw template text, which can never be mistaken for a date prefix.
            out = self.text.clone();
        }
        out
    }

    /// True when `key` lies under a prefix this template can render.
    pub fn may_have_produced(&self, key: &str) -> bool {
        self.produced.is_match(key)
    }
}

fn literal<'a>(item: &'a Item<'static>) -> Option<&'a str> {
    match item {
        Item::Literal(s) | Item::Space(s) => Some(s),
        Item::OwnedLiteral(s) | Item::OwnedSpace(s) => Some(s),
        _ => None,
    }
}

/// A regex for what one specifier can render: digits for numbers, anything but `/` for
/// names, anything at all otherwise (composite specifiers like %D contain slashes).
fn item_pattern(item: &Item<'static>) -> &'static str {
    match item {
        Item::Numeric(Numeric::Year | Numeric::IsoYear | Numeric::Timestamp, _) => r"[ +\-]*\d+",
        Item::Numeric(_, _) => r"[ \d]*\d",
        Item::Fixed(
            Fixed::ShortMonthName
            | Fixed::LongMonthName
            | Fixed::ShortWeekdayName
            | Fixed::LongWeekdayName
            | Fixed::UpperAmPm
            | Fixed::LowerAmPm,
        ) => r"[^/]+",
        _ => r".*",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_seed_example_parses_like_strptime() {
        let f = DateFormat::new("%Y%m%d%H").unwrap();
        assert_eq!(f.parse("2022123110").unwrap(), dt("2022-12-31 10:00:00"));
        assert!(f.parse("2022123125").is_err(), "hour 25");
        assert!(f.parse("2022134110").is_err(), "month 13");
        assert!(f.parse("20221231100").is_err(), "trailing input");
        assert!(f.parse("20221231").is_err(), "too short");
        let f = DateFormat::new("%Y%m%d").unwrap();
        assert_eq!(f.parse("20230228").unwrap(), dt("2023-02-28 00:00:00"));
        assert!(f.parse("20230230").is_err());
        let f = DateFormat::new("%y%j").unwrap();
        assert_eq!(f.parse("22365").unwrap(), dt("2022-12-31 00:00:00"));
        let f = DateFormat::new("%s").unwrap();
        assert_eq!(f.parse("1672480800").unwrap(), dt("2022-12-31 10:00:00"));
        let f = DateFormat::new("%Y-%m-%d %I%p").unwrap();
        assert_eq!(
            f.parse("2022-12-31 10PM").unwrap(),
            dt("2022-12-31 22:00:00")
        );
    }

    #[test]
    fn formats_that_cannot_work_are_refused() {
        assert!(DateFormat::new("%Q").unwrap_err().contains("unknown"));
        assert!(DateFormat::new("%Y%").unwrap_err().contains("incomplete"));
        assert!(DateFormat::new("%H%M").unwrap_err().contains("never"));
        assert!(DateFormat::new("%m%d").unwrap_err().contains("never"));
        assert!(DateFormat::new("date").unwrap_err().contains("never"));
        assert!(DateFormat::new(" ").unwrap_err().contains("empty"));
    }

    #[test]
    fn templates_render_and_recognise_their_prefixes() {
        let t = Template::new("segregated/%Y/%m/%d/").unwrap();
        assert_eq!(t.head(), "segregated/");
        assert_eq!(
            t.render(&dt("2022-12-31 10:00:00")),
            "segregated/2022/12/31/"
        );
        assert!(t.may_have_produced("segregated/2022/12/31/x.ccn"));
        assert!(!t.may_have_produced("segregated/README"));
        assert!(!t.may_have_produced("incoming/segregated/2022/12/31/x"));
        let t = Template::new("%Y/%b/").unwrap();
        assert_eq!(t.head(), "");
        assert!(t.may_have_produced("2022/Dec/a"));
        assert!(!t.may_have_produced("incoming/a"));
        let t = Template::new("100%%/%Y/").unwrap();
        assert_eq!(t.render(&dt("2022-12-31 10:00:00")), "100%/2022/");
        assert_eq!(t.head(), "100%/");
        assert!(Template::new("x/%Q/").unwrap_err().contains("unknown"));
        assert!(Template::new("x/%z/").unwrap_err().contains("time zone"));
        assert!(Template::new("").is_err());
    }
}
