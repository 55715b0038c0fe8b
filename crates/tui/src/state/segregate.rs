//! Segregate pane state: the rule being edited (six tui-input fields), the listed source, the
//! live preview plan, the destinations checked so far, the confirmation and the apply job.

mod messages; // the pane's effects and events
mod preview; // the plan of the rule on screen, recomputed at each keystroke

pub use messages::{SegregateEffect, SegregateEvent};
pub use preview::{Preview, Targets};

use crate::event::RequestId;
use chrono::{DateTime, Utc};
use s3scope_core::config::SegregateRuleFile;
use s3scope_core::job::Snapshot;
use s3scope_core::s3::lister::ListedObject;
use s3scope_core::segregate::plan::{ListingInfo, MovePlan, PLAN_VERSION, Status, Summary};
use s3scope_core::segregate::report::ApplyReport;
use s3scope_core::segregate::{Field, RuleSpec};
use tui_input::Input;

/// At most this many keys are listed for a preview (the plan of a larger source is made
/// headless, or by runs bounded with max_pages).
pub const PREVIEW_MAX_KEYS: usize = 200_000;
/// Destination prefixes checked on the fly while editing; more are checked on apply.
pub const AUTO_CHECK_MAX: usize = 64;

/// The editable fields, in screen order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldId {
    Bucket,
    Source,
    Pattern,
    Format,
    Target,
    Errors,
}

impl FieldId {
    pub const ALL: [FieldId; 6] = [
        Self::Bucket,
        Self::Source,
        Self::Pattern,
        Self::Format,
        Self::Target,
        Self::Errors,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Bucket => "Bucket",
            Self::Source => "Source",
            Self::Pattern => "Regex",
            Self::Format => "Format",
            Self::Target => "Target",
            Self::Errors => "Errors",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }

    /// The field after (or before) this one, wrapping.
    pub fn step(self, forward: bool) -> Self {
        let n = Self::ALL.len();
        let i = self.index();
        Self::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    /// The field of a rule error, if it is one of ours.
    pub fn of(field: Field) -> Option<Self> {
        match field {
            Field::Bucket => Some(Self::Bucket),
            Field::SourcePrefix => Some(Self::Source),
            Field::MatchPattern => Some(Self::Pattern),
            Field::DatetimeFormat | Field::Datetime => Some(Self::Format),
            Field::Target => Some(Self::Target),
            Field::ErrorPrefix => Some(Self::Errors),
            _ => None,
        }
    }
}

/// Where the source listing stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum ListPhase {
    #[default]
    Idle,
    Running,
    /// `complete`: the whole source was listed (not cut at PREVIEW_MAX_KEYS or max_pages).
    Done {
        complete: bool,
    },
    Failed(String),
}

/// The keys of the source on screen.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub id: Option<RequestId>,
    pub bucket: String,
    pub prefix: String,
    pub objects: Vec<ListedObject>,
    pub list_calls: u64,
    pub phase: ListPhase,
    /// New keys arrived since the preview was computed (recomputed on the next tick).
    pub dirty: bool,
}

/// An apply running (or just finished).
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: RequestId,
    pub progress: Snapshot,
    pub cancelling: bool,
}

/// The confirmation shown before an apply.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub summary: Summary,
    /// Only part of the source was listed: the rest is left for another run.
    pub partial: bool,
}

/// The Segregate pane.
#[derive(Debug, Clone, Default)]
pub struct SegregateState {
    /// Rules of the config file.
    pub rules: Vec<RuleSpec>,
    /// The rule the fields were loaded from.
    pub rule_index: Option<usize>,
    /// Settings not edited on screen (time delay, page size, max pages, workers, log file).
    pub base: RuleSpec,
    pub inputs: [Input; 6],
    /// The field being typed into, when editing.
    pub editing: Option<FieldId>,
    pub listing: Listing,
    pub targets: Targets,
    pub preview: Preview,
    pub filter: Option<Status>,
    pub selected: usize,
    pub offset: usize,
    /// Asked to apply: waiting for destination checks before confirming.
    pub apply_requested: bool,
    pub confirm: Option<Confirm>,
    pub job: Option<Job>,
    pub report: Option<ApplyReport>,
    /// The pane was shown at least once (the first showing loads a rule and lists).
    pub opened: bool,
}

impl SegregateState {
    /// The pane with the config file's rules; the first one is loaded when the pane opens.
    pub fn with_rules(rules: &[SegregateRuleFile]) -> Self {
        let mut s = Self {
            rules: rules.iter().map(RuleSpec::from_config).collect(),
            ..Self::default()
        };
        match s.rules.first().cloned() {
            Some(first) => {
                s.load(&first);
                s.rule_index = Some(0);
            }
            None => s.load(&starter_rule()),
        }
        s
    }

    /// Puts a rule into the fields.
    pub fn load(&mut self, spec: &RuleSpec) {
        self.base = spec.clone();
        self.inputs = [
            Input::new(spec.bucket.clone()),
            Input::new(spec.source_prefix.clone()),
            Input::new(spec.match_pattern.clone().unwrap_or_default()),
            Input::new(spec.datetime_format.clone()),
            Input::new(spec.target.clone()),
            Input::new(spec.error_prefix.clone()),
        ];
    }

    pub fn input(&self, f: FieldId) -> &Input {
        &self.inputs[f.index()]
    }

