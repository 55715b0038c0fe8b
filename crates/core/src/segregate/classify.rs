//! Where one key goes under a rule: match its name, parse the date, build the destination key.
//! Pure and fast (the TUI re-runs it on every listed key at each keystroke).

use super::rule::Rule;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Why a key goes to the error prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The pattern does not match the name.
    NoMatch,
    /// The groups matched but do not parse with the format (e.g. month 13, hour 25).
    Unparseable,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoMatch => "no_match",
            Self::Unparseable => "unparseable",
        }
    }
}

/// Keys that are listed but never processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Already under a prefix the target template renders.
    UnderTarget,
    /// Already under the error prefix.
    UnderErrorPrefix,
    /// A "directory" placeholder (the key ends in `/`).
    FolderMarker,
    /// Not under the source prefix (only when fed keys from elsewhere).
    OutsideSource,
}

/// What the pattern matched: the groups in order and their UTF-8 byte spans in the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    pub groups: Vec<String>,
    /// `[start, end)` byte offsets into the whole key, one per participating group.
    pub spans: Vec<(usize, usize)>,
}

/// The destination of one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub matched: Option<Match>,
    /// The key's date (parsed, forced or now − delay); None for errors.
    pub date: Option<NaiveDateTime>,
    /// The key it moves to: under the target, or under the error prefix.
    pub destination: String,
    /// None: a dated move; Some: to the error prefix, and why.
    pub error: Option<Reason>,
    /// For unparseable keys: what did not parse, and chrono's reason.
    pub detail: Option<String>,
}

/// Classifies keys under one rule, rendering each distinct date's prefix once.
#[derive(Debug)]
pub struct Classifier<'r> {
    rule: &'r Rule,
    fallback: NaiveDateTime,
    prefixes: HashMap<NaiveDateTime, String>,
    concat: String,
    /// Capture positions, reused from key to key (no allocation per match).
    locations: Option<regex::CaptureLocations>,
}

impl<'r> Classifier<'r> {
    /// `fallback` is the date of every key when the rule has no pattern or forces a date.
    pub fn new(rule: &'r Rule, fallback: NaiveDateTime) -> Self {
        Self {
            rule,
            fallback,
            prefixes: HashMap::new(),
            concat: String::new(),
            locations: rule.pattern.as_ref().map(regex::Regex::capture_locations),
        }
    }

    pub fn rule(&self) -> &Rule {
        self.rule
    }

    /// The destination prefix of a date (the rendered target).
    pub fn prefix_of(&mut self, date: NaiveDateTime) -> &str {
        let target = &self.rule.target;
        self.prefixes
            .entry(date)
            .or_insert_with(|| target.render(&date))
    }

    pub fn classify(&mut self, key: &str) -> Result<Classified, Skip> {
        let rule = self.rule;
        let Some(rel) = key.strip_prefix(rule.source_prefix.as_str()) else {
            return Err(Skip::OutsideSource);
        };
        if rel.is_empty() || key.ends_with('/') {
            return Err(Skip::FolderMarker);
        }
        if key.starts_with(rule.error_prefix.as_str()) {
            return Err(Skip::UnderErrorPrefix);
        }
        if rule.target.may_have_produced(key) {
            return Err(Skip::UnderTarget);
        }
        let dated = |this: &mut Self, date: NaiveDateTime, matched: Option<Match>| {
            let prefix = this.prefix_of(date);
            let mut destination = String::with_capacity(prefix.len() + rel.len());
            destination.push_str(prefix);
            destination.push_str(rel);
            Classified {
                matched,
                date: Some(date),
                destination,
                error: None,
                detail: None,
            }
        };
        let (pattern, locations) = match (&rule.pattern, rule.forced, self.locations.as_mut()) {
            (Some(p), None, Some(l)) => (p, l),
            _ => return Ok(dated(self, self.fallback, None)),
        };
        let name_at = key.rfind('/').map_or(0, |i| i + 1);
        let name = &key[name_at..];
        if pattern.captures_read(locations, name).is_none() {
            return Ok(self.to_errors(rel, None, Reason::NoMatch, None));
        }
        self.concat.clear();
        let groups = locations.len() - 1;
        let mut matched = Match {
            groups: Vec::with_capacity(groups),
            spans: Vec::with_capacity(groups),
        };
        for i in 1..=groups {
            if let Some((start, end)) = locations.get(i) {
                let text = &name[start..end];
                self.concat.push_str(text);
                matched.groups.push(text.to_string());
                matched.spans.push((name_at + start, name_at + end));
            }
        }
        match rule.format.parse(&self.concat) {
            Ok(date) => Ok(dated(self, date, Some(matched))),
            Err(e) => {
                let detail = format!(
                    "`{}` does not parse as {}: {e}",
                    self.concat,
                    rule.format.as_str()
                );
                Ok(self.to_errors(rel, Some(matched), Reason::Unparseable, Some(detail)))
            }
        }
    }

