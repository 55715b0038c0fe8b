//! Usage pane state: the summary shown as a user → bucket → category tree, the window chooser,
//! the `/` filter, a running collection and the trim confirmation.

mod choice; // the windows `w` cycles through
mod messages; // effects and events of the pane

pub use choice::{CHOICES, Choice};
pub use messages::{UsageEffect, UsageEvent};

use super::filter::Filter;
use crate::event::RequestId;
use s3scope_core::config::Config;
use s3scope_core::instants::{Period, Window};
use s3scope_core::job::Snapshot;
use s3scope_core::s3::client::Clients;
use s3scope_core::usage::model::Counters;
use s3scope_core::usage::view::{Grouping, Row, SortKey, rows, sort_rows};
use s3scope_core::usage::{Source, Summary, UsageOptions, UsageSettings, source_id};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Where the summary stands.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Load {
    #[default]
    Idle,
    Loading,
    Loaded,
    /// No summary file yet: what to do about it.
    Missing(String),
    Failed(String),
}

/// A collection running in the background.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: RequestId,
    pub window: Window,
    pub trim: bool,
    pub progress: Snapshot,
}

/// The trim waiting for `y`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub window: Window,
    /// What will be deleted, in words.
    pub what: String,
}

/// One line of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    /// 0 user, 1 bucket, 2 category.
    pub depth: u8,
    pub user: String,
    pub bucket: Option<String>,
    pub category: Option<String>,
    pub counters: Counters,
    pub expanded: bool,
}

impl TreeRow {
    /// The node's own name (the last of user, bucket, category).
    pub fn name(&self) -> &str {
        self.category
            .as_deref()
            .or(self.bucket.as_deref())
            .unwrap_or(&self.user)
    }

    fn node(&self) -> Node {
        (self.user.clone(), self.bucket.clone())
    }
}

/// An expandable node: a user, or a user's bucket.
type Node = (String, Option<String>);

/// The Usage pane.
#[derive(Debug, Clone, Default)]
pub struct UsageState {
    /// What the session's profile collects from, or why it cannot.
    pub setup: Option<Result<Setup, String>>,
    pub summary: Option<Arc<Summary>>,
    pub load: Load,
    /// Index into [`CHOICES`] of the window the next collection reads.
    pub period: usize,
    pub sort: SortKey,
    pub filter: Filter,
    expanded: BTreeSet<Node>,
    /// The visible lines.
    pub rows: Vec<TreeRow>,
    pub selected: usize,
    pub offset: usize,
    pub job: Option<Job>,
    pub confirm: Option<Confirm>,
    /// The outcome of the last collection, one line.
    pub last_run: Option<String>,
    /// Set once the pane was shown (the summary is loaded on first show).
    pub opened: bool,
    load_request: Option<RequestId>,
}

/// The settings and source of the session's profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub settings: UsageSettings,
    pub source: Source,
    /// The source in words, as in summaries.
    pub label: String,
}

impl UsageState {
    /// The pane for the session's profile: its `[profiles.NAME.usage]` section and source.
    pub fn for_session(config: &Config, clients: &Clients) -> Self {
        let profile = clients.profile();
        let setup = UsageOptions::from_config(config, &profile.name)
            .map(UsageOptions::resolve)
            .and_then(|settings| {
                let source = settings.source(profile)?;
                let label = source_id(clients, &source).to_string();
                Ok(Setup {
                    settings,
                    source,
                    label,
                })
            })
            .map_err(|e| e.to_string());
        Self::new(setup)
    }

    /// The pane for a setup (or the reason there is none).
    pub fn new(setup: Result<Setup, String>) -> Self {
        let period = setup
            .as_ref()
            .ok()
            .and_then(|s| {
                CHOICES
                    .iter()
                    .position(|c| *c == Choice::Last(s.settings.period))
            })
            .unwrap_or(0);
        Self {
            setup: Some(setup),
            period,
            ..Self::default()
        }
    }

    pub fn setup(&self) -> Result<&Setup, String> {
        match &self.setup {
            Some(Ok(s)) => Ok(s),
            Some(Err(e)) => Err(e.clone()),
            None => Err("usage is not set up for this session".into()),
        }
    }

    pub fn choice(&self) -> Choice {
        CHOICES
            .get(self.period)
            .copied()
            .unwrap_or(Choice::Last(Period::HOUR))
    }

    pub fn next_choice(&mut self) {
        self.period = (self.period + 1) % CHOICES.len();
    }

    pub fn is_busy(&self) -> bool {
        self.job.is_some() || self.load == Load::Loading
    }

    /// A summary read is on its way under `id`.
    pub fn begin_load(&mut self, id: RequestId) {
        self.load = Load::Loading;
        self.load_request = Some(id);
    }

    /// Takes a summary read; false when `id` is stale.
    pub fn finish_load(
        &mut self,
        id: RequestId,
        result: Result<Option<Arc<Summary>>, String>,
    ) -> bool {
        if self.load_request != Some(id) {
            return false;
        }
        self.load_request = None;
        match result {
            Ok(Some(summary)) => self.show(summary),
            Ok(None) => self.load = Load::Missing("no summary yet".into()),
            Err(e) => self.load = Load::Failed(e),
        }
        true
    }

    /// Shows a summary, keeping the selection on the same node when it is still there.
    pub fn show(&mut self, summary: Arc<Summary>) {
        self.summary = Some(summary);
        self.load = Load::Loaded;
        self.rebuild();
    }

