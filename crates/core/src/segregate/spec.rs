//! A segregate rule as written: from `[[segregate.rules]]`, from flags, or both (flags win);
//! saved verbatim in a plan so that a plan says how it was made.

use crate::settings::{FlagValues, Given, Layered, check};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Keys per LIST call when the rule does not say (S3's maximum).
pub const DEFAULT_PAGE_SIZE: u32 = 1000;
/// Objects moved at the same time when the rule does not say.
pub const DEFAULT_WORKERS: usize = 16;
/// With no pattern, keys are dated now minus this (the seed's default: one day).
pub const DEFAULT_TIME_DELAY_SECS: u64 = 86_400;

/// A rule as the user wrote it; saved verbatim in a plan so that it says how it was made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// Name of the `[[segregate.rules]]` entry, if it came from the config file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub bucket: String,
    /// Keys under this prefix are segregated ("" is refused: the target would be inside it).
    pub source_prefix: String,
    /// Regex matched against the name (after the last `/`); its groups, concatenated, are the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_pattern: Option<String>,
    /// strftime format of the concatenated groups (and of `datetime`).
    pub datetime_format: String,
    /// strftime template of the destination prefix.
    pub target: String,
    /// Where keys go that do not match or whose date does not parse.
    pub error_prefix: String,
    /// With no pattern, the date is now minus this many seconds.
    pub time_delay_secs: u64,
    /// Forces the date of every key (the pattern is then not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datetime: Option<String>,
    pub page_size: u32,
    /// At most this many LIST pages per run; unbounded when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u32>,
    /// At most this many keys per run (the seed script's (n_keys - 1) x n_loops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_keys: Option<u64>,
    pub workers: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_file: Option<PathBuf>,
    /// Objects modified less than this many seconds before planning stay (status too_new).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age_secs: Option<u64>,
    /// Globs on the key relative to the source; matching keys stay (status excluded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// When given, only keys matching one of these globs move; the others stay (excluded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub include: Vec<String>,
    /// False: only the objects directly in the source prefix move (the rest: not_recursive).
    #[serde(default = "yes")]
    pub recursive: bool,
}

fn yes() -> bool {
    true
}

/// A list of globs as written in one value: comma-separated, commas inside `{a,b}` kept.
pub fn split_globs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter()
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty())
        .collect()
}

fn delay(g: &Given) -> Result<u64, String> {
    super::rule::parse_delay(g.text).map_err(|e| g.bad(e))
}

