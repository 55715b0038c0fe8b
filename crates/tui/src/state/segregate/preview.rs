//! The live preview: the plan of the rule being edited, recomputed from the listed keys at each
//! keystroke, with the destinations checked so far settling conflicts and already-there keys.

use chrono::{DateTime, Utc};
use s3scope_core::s3::lister::ListedObject;
use s3scope_core::segregate::plan::{
    Existing, PlanEntry, Skipped, Status, Summary, draft, mark_collisions,
};
use s3scope_core::segregate::planner::check_destinations;
use s3scope_core::segregate::{Rule, RuleError, RuleSpec};
use std::collections::{BTreeSet, HashMap};

/// Destinations found so far: which prefixes were listed, and what is in them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets {
    /// The bucket these are about; a new bucket starts afresh.
    pub bucket: String,
    pub listed: BTreeSet<String>,
    /// Asked for, not answered yet.
    pub pending: BTreeSet<String>,
    pub objects: HashMap<String, Existing>,
    /// The last listing failure, shown in the pane.
    pub failed: Option<String>,
}

impl Targets {
    /// True when `prefix` (or a prefix of it) was listed.
    pub fn covers(&self, prefix: &str) -> bool {
        prefix
            .char_indices()
            .map(|(i, _)| i)
            .chain([prefix.len()])
            .any(|i| self.listed.contains(&prefix[..i]))
    }
}

/// The plan of the rule on screen.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    /// The checked rule; None while a field is invalid (see `error`).
    pub rule: Option<Rule>,
    pub error: Option<RuleError>,
    pub entries: Vec<PlanEntry>,
    /// Per entry: its destination prefix was listed (its status is final).
    pub checked: Vec<bool>,
    pub unchecked: usize,
    pub summary: Summary,
    pub skipped: Skipped,
    /// Destination prefixes of the entries (non-overlapping).
    pub prefixes: BTreeSet<String>,
    /// Destinations may collide (see `Draft::overlapping`).
    pub overlapping: bool,
    /// Indices into `entries` shown under the current filter.
    pub rows: Vec<usize>,
}

impl Preview {
    /// Recomputes everything from `spec` over `objects` (sorted by key).
    pub fn compute(
        spec: &RuleSpec,
        objects: &[ListedObject],
        targets: &Targets,
        filter: Option<Status>,
        now: DateTime<Utc>,
    ) -> Self {
        let rule = match Rule::compile(spec) {
            Ok(r) => r,
            Err(e) => {
                return Self {
                    error: Some(e),
                    ..Self::default()
                };
            }
        };
        let mut d = draft(&rule, objects, now);
        if let Err(e) = check_destinations(&rule, &d) {
            return Self {
                error: Some(e),
                ..Self::default()
            };
        }
        let known_prefixes: BTreeSet<&str> = d
            .destination_prefixes
            .iter()
            .filter(|p| targets.covers(p))
            .map(String::as_str)
            .collect();
        let mut checked = Vec::with_capacity(d.entries.len());
        let mut unchecked = 0;
        for e in &mut d.entries {
            // The destination prefixes do not overlap: the greatest one not after the target
            // is the only one that can hold it.
            // A key that stays has no destination to check.
            let known = e.status.stays()
                || known_prefixes
                    .range(..=e.target.as_str())
                    .next_back()
                    .is_some_and(|p| e.target.starts_with(p));
            if known {
                e.settle(targets.objects.get(&e.target));
            } else {
                unchecked += 1;
            }
            checked.push(known);
        }
        if d.overlapping {
            mark_collisions(&mut d.entries);
        }
        let summary = Summary::of(&d.entries);
        let mut p = Self {
            rule: Some(rule),
            error: None,
            entries: d.entries,
            checked,
            unchecked,
            summary,
            skipped: d.skipped,
            prefixes: d.destination_prefixes,
            overlapping: d.overlapping,
            rows: Vec::new(),
        };
        p.filter(filter);
        p
    }

    /// Settles the entries whose destination prefix was listed since: the regex did not change,
    /// so nothing is classified again (a check answering costs a pass over the entries).
    pub fn resettle(&mut self, targets: &Targets, filter: Option<Status>) {
        if self.rule.is_none() || self.unchecked == 0 {
            return;
        }
        let known: BTreeSet<&str> = self
            .prefixes
            .iter()
            .filter(|p| targets.covers(p))
            .map(String::as_str)
            .collect();
        for (e, checked) in self.entries.iter_mut().zip(self.checked.iter_mut()) {
            if *checked {
                continue;
            }
            let covered = known
                .range(..=e.target.as_str())
                .next_back()
                .is_some_and(|p| e.target.starts_with(p));
            if covered {
                e.settle(targets.objects.get(&e.target));
                *checked = true;
                self.unchecked -= 1;
            }
        }
        if self.overlapping {
            mark_collisions(&mut self.entries);
        }
        self.summary = Summary::of(&self.entries);
        self.filter(filter);
    }

    /// Keeps the rows of one status (None: all).
    pub fn filter(&mut self, status: Option<Status>) {
        self.rows = (0..self.entries.len())
            .filter(|&i| status.is_none_or(|s| self.entries[i].status == s))
            .collect();
    }

    /// Destination prefixes neither listed nor asked for.
    pub fn missing(&self, targets: &Targets) -> Vec<String> {
        self.prefixes
            .iter()
            .filter(|p| !targets.covers(p) && !targets.pending.contains(*p))
            .cloned()
            .collect()
    }
}