    fn to_errors(
        &self,
        rel: &str,
        matched: Option<Match>,
        reason: Reason,
        detail: Option<String>,
    ) -> Classified {
        Classified {
            matched,
            date: None,
            destination: format!("{}{rel}", self.rule.error_prefix),
            error: Some(reason),
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segregate::rule::{RuleSpec, tests_support::seed_spec};

    const SEED_NAME: &str =
        "CHARGINGCDR_4008-BRCCNH-CCNCDR44-01-Blk0Blk-8421-20221231-100511-78.ccn";

    fn fallback() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2024-05-06 07:08:09", "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_seed_example_works_exactly() {
        let rule = Rule::compile(&seed_spec()).unwrap();
        let mut c = Classifier::new(&rule, fallback());
        let key = format!("incoming/{SEED_NAME}");
        let out = c.classify(&key).unwrap();
        let m = out.matched.clone().unwrap();
        assert_eq!(m.groups, ["20221231", "10"]);
        assert_eq!(&key[m.spans[0].0..m.spans[0].1], "20221231");
        assert_eq!(&key[m.spans[1].0..m.spans[1].1], "10");
        assert_eq!(out.date.unwrap().to_string(), "2022-12-31 10:00:00");
        assert_eq!(
            out.destination,
            format!("segregated/2022/12/31/{SEED_NAME}")
        );
        assert_eq!(out.error, None);
    }

    #[test]
    fn errors_and_skips() {
        let rule = Rule::compile(&seed_spec()).unwrap();
        let mut c = Classifier::new(&rule, fallback());
        let out = c.classify("incoming/sub dir/README 100%+.txt").unwrap();
        assert_eq!(out.error, Some(Reason::NoMatch));
        assert_eq!(out.destination, "errors/sub dir/README 100%+.txt");
        let bad =
            "incoming/CHARGINGCDR_4011-SPOCNH-CCNCDR12-01-Blk0Blk-0017-20221231-250000-11.ccn";
        let out = c.classify(bad).unwrap();
        assert_eq!(out.error, Some(Reason::Unparseable));
        assert!(out.detail.unwrap().contains("`2022123125`"));
        assert!(out.matched.is_some());
        assert_eq!(c.classify("incoming/"), Err(Skip::FolderMarker));
        assert_eq!(c.classify("incoming/dir/"), Err(Skip::FolderMarker));
        assert_eq!(c.classify("elsewhere/x"), Err(Skip::OutsideSource));
    }

    #[test]
    fn no_pattern_or_forced_date_uses_the_fallback() {
        let spec = RuleSpec {
            match_pattern: None,
            ..seed_spec()
        };
        let rule = Rule::compile(&spec).unwrap();
        let mut c = Classifier::new(&rule, fallback());
        let out = c.classify("incoming/日本 file.bin").unwrap();
        assert_eq!(out.destination, "segregated/2024/05/06/日本 file.bin");
        assert!(out.matched.is_none());
    }
}
