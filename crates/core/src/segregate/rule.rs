//! A segregate rule as checked: every field of a [`RuleSpec`] validated up front, with an error
//! that names the field, so that the TUI can show it next to that field.

use super::datefmt::{DateFormat, Template};
use super::filter::{Globs, globs};
pub use super::spec::{DEFAULT_PAGE_SIZE, DEFAULT_TIME_DELAY_SECS, DEFAULT_WORKERS, RuleSpec};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use regex::Regex;
use std::fmt;

/// The field a rule error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Bucket,
    SourcePrefix,
    MatchPattern,
    DatetimeFormat,
    Target,
    ErrorPrefix,
    TimeDelay,
    Datetime,
    PageSize,
    MaxPages,
    Workers,
    MinAge,
    Exclude,
    Include,
}

impl Field {
    /// The name used in the config file (flags spell it with dashes).
    pub fn name(self) -> &'static str {
        match self {
            Self::Bucket => "bucket",
            Self::SourcePrefix => "source_prefix",
            Self::MatchPattern => "match_pattern",
            Self::DatetimeFormat => "datetime_format",
            Self::Target => "target",
            Self::ErrorPrefix => "error_prefix",
            Self::TimeDelay => "time_delay",
            Self::Datetime => "datetime",
            Self::PageSize => "page_size",
            Self::MaxPages => "max_pages",
            Self::Workers => "workers",
            Self::MinAge => "min_age",
            Self::Exclude => "exclude",
            Self::Include => "include",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One thing wrong with a rule; the message says what to write instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("segregate rule, {field}: {message}")]
pub struct RuleError {
    pub field: Field,
    pub message: String,
}

/// More parallel copies than this only queue up at the server.
const MAX_WORKERS: usize = 1024;

fn err(field: Field, message: impl Into<String>) -> RuleError {
    RuleError::new(field, message)
}

impl RuleError {
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A rule that passed every check.
#[derive(Debug, Clone)]
pub struct Rule {
    pub spec: RuleSpec,
    /// `spec.source_prefix`, ending in `/`.
    pub source_prefix: String,
    /// `spec.error_prefix`, ending in `/`.
    pub error_prefix: String,
    pub pattern: Option<Regex>,
    pub format: DateFormat,
    pub target: Template,
    /// `spec.datetime`, parsed.
    pub forced: Option<NaiveDateTime>,
    pub time_delay: TimeDelta,
    /// Keys (relative to the source) that stay; None: none.
    pub exclude: Option<Globs>,
    /// Keys (relative to the source) that may move; None: all.
    pub include: Option<Globs>,
    /// Objects younger than this stay.
    pub min_age: Option<TimeDelta>,
}

/// A prefix as a directory: non-empty and ending in `/`.
pub fn as_dir(prefix: &str) -> String {
    let p = prefix.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        p.to_string()
    } else {
        format!("{p}/")
    }
}

impl Rule {
    /// Checks every field of `spec`; the first problem found is returned.
    pub fn compile(spec: &RuleSpec) -> Result<Self, RuleError> {
        if spec.bucket.trim().is_empty() {
            return Err(err(Field::Bucket, "no bucket given"));
        }
        let source_prefix = as_dir(&spec.source_prefix);
        let error_prefix = as_dir(&spec.error_prefix);
        let pattern = match spec.match_pattern.as_deref() {
            None | Some("") => None,
            Some(p) => Some(compile_pattern(p)?),
        };
        let format = match (spec.datetime_format.trim(), &pattern) {
            ("", Some(_)) => {
                return Err(err(
                    Field::DatetimeFormat,
                    "required with match_pattern: the strftime format of the concatenated groups, e.g. %Y%m%d%H",
                ));
            }
            // Without a pattern the format only reads --datetime; ISO dates are read anyway.
            ("", None) => DateFormat::new("%Y-%m-%d"),
            (f, _) => DateFormat::new(f),
        }
        .map_err(|m| err(Field::DatetimeFormat, m))?;
        let target = Template::new(&spec.target).map_err(|m| err(Field::Target, m))?;
        if source_prefix.is_empty() {
            return Err(err(
                Field::SourcePrefix,
                "empty: give the prefix the files arrive in, e.g. incoming/ (a whole bucket cannot be the source: the target would be inside it)",
            ));
        }
        if target.head().starts_with(&source_prefix) {
            return Err(err(
                Field::Target,
                format!(
                    "`{}` is inside the source prefix `{source_prefix}`: moved keys would be listed again; put the target beside it",
                    spec.target
                ),
            ));
        }
        if error_prefix.is_empty() {
            return Err(err(
                Field::ErrorPrefix,
                "no error prefix: give the prefix for keys that do not match, e.g. errors/",
            ));
        }
        if error_prefix.starts_with(&source_prefix) || source_prefix.starts_with(&error_prefix) {
            return Err(err(
                Field::ErrorPrefix,
                format!(
                    "`{error_prefix}` overlaps the source prefix `{source_prefix}`: keys moved there would be listed again; put it beside the source"
                ),
            ));
        }
        let forced = match spec.datetime.as_deref() {
            None | Some("") => None,
            Some(text) => Some(parse_forced(text, &format)?),
        };
        if spec.page_size == 0 || spec.page_size > 1000 {
            return Err(err(
                Field::PageSize,
                format!("{} keys per LIST call: give 1 to 1000", spec.page_size),
            ));
        }
        if spec.max_pages == Some(0) {
            return Err(err(
                Field::MaxPages,
                "0 pages would list nothing; leave it unset for no bound",
            ));
        }
        if spec.workers == 0 || spec.workers > MAX_WORKERS {
            return Err(err(
                Field::Workers,
                format!("{} workers: give 1 to {MAX_WORKERS}", spec.workers),
            ));
        }
        let time_delay = i64::try_from(spec.time_delay_secs)
            .ok()
            .and_then(TimeDelta::try_seconds)
            .ok_or_else(|| {
                err(
                    Field::TimeDelay,
                    "too large; give at most a few years in seconds",
                )
            })?;
        let min_age = match spec.min_age_secs {
            None | Some(0) => None,
            Some(secs) => Some(
                i64::try_from(secs)
                    .ok()
                    .and_then(TimeDelta::try_seconds)
                    .ok_or_else(|| err(Field::MinAge, "too large; give at most a few years"))?,
            ),
        };
        Ok(Self {
            spec: spec.clone(),
            source_prefix,
            error_prefix,
            pattern,
            format,
            target,
            forced,
            time_delay,
            exclude: globs(Field::Exclude, &spec.exclude)?,
            include: globs(Field::Include, &spec.include)?,
            min_age,
        })
    }