    pub fn input_mut(&mut self, f: FieldId) -> &mut Input {
        &mut self.inputs[f.index()]
    }

    pub fn value(&self, f: FieldId) -> &str {
        self.input(f).value()
    }

    /// The rule on screen: the base settings with the six fields as typed.
    pub fn spec(&self) -> RuleSpec {
        let v = |f| self.value(f).to_string();
        let name = match self.rule_index.and_then(|i| self.rules.get(i)) {
            Some(r) if self.matches_rule(r) => r.name.clone(),
            _ => None,
        };
        RuleSpec {
            name,
            bucket: v(FieldId::Bucket).trim().to_string(),
            source_prefix: v(FieldId::Source),
            match_pattern: Some(v(FieldId::Pattern)).filter(|p| !p.is_empty()),
            datetime_format: v(FieldId::Format),
            target: v(FieldId::Target),
            error_prefix: v(FieldId::Errors),
            ..self.base.clone()
        }
    }

    fn matches_rule(&self, r: &RuleSpec) -> bool {
        self.value(FieldId::Bucket).trim() == r.bucket
            && self.value(FieldId::Source) == r.source_prefix
            && self.value(FieldId::Pattern) == r.match_pattern.as_deref().unwrap_or("")
            && self.value(FieldId::Format) == r.datetime_format
            && self.value(FieldId::Target) == r.target
            && self.value(FieldId::Errors) == r.error_prefix
    }

    /// The name shown for the rule: its config name, "edited", or "new rule".
    pub fn rule_label(&self) -> String {
        match self.rule_index.and_then(|i| self.rules.get(i)) {
            Some(r) => {
                let name = r.name.clone().unwrap_or_default();
                if self.matches_rule(r) {
                    format!(
                        "rule {name} ({}/{})",
                        self.rule_index.unwrap_or(0) + 1,
                        self.rules.len()
                    )
                } else {
                    format!("rule {name}, edited")
                }
            }
            None => "new rule".into(),
        }
    }

    /// Recomputes the preview from the listing and the fields.
    pub fn recompute(&mut self, now: DateTime<Utc>) {
        let objects = &mut self.listing.objects;
        if !objects.is_sorted_by(|a, b| a.key <= b.key) {
            objects.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        }
        self.listing.dirty = false;
        self.preview = Preview::compute(
            &self.spec(),
            &self.listing.objects,
            &self.targets,
            self.filter,
            now,
        );
        self.clamp_selection(usize::MAX);
    }

    /// Shows one status only, or all (None).
    pub fn set_filter(&mut self, filter: Option<Status>) {
        self.filter = filter;
        self.preview.filter(filter);
        self.selected = 0;
        self.offset = 0;
    }

    /// The next filter: all → move → error → conflict → already_there → (too_new, excluded,
    /// not_recursive: only when some keys have them) → all.
    pub fn next_filter(&self) -> Option<Status> {
        let start = match self.filter {
            None => return Some(Status::Move),
            Some(s) => Status::ALL.iter().position(|x| *x == s).unwrap_or(0) + 1,
        };
        let sum = &self.preview.summary;
        Status::ALL
            .iter()
            .skip(start)
            .find(|st| !st.stays() || sum.count(**st).objects > 0)
            .copied()
    }

    /// Moves the selection by `delta` rows, keeping it within `page` visible rows.
    pub fn move_by(&mut self, delta: isize, page: usize) {
        let n = self.preview.rows.len();
        if n == 0 {
            self.selected = 0;
            self.offset = 0;
            return;
        }
        let target = self.selected.saturating_add_signed(delta).min(n - 1);
        self.selected = target;
        self.clamp_selection(page);
    }

    /// Keeps selection and scroll offset valid for `page` visible rows.
    pub fn clamp_selection(&mut self, page: usize) {
        let n = self.preview.rows.len();
        self.selected = self.selected.min(n.saturating_sub(1));
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if page != usize::MAX && self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
        self.offset = self.offset.min(n.saturating_sub(1));
    }

    /// The plan to apply: the preview's entries, every destination checked.
    pub fn plan(&self, endpoint: &str, now: DateTime<Utc>) -> Option<MovePlan> {
        let rule = self.preview.rule.as_ref()?;
        let complete = self.listing.phase == ListPhase::Done { complete: true };
        let mut plan = MovePlan {
            version: PLAN_VERSION,
            id: String::new(),
            created: now,
            endpoint: endpoint.to_string(),
            bucket: rule.spec.bucket.clone(),
            rule: rule.spec.clone(),
            listing: ListingInfo {
                keys_listed: self.listing.objects.len() as u64,
                list_calls: self.listing.list_calls,
                complete,
                skipped: self.preview.skipped.clone(),
            },
            summary: Summary::default(),
            entries: self.preview.entries.clone(),
        };
        plan.refresh();
        Some(plan)
    }

    /// An apply is running (its job is cleared when its report arrives).
    pub fn is_applying(&self) -> bool {
        self.job.is_some()
    }
}

/// The rule a new user starts from: the seed's example, bucket and source to fill in.
pub fn starter_rule() -> RuleSpec {
    RuleSpec {
        match_pattern: Some(r"^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*".into()),
        datetime_format: "%Y%m%d%H".into(),
        target: "segregated/%Y/%m/%d/".into(),
        error_prefix: "errors/".into(),
        ..RuleSpec::empty()
    }
}