crate::settings! {
    /// `[[segregate.rules]]`: move keys into date prefixes found in their names.
    file SegregateRuleFile, layer RuleLayer, values RuleValues;
    table "[segregate.rules]", style Quoted;
    /// What --rule selects.
    name: String => String, check check::text; { example: "\"cdr\"" }
    /// The bucket of the keys.
    bucket: String => String, check check::text;
        { flag: Some("bucket"), value_name: "BUCKET", example: "\"mediation\"" }
    /// The prefix the files arrive in (a directory: "incoming" means "incoming/").
    source_prefix: String => String, check check::text;
        { flag: Some("source-prefix"), value_name: "PREFIX", example: "\"incoming/\"" }
    /// Regex on the name (after the last /); its groups, concatenated, are the date. For
    /// CHARGINGCDR_4008-BRCCNH-CCNCDR44-01-Blk0Blk-8421-20221231-100511-78.ccn the groups are
    /// 20221231 and 10, so the date is 2022123110. Without a pattern ('' on the command line),
    /// keys are dated now - time_delay.
    match_pattern: Option<String> => String, check check::text;
        { flag: Some("match-pattern"), value_name: "REGEX",
          example: r"'^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*'" }
    /// strftime format of the concatenated groups (and of --datetime), e.g. %Y%m%d%H.
    datetime_format: Option<String> => String, check check::text;
        { flag: Some("datetime-format"), value_name: "FORMAT", example: "\"%Y%m%d%H\"" }
    /// strftime template of the destination prefix; must not lie inside source_prefix.
    target: String => String, check check::text;
        { flag: Some("target"), value_name: "TEMPLATE", example: "\"segregated/%Y/%m/%d/\"" }
    /// Keys that do not match, or whose date does not parse (month 13, hour 25), go here.
    error_prefix: String => String, check check::text;
        { flag: Some("error-prefix"), value_name: "PREFIX", example: "\"errors/\"" }
    /// Without match_pattern: date = now (UTC) - time_delay seconds (flags also take 90m, 36h, 1d).
    time_delay: Option<u64> => u64, check delay, default "86400" => DEFAULT_TIME_DELAY_SECS;
        { flag: Some("time-delay"), value_name: "DELAY", example: "86400" }
    /// Keys per LIST call, 1 to 1000.
    page_size: Option<u32> => u32, check check::number::<u32>, default "1000" => DEFAULT_PAGE_SIZE;
        { flag: Some("page-size"), value_name: "N", example: "500" }
    /// At most this many LIST pages per run, listed one after another in key order: a run
    /// takes the first keys, the next run the next ones.
    max_pages: Option<u32> => u32, check check::number::<u32>;
        { flag: Some("max-pages"), value_name: "N", example: "10", default_doc: Some("no bound") }
    /// Objects moved at the same time (and LIST requests of the source).
    workers: Option<usize> => usize, check check::number::<usize>, default "16" => DEFAULT_WORKERS;
        { flag: Some("workers"), value_name: "N", example: "16" }
    /// Each apply's final report is appended here (--log-file wins).
    log_file: Option<PathBuf> => PathBuf, check check::path;
        { example: "\"/var/log/s3scope/segregate-cdr.log\"" }
    /// Files still arriving stay: objects modified less than this long before the plan are
    /// left for the next run and counted as too_new (seconds, or 90m, 36h, 1d).
    min_age: Option<u64> => u64, check delay;
        { flag: Some("min-age"), value_name: "AGE", example: "600",
          default_doc: Some("no minimum") }
    /// Globs on the key relative to the source prefix, comma-separated; matching keys stay
    /// (status excluded). As in .gitignore, a glob without / matches the name in any sub-prefix
    /// (*.part), one with / the whole relative key (.staging/**); ** crosses segments.
    exclude: Option<String> => String, check check::text;
        { flag: Some("exclude"), value_name: "GLOBS", example: "\".staging/**,*.part,*.tmp\"" }
    /// When set, only keys (relative to the source prefix) matching one of these comma-separated
    /// globs move; the others stay (status excluded).
    include: Option<String> => String, check check::text;
        { flag: Some("include"), value_name: "GLOBS", example: "\"*.ccn\"",
          default_doc: Some("every key") }
    /// The whole source prefix (true), or only the objects directly in it (false: the others
    /// stay, status not_recursive).
    recursive: Option<bool> => bool, check check::boolean, default "true" => true;
        { flag: Some("recursive"), value_name: "BOOL", example: "true", switch: true }
}

/// Fields given on the command line (or typed in the TUI); each replaces the rule's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// The rule's own keys; `match_pattern: Some("")` removes the rule's pattern.
    pub rule: RuleLayer,
    /// Forces the date of every key (not a key of the config file).
    pub datetime: Option<String>,
}

impl Overrides {
    /// The rule flags given on the command line, checked.
    pub fn from_flags(flags: &FlagValues) -> Result<Self, String> {
        Ok(Self {
            rule: <RuleLayer as Layered>::from_flags(flags)?,
            datetime: None,
        })
    }
}

impl RuleSpec {
    /// A rule of the config file, defaults filled in.
    pub fn from_config(rule: &SegregateRuleFile) -> Self {
        Self {
            name: Some(rule.name.clone()),
            bucket: rule.bucket.clone(),
            source_prefix: rule.source_prefix.clone(),
            match_pattern: rule.match_pattern.clone().filter(|p| !p.is_empty()),
            datetime_format: rule.datetime_format.clone().unwrap_or_default(),
            target: rule.target.clone(),
            error_prefix: rule.error_prefix.clone(),
            time_delay_secs: rule.time_delay.unwrap_or(DEFAULT_TIME_DELAY_SECS),
            datetime: None,
            page_size: rule.page_size.unwrap_or(DEFAULT_PAGE_SIZE),
            max_pages: rule.max_pages,
            max_keys: None,
            workers: rule.workers.unwrap_or(DEFAULT_WORKERS),
            log_file: rule.log_file.clone(),
            min_age_secs: rule.min_age,
            exclude: rule.exclude.as_deref().map(split_globs).unwrap_or_default(),
            include: rule.include.as_deref().map(split_globs).unwrap_or_default(),
            recursive: rule.recursive.unwrap_or(true),
        }
    }