    /// The date of keys that have no date of their own: forced, or now − time_delay (UTC).
    pub fn fallback_date(&self, now: DateTime<Utc>) -> NaiveDateTime {
        self.forced
            .unwrap_or_else(|| (now - self.time_delay).naive_utc())
    }
}

fn compile_pattern(p: &str) -> Result<Regex, RuleError> {
    let re = Regex::new(p).map_err(|e| err(Field::MatchPattern, regex_message(&e)))?;
    if re.captures_len() < 2 {
        return Err(err(
            Field::MatchPattern,
            "no capture group: put the date parts of the name in ( ), e.g. -(\\d{8})-",
        ));
    }
    Ok(re)
}

/// The regex crate's message on one line: "invalid regex: unclosed group".
fn regex_message(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(text) => {
            let reason = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .unwrap_or("syntax error");
            format!("invalid regex: {reason}")
        }
        regex::Error::CompiledTooBig(_) => "the regex is too large once compiled".into(),
        other => format!("invalid regex: {other}"),
    }
}

/// `--datetime`: the rule's format first, then ISO-8601 forms.
fn parse_forced(text: &str, format: &DateFormat) -> Result<NaiveDateTime, RuleError> {
    if let Ok(dt) = format.parse(text) {
        return Ok(dt);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        return Ok(dt.naive_utc());
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(text, f) {
            return Ok(dt);
        }
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN));
    }
    Err(err(
        Field::Datetime,
        format!(
            "`{text}` is not a date in the rule's format `{}` nor ISO-8601 (2022-12-31 or 2022-12-31T10:00:00)",
            format.as_str()
        ),
    ))
}

