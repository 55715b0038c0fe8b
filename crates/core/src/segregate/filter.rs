//! The rule's filters for files still arriving: keys that stay where they are (not recursive,
//! excluded by a glob, too new), decided before the pattern is tried,
//! in this order: excluded, not recursive, too new.

use super::rule::{Field, Rule, RuleError};
use chrono::{DateTime, Utc};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// Why a listed key stays where it is (the rule's filters, checked before its pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Below a sub-prefix of the source, and the rule is not recursive.
    NotRecursive,
    /// Matches `exclude`, or `include` is set and it matches none.
    Excluded,
    /// Modified less than `min_age` ago (or later than now: a clock ahead).
    TooNew,
}

/// Globs on relative keys, as in .gitignore: one without `/` matches the name in any
/// sub-prefix (`*.part`), one with `/` the whole relative key (`.staging/**`); `*` stays
/// within one segment, `**` crosses them.
#[derive(Debug, Clone)]
pub struct Globs {
    names: GlobSet,
    paths: GlobSet,
}

impl Globs {
    pub fn is_match(&self, rel: &str) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        self.names.is_match(name) || self.paths.is_match(rel)
    }
}

pub(super) fn globs(field: Field, list: &[String]) -> Result<Option<Globs>, RuleError> {
    if list.is_empty() {
        return Ok(None);
    }
    let mut names = GlobSetBuilder::new();
    let mut paths = GlobSetBuilder::new();
    for g in list {
        let glob = GlobBuilder::new(g.trim_start_matches('/'))
            .literal_separator(true)
            .build()
            .map_err(|e| RuleError::new(field, format!("`{g}` is not a glob: {}", e.kind())))?;
        if g.contains('/') {
            paths.add(glob);
        } else {
            names.add(glob);
        }
    }
    let build = |b: GlobSetBuilder| {
        b.build()
            .map_err(|e| RuleError::new(field, format!("cannot compile the globs: {e}")))
    };
    Ok(Some(Globs {
        names: build(names)?,
        paths: build(paths)?,
    }))
}

impl Rule {
    /// Whether a key stays where it is: `rel` is the key relative to the source prefix,
    /// `modified` its LastModified, `now` the clock of the plan.
    pub fn hold(
        &self,
        rel: &str,
        modified: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Option<Hold> {
        if self.exclude.as_ref().is_some_and(|g| g.is_match(rel))
            || self.include.as_ref().is_some_and(|g| !g.is_match(rel))
        {
            return Some(Hold::Excluded);
        }
        if !self.spec.recursive && rel.contains('/') {
            return Some(Hold::NotRecursive);
        }
        match (self.min_age, modified) {
            (Some(age), Some(m)) if now - m < age => Some(Hold::TooNew),
            _ => None,
        }
    }
}
