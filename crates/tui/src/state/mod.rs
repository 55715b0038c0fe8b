//! Everything the screen shows, owned by `update`: panes, status line, command line, help.

pub mod browse; // the prefix tree browsed (live scan or snapshot), place, rows, files, details
pub mod buckets; // the bucket table: load state, rows, selection
pub mod filter; // the `/` filter of a table
pub mod jobs; // every long job: extract/process run here, pane jobs followed and kept
pub mod segregate; // date segregation: rule fields, live preview plan, apply job
pub mod usage; // request and bandwidth usage: summary tree, window, collect and trim

use super::event::RequestId;
use super::keymap::Keymap;
use chrono::{DateTime, Utc};
use tui_input::Input;

/// The five panes, shown as tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Buckets,
    Browse,
    Usage,
    Segregate,
    Jobs,
}

impl Pane {
    pub const ALL: [Pane; 5] = [
        Self::Buckets,
        Self::Browse,
        Self::Usage,
        Self::Segregate,
        Self::Jobs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::Buckets => "Buckets",
            Self::Browse => "Browse",
            Self::Usage => "Usage",
            Self::Segregate => "Segregate",
            Self::Jobs => "Jobs",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }

    pub fn next(self) -> Self {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> Self {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}

/// Who we are talking to, and the last thing worth telling the user.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub profile: String,
    pub endpoint: String,
    pub read_only: bool,
    /// The last error; stays until Esc or until replaced.
    pub error: Option<String>,
    /// The last informational message; cleared by the next key.
    pub message: Option<String>,
}

/// The help overlay, scrollable when the screen is short.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Help {
    pub scroll: u16,
}

/// The whole TUI state.
#[derive(Debug)]
pub struct State {
    pub pane: Pane,
    pub buckets: buckets::BucketsState,
    pub browse: browse::BrowseState,
    pub usage: usage::UsageState,
    pub segregate: segregate::SegregateState,
    pub jobs: jobs::JobsState,
    pub status: Status,
    /// The `:` command line, when open.
    pub command: Option<Input>,
    /// The `?` overlay, when open.
    pub help: Option<Help>,
    pub keymap: Keymap,
    /// Where this session runs (e.g. the demo's embedded server), shown in help and at start.
    pub banner: Option<String>,
    /// Terminal size as last reported.
    pub size: (u16, u16),
    /// Ticks seen, for the loading spinner.
    pub frame: u64,
    /// The clock as of the last tick.
    pub now: Option<DateTime<Utc>>,
    /// Set when the user asked to leave.
    pub quit: bool,
    next_id: u64,
}

impl State {
    /// A fresh state; call [`super::update::start`] for the first effects.
    pub fn new(status: Status, keymap: Keymap, banner: Option<String>) -> Self {
        let message = banner.clone();
        Self {
            pane: Pane::Buckets,
            buckets: buckets::BucketsState::default(),
            browse: browse::BrowseState::default(),
            usage: usage::UsageState::default(),
            segregate: segregate::SegregateState::with_rules(&[]),
            jobs: jobs::JobsState::default(),
            status: Status { message, ..status },
            command: None,
            help: None,
            keymap,
            banner,
            size: (80, 24),
            frame: 0,
            now: None,
            quit: false,
            next_id: 0,
        }
    }

    /// A new request id; every effect that answers gets one.
    pub fn next_request(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId(self.next_id)
    }

    /// The prices of the profile (None: no cost is shown), for Buckets and Browse alike.
    pub fn set_prices(&mut self, prices: Option<s3scope_core::prices::Prices>) {
        self.buckets.prices.clone_from(&prices);
        self.buckets.rebuild_view();
        self.browse.prices = prices;
        self.browse.rebuild();
    }

    /// Rows a table body gets at the current size (for PageUp/PageDown).
    pub fn page_rows(&self) -> usize {
        usize::from(self.size.1.saturating_sub(CHROME_ROWS)).max(1)
    }
}

/// Rows around a pane's table body: tab bar 1, status 2, pane borders 2, table header 1,
/// detail lines 2.
pub const CHROME_ROWS: u16 = 8;