    /// A rule made of flags only: defaults for what they leave out.
    pub fn empty() -> Self {
        Self {
            time_delay_secs: DEFAULT_TIME_DELAY_SECS,
            page_size: DEFAULT_PAGE_SIZE,
            workers: DEFAULT_WORKERS,
            recursive: true,
            ..Self::default()
        }
    }

    /// This rule with `o`'s fields in place of its own.
    pub fn with(mut self, o: &Overrides) -> Self {
        let r = &o.rule;
        let set = |field: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                field.clone_from(v);
            }
        };
        set(&mut self.bucket, &r.bucket);
        set(&mut self.source_prefix, &r.source_prefix);
        set(&mut self.datetime_format, &r.datetime_format);
        set(&mut self.target, &r.target);
        set(&mut self.error_prefix, &r.error_prefix);
        if let Some(p) = &r.match_pattern {
            self.match_pattern = Some(p.clone()).filter(|p| !p.is_empty());
        }
        if let Some(d) = &o.datetime {
            self.datetime = Some(d.clone()).filter(|d| !d.is_empty());
        }
        self.time_delay_secs = r.time_delay.unwrap_or(self.time_delay_secs);
        self.page_size = r.page_size.unwrap_or(self.page_size);
        self.max_pages = r.max_pages.or(self.max_pages);
        self.workers = r.workers.unwrap_or(self.workers);
        if r.log_file.is_some() {
            self.log_file.clone_from(&r.log_file);
        }
        self.min_age_secs = r.min_age.or(self.min_age_secs);
        if let Some(g) = &r.exclude {
            self.exclude = split_globs(g);
        }
        if let Some(g) = &r.include {
            self.include = split_globs(g);
        }
        self.recursive = r.recursive.unwrap_or(self.recursive);
        self
    }
}

/// The rule of the demo's `demo-cdr` bucket: the seed's example, exactly.
pub fn demo_rule() -> SegregateRuleFile {
    SegregateRuleFile {
        name: "demo-cdr".into(),
        bucket: "demo-cdr".into(),
        source_prefix: "incoming/".into(),
        match_pattern: Some(r"^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*".into()),
        datetime_format: Some("%Y%m%d%H".into()),
        target: "segregated/%Y/%m/%d/".into(),
        error_prefix: "errors/".into(),
        // Producers write there first and rename when done: in flight, never to be moved.
        exclude: Some(".staging/**,*.part,*.tmp".into()),
        ..SegregateRuleFile::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_check() {
        RuleLayer::check_defaults().unwrap();
    }

    #[test]
    fn flags_override_the_config_rule() {
        let file = SegregateRuleFile {
            name: "cdr".into(),
            bucket: "b".into(),
            source_prefix: "in/".into(),
            match_pattern: Some("(x)".into()),
            target: "t/%Y/".into(),
            error_prefix: "e/".into(),
            ..SegregateRuleFile::default()
        };
        let spec = RuleSpec::from_config(&file);
        assert_eq!(spec.page_size, DEFAULT_PAGE_SIZE);
        assert_eq!(spec.time_delay_secs, DEFAULT_TIME_DELAY_SECS);
        let o = Overrides {
            rule: RuleLayer {
                bucket: Some("other".into()),
                match_pattern: Some(String::new()),
                max_pages: Some(3),
                ..RuleLayer::default()
            },
            ..Overrides::default()
        };
        let spec = spec.with(&o);
        assert_eq!(spec.bucket, "other");
        assert_eq!(spec.match_pattern, None);
        assert_eq!(spec.max_pages, Some(3));
        assert_eq!(spec.source_prefix, "in/");
    }
}
