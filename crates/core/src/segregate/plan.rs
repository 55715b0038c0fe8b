//! The MovePlan: every listed key with its match, date, destination and status; what `plan --out`
//! saves and `apply --plan` runs exactly. Building it from listings is pure (see `assemble`).

use super::classify::{Classifier, Match, Reason, Skip};
use super::filter::Hold;
use super::rule::{Rule, RuleSpec};
use crate::s3::lister::ListedObject;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Version of the plan file format.
pub const PLAN_VERSION: u32 = 1;

/// What apply does with one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Copy to the dated target, verify, delete the source.
    Move,
    /// Copy to the error prefix (see `reason`), verify, delete the source.
    Error,
    /// The destination exists with another size or ETag: skipped unless `--overwrite`.
    Conflict,
    /// The destination holds the same object: only the source is deleted.
    AlreadyThere,
    /// Modified less than `min_age` before planning: stays for the next run.
    TooNew,
    /// Matched by `exclude` (or by no `include`): stays.
    Excluded,
    /// Below a sub-prefix of a non-recursive rule's source: stays.
    NotRecursive,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Self::Move,
        Self::Error,
        Self::Conflict,
        Self::AlreadyThere,
        Self::TooNew,
        Self::Excluded,
        Self::NotRecursive,
    ];

    /// Entries that apply never touches: they stay where they are.
    pub fn stays(self) -> bool {
        matches!(self, Self::TooNew | Self::Excluded | Self::NotRecursive)
    }

    pub fn of_hold(h: Hold) -> Self {
        match h {
            Hold::TooNew => Self::TooNew,
            Hold::Excluded => Self::Excluded,
            Hold::NotRecursive => Self::NotRecursive,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Move => "move",
            Self::Error => "error",
            Self::Conflict => "conflict",
            Self::AlreadyThere => "already_there",
            Self::TooNew => "too_new",
            Self::Excluded => "excluded",
            Self::NotRecursive => "not_recursive",
        }
    }
}

/// An object already at the destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Existing {
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

/// One key of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    pub key: String,
    pub size: u64,
    /// The ETag listed; apply copies with `if-match` on it.
    #[serde(default)]
    pub etag: Option<String>,
    pub storage_class: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<DateTime<Utc>>,
    #[serde(rename = "match", default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<Match>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDateTime>,
    /// The destination key (under the target, or under the error prefix).
    pub target: String,
    pub status: Status,
    /// Why the key goes to the error prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// What is at the destination already (conflict, already_there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing: Option<Existing>,
}

impl PlanEntry {
    /// Sets the status from what is at the destination: nothing, the same object, another.
    pub fn settle(&mut self, existing: Option<&Existing>) {
        if self.status.stays() {
            return;
        }
        let base = if self.reason.is_some() {
            Status::Error
        } else {
            Status::Move
        };
        self.existing = existing.cloned();
        self.status = match existing {
            None => base,
            Some(e) if same_object(self.size, self.etag.as_deref(), e) => Status::AlreadyThere,
            Some(_) => Status::Conflict,
        };
    }

    /// The day this key is filed under, for counts per day.
    pub fn day(&self) -> Option<chrono::NaiveDate> {
        self.date.map(|d| d.date())
    }
}

/// Same size and the same (known) ETag.
pub fn same_object(size: u64, etag: Option<&str>, other: &Existing) -> bool {
    size == other.size
        && matches!((etag, other.etag.as_deref()), (Some(a), Some(b)) if a.trim_matches('"') == b.trim_matches('"'))
}

/// Keys listed but left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub under_target: u64,
    pub under_error_prefix: u64,
    pub folder_markers: u64,
}

/// How the source was listed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingInfo {
    pub keys_listed: u64,
    pub list_calls: u64,
    /// False when `max_pages` stopped the listing before its end.
    pub complete: bool,
    pub skipped: Skipped,
}

/// Objects and bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub objects: u64,
    pub bytes: u64,
}