/// Parses a time delay: plain seconds, or a number with s, m, h or d.
pub fn parse_delay(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{text}` is not a delay; give seconds or e.g. 90m, 36h, 1d"))?;
    let mult = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        other => {
            return Err(format!(
                "`{other}` is not a unit of `{text}`; use s, m, h or d"
            ));
        }
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("`{text}` is too long a delay"))
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    /// The seed's example rule.
    pub fn seed_spec() -> RuleSpec {
        RuleSpec {
            name: None,
            bucket: "b".into(),
            source_prefix: "incoming/".into(),
            match_pattern: Some(r"^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*".into()),
            datetime_format: "%Y%m%d%H".into(),
            target: "segregated/%Y/%m/%d/".into(),
            error_prefix: "errors/".into(),
            time_delay_secs: DEFAULT_TIME_DELAY_SECS,
            datetime: None,
            page_size: 500,
            max_pages: None,
            max_keys: None,
            workers: 4,
            log_file: None,
            min_age_secs: None,
            exclude: Vec::new(),
            include: Vec::new(),
            recursive: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::seed_spec;
    use super::*;

    fn field_of(spec: RuleSpec) -> Field {
        Rule::compile(&spec).unwrap_err().field
    }

    #[test]
    fn the_seed_rule_compiles() {
        let r = Rule::compile(&seed_spec()).unwrap();
        assert_eq!(r.source_prefix, "incoming/");
        assert!(r.pattern.is_some());
    }

    #[test]
    fn bad_fields_are_named() {
        let s = seed_spec;
        let e = Rule::compile(&RuleSpec {
            match_pattern: Some("(unclosed".into()),
            ..s()
        })
        .unwrap_err();
        assert_eq!(e.field, Field::MatchPattern);
        assert_eq!(e.message, "invalid regex: unclosed group");
        assert_eq!(
            field_of(RuleSpec {
                match_pattern: Some(r"\d{8}".into()),
                ..s()
            }),
            Field::MatchPattern
        );
        let inside = RuleSpec {
            target: "incoming/%Y/".into(),
            ..s()
        };
        assert_eq!(field_of(inside), Field::Target);
        let root = RuleSpec {
            source_prefix: "".into(),
            ..s()
        };
        assert_eq!(field_of(root), Field::SourcePrefix);
        let err_inside = RuleSpec {
            error_prefix: "incoming/errors".into(),
            ..s()
        };
        assert_eq!(field_of(err_inside), Field::ErrorPrefix);
        assert_eq!(
            field_of(RuleSpec {
                page_size: 1001,
                ..s()
            }),
            Field::PageSize
        );
        assert_eq!(
            field_of(RuleSpec {
                datetime: Some("yesterday".into()),
                ..s()
            }),
            Field::Datetime
        );
        assert_eq!(
            field_of(RuleSpec {
                target: "seg/%Q/".into(),
                ..s()
            }),
            Field::Target
        );
    }

    #[test]
    fn forced_dates_and_delays() {
        let r = Rule::compile(&RuleSpec {
            datetime: Some("2022123110".into()),
            ..seed_spec()
        })
        .unwrap();
        assert_eq!(r.forced.unwrap().to_string(), "2022-12-31 10:00:00");
        let r = Rule::compile(&RuleSpec {
            datetime: Some("2023-01-02".into()),
            ..seed_spec()
        })
        .unwrap();
        assert_eq!(r.forced.unwrap().to_string(), "2023-01-02 00:00:00");
        assert_eq!(parse_delay("86400"), Ok(86_400));
        assert_eq!(parse_delay("36h"), Ok(129_600));
        assert_eq!(parse_delay("1d"), Ok(86_400));
        assert!(parse_delay("1w").is_err());
        assert!(parse_delay("-5").is_err());
    }
}