    pub fn selected_row(&self) -> Option<&TreeRow> {
        self.rows.get(self.selected)
    }

    /// Expands the selected user or bucket; false when it has nothing below.
    pub fn expand(&mut self) -> bool {
        match self.selected_row() {
            Some(r) if r.depth < 2 && !r.expanded => {
                let node = r.node();
                self.expanded.insert(node);
                self.rebuild();
                true
            }
            _ => false,
        }
    }

    /// Collapses the selected node, or selects its parent when it is a leaf or collapsed.
    pub fn collapse(&mut self) {
        let Some(r) = self.selected_row().cloned() else {
            return;
        };
        if r.expanded {
            self.expanded.remove(&r.node());
        } else if r.depth > 0 {
            let parent = if r.depth == 2 {
                (r.user.clone(), r.bucket.clone())
            } else {
                (r.user.clone(), None)
            };
            self.expanded.remove(&parent);
            self.select_node(&parent);
        }
        self.rebuild();
    }

    /// Sorts by `key`; the same key again flips to the other column of its pair (bytes out ↔
    /// bytes in, ops ↔ success).
    pub fn sort_by(&mut self, key: SortKey) {
        self.sort = match (self.sort, key) {
            (SortKey::BytesSent, SortKey::BytesSent) => SortKey::BytesReceived,
            (SortKey::Ops, SortKey::Ops) => SortKey::Success,
            _ => key,
        };
        self.rebuild();
    }

    /// Recomputes the visible lines from the summary, filter, sort and expansion.
    pub fn rebuild(&mut self) {
        let keep = self.selected_row().map(|r| (r.node(), r.category.clone()));
        self.rows = self.tree();
        self.selected = keep
            .and_then(|(node, cat)| {
                self.rows
                    .iter()
                    .position(|r| r.node() == node && r.category == cat)
            })
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
    }

    fn select_node(&mut self, node: &Node) {
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| &r.node() == node && r.category.is_none())
        {
            self.selected = i;
        }
    }

    /// The tree: leaves (user, bucket, category) that match the filter, added up into their
    /// buckets and users. With a filter, everything is expanded to show what matched.
    fn tree(&self) -> Vec<TreeRow> {
        let Some(summary) = &self.summary else {
            return Vec::new();
        };
        let m = self.filter.matcher();
        let mut users: BTreeMap<String, Counters> = BTreeMap::new();
        let mut buckets: BTreeMap<String, BTreeMap<String, Counters>> = BTreeMap::new();
        let mut leaves: BTreeMap<(String, String), Vec<Row>> = BTreeMap::new();
        for leaf in rows(summary, Grouping::UserBucketCategory) {
            let names = [&leaf.user, &leaf.bucket, &leaf.category];
            if !names.into_iter().flatten().any(|s| m.matches(s)) {
                continue;
            }
            let user = leaf.user.clone().unwrap_or_default();
            let bucket = leaf.bucket.clone().unwrap_or_default();
            *users.entry(user.clone()).or_default() += &leaf.counters;
            *buckets
                .entry(user.clone())
                .or_default()
                .entry(bucket.clone())
                .or_default() += &leaf.counters;
            leaves.entry((user, bucket)).or_default().push(leaf);
        }
        let sorted = |items: Vec<Row>| {
            let mut items = items;
            sort_rows(&mut items, self.sort);
            items
        };
        let as_row = |user: &str, bucket: Option<&str>, counters: Counters| Row {
            user: Some(user.to_string()),
            bucket: bucket.map(str::to_string),
            category: None,
            counters,
        };
        let all_open = self.filter.is_active();
        let mut lines = Vec::new();
        for u in sorted(users.iter().map(|(u, c)| as_row(u, None, *c)).collect()) {
            let user = u.user.unwrap_or_default();
            let open = all_open || self.expanded.contains(&(user.clone(), None));
            lines.push(line(0, &user, None, None, u.counters, open));
            if !open {
                continue;
            }
            let of_user = buckets.get(&user).into_iter().flatten();
            for b in sorted(of_user.map(|(b, c)| as_row(&user, Some(b), *c)).collect()) {
                let bucket = b.bucket.unwrap_or_default();
                let open = all_open
                    || self
                        .expanded
                        .contains(&(user.clone(), Some(bucket.clone())));
                lines.push(line(1, &user, Some(&bucket), None, b.counters, open));
                if !open {
                    continue;
                }
                let cats = leaves
                    .get(&(user.clone(), bucket.clone()))
                    .cloned()
                    .unwrap_or_default();
                for c in sorted(cats) {
                    lines.push(line(
                        2,
                        &user,
                        Some(&bucket),
                        c.category.as_deref(),
                        c.counters,
                        false,
                    ));
                }
            }
        }
        lines
    }

    /// Moves the selection by `delta`, keeping it within `page` visible rows.
    pub fn move_by(&mut self, delta: isize, page: usize) {
        if self.rows.is_empty() {
            return;
        }
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(self.rows.len() - 1);
        self.keep_visible(page);
    }

    pub fn keep_visible(&mut self, page: usize) {
        let page = page.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + page {
            self.offset = self.selected + 1 - page;
        }
    }
}

fn line(
    depth: u8,
    user: &str,
    bucket: Option<&str>,
    category: Option<&str>,
    counters: Counters,
    expanded: bool,
) -> TreeRow {
    TreeRow {
        depth,
        user: user.to_string(),
        bucket: bucket.map(str::to_string),
        category: category.map(str::to_string),
        counters,
        expanded,
    }
}