impl Count {
    pub fn add(&mut self, bytes: u64) {
        self.objects += 1;
        self.bytes += bytes;
    }
}

/// Counts per status, per error reason and per target day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub total: Count,
    #[serde(rename = "move")]
    pub moves: Count,
    pub error: Count,
    pub conflict: Count,
    pub already_there: Count,
    /// Entries that stay where they are (the rule's min_age, exclude/include, recursive).
    #[serde(default)]
    pub too_new: Count,
    #[serde(default)]
    pub excluded: Count,
    #[serde(default)]
    pub not_recursive: Count,
    pub no_match: u64,
    pub unparseable: u64,
    /// Dated keys (move, conflict, already_there) per day, `YYYY-MM-DD`.
    pub days: BTreeMap<String, Count>,
}

impl Summary {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a PlanEntry>) -> Self {
        let mut s = Self::default();
        for e in entries {
            s.total.add(e.size);
            s.count_mut(e.status).add(e.size);
            match e.reason {
                Some(Reason::NoMatch) => s.no_match += 1,
                Some(Reason::Unparseable) => s.unparseable += 1,
                None => {}
            }
            if e.status.stays() {
                continue;
            }
            if let (Some(day), None) = (e.day(), e.reason) {
                s.days.entry(day.to_string()).or_default().add(e.size);
            }
        }
        s
    }

    pub fn count(&self, status: Status) -> Count {
        match status {
            Status::Move => self.moves,
            Status::Error => self.error,
            Status::Conflict => self.conflict,
            Status::AlreadyThere => self.already_there,
            Status::TooNew => self.too_new,
            Status::Excluded => self.excluded,
            Status::NotRecursive => self.not_recursive,
        }
    }

    fn count_mut(&mut self, status: Status) -> &mut Count {
        match status {
            Status::Move => &mut self.moves,
            Status::Error => &mut self.error,
            Status::Conflict => &mut self.conflict,
            Status::AlreadyThere => &mut self.already_there,
            Status::TooNew => &mut self.too_new,
            Status::Excluded => &mut self.excluded,
            Status::NotRecursive => &mut self.not_recursive,
        }
    }
}

/// The plan file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovePlan {
    pub version: u32,
    /// Digest of the entries: names the journal of this plan.
    pub id: String,
    pub created: DateTime<Utc>,
    /// Where it was listed (endpoint label; never credentials).
    pub endpoint: String,
    pub bucket: String,
    pub rule: RuleSpec,
    pub listing: ListingInfo,
    pub summary: Summary,
    pub entries: Vec<PlanEntry>,
}

impl MovePlan {
    /// Recomputes the id and the summary after entries changed.
    pub fn refresh(&mut self) {
        self.id = plan_id(&self.bucket, &self.entries);
        self.summary = Summary::of(&self.entries);
    }
}

/// A digest of what apply would do: bucket, and per entry key, ETag, destination, status.
pub fn plan_id(bucket: &str, entries: &[PlanEntry]) -> String {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    h.update(bucket.as_bytes());
    for e in entries {
        for part in [
            e.key.as_str(),
            e.etag.as_deref().unwrap_or(""),
            e.target.as_str(),
            e.status.as_str(),
        ] {
            h.update([0u8]);
            h.update(part.as_bytes());
        }
    }
    hex::encode(&h.finalize()[..8])
}

/// The classified source, before destinations are checked.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub entries: Vec<PlanEntry>,
    pub skipped: Skipped,
    /// Prefixes to list to find existing destinations (non-overlapping).
    pub destination_prefixes: BTreeSet<String>,
    /// Some destination prefix lies under another, or overlaps the source prefix: only then
    /// can two keys share a destination, or a destination be another key's source.
    pub overlapping: bool,
}

/// Classifies listed objects (in key order) under `rule`; `now` dates keys without a pattern.
pub fn draft(rule: &Rule, objects: &[ListedObject], now: DateTime<Utc>) -> Draft {
    let mut c = Classifier::new(rule, rule.fallback_date(now));
    let mut d = Draft::default();
    let mut prefixes = BTreeSet::new();
    for o in objects {
        let rel = o
            .key
            .strip_prefix(rule.source_prefix.as_str())
            .unwrap_or("");
        let hold = match rel {
            "" => None,
            _ if o.key.ends_with('/') => None,
            _ => rule.hold(rel, o.last_modified, now),
        };
        if let Some(h) = hold {
            d.entries.push(stays(o, h));
            continue;
        }
        let out = match c.classify(&o.key) {
            Ok(out) => out,
            Err(Skip::UnderTarget) => {
                d.skipped.under_target += 1;
                continue;
            }
            Err(Skip::UnderErrorPrefix) => {
                d.skipped.under_error_prefix += 1;
                continue;
            }
            Err(Skip::FolderMarker | Skip::OutsideSource) => {
                d.skipped.folder_markers += 1;
                continue;
            }
        };
        match out.date {
            Some(date) if out.error.is_none() => {
                prefixes.insert(c.prefix_of(date).to_string());
            }
            _ => {
                prefixes.insert(rule.error_prefix.clone());
            }
        }
        d.entries.push(PlanEntry {
            key: o.key.clone(),
            size: o.size,
            etag: o.etag.clone(),
            storage_class: o.storage_class.clone(),
            last_modified: o.last_modified,
            matched: out.matched,
            date: out.date,
            target: out.destination,
            status: if out.error.is_some() {
                Status::Error
            } else {
                Status::Move
            },
            reason: out.error,
            detail: out.detail,
            existing: None,
        });
    }
    let source = rule.source_prefix.as_str();
    d.overlapping = prefixes
        .iter()
        .any(|p| p.starts_with(source) || source.starts_with(p.as_str()));
    let count = prefixes.len();
    d.destination_prefixes = outermost(prefixes);
    d.overlapping |= d.destination_prefixes.len() != count;
    d
}

/// An entry that stays where it is: its target is its own key.
fn stays(o: &ListedObject, h: Hold) -> PlanEntry {
    PlanEntry {
        key: o.key.clone(),
        size: o.size,
        etag: o.etag.clone(),
        storage_class: o.storage_class.clone(),
        last_modified: o.last_modified,
        matched: None,
        date: None,
        target: o.key.clone(),
        status: Status::of_hold(h),
        reason: None,
        detail: None,
        existing: None,
    }
}

/// Drops prefixes that lie under another one of the set.
fn outermost(prefixes: BTreeSet<String>) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    for p in prefixes {
        if !out.iter().any(|o| p.starts_with(o.as_str())) {
            out.insert(p);
        }
    }
    out
}

/// Settles every entry against the objects found at the destinations, then (when the draft's
/// prefixes overlap) marks entries whose destination is another entry's source or destination
/// as conflicts.
pub fn settle(draft: &mut Draft, existing: &HashMap<String, Existing>) {
    for e in draft.entries.iter_mut() {
        e.settle(existing.get(&e.target));
    }
    if draft.overlapping {
        mark_collisions(&mut draft.entries);
    }
}

/// Marks entries whose destination is another entry's source or destination as conflicts.
pub fn mark_collisions(entries: &mut [PlanEntry]) {
    let sources: HashSet<&str> = entries.iter().map(|e| e.key.as_str()).collect();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut clashes: Vec<(usize, String)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        if e.status.stays() {
            continue;
        }
        if sources.contains(e.target.as_str()) {
            clashes.push((i, "the destination is the source of another key".into()));
        } else if let Some(first) = seen.insert(e.target.as_str(), e.key.as_str()) {
            clashes.push((i, format!("same destination as {first}")));
            seen.insert(e.target.as_str(), first);
        }
    }
    for (i, why) in clashes {
        if let Some(e) = entries.get_mut(i) {
            // No `existing`: a clash is never overwritten, even with --overwrite.
            e.status = Status::Conflict;
            e.existing = None;
            e.detail = Some(why);
        }
    }
}
