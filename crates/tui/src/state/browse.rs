//! Browse pane state: the prefix tree being browsed (a live scan or a snapshot), where the user
//! is in it, and the rows on screen.
//!
//! The tree is shared with the scan task that grows it. It is read only in [`BrowseState::rebuild`],
//! under a short read lock, to build `rows` (the view model); drawing reads `rows` alone.

mod cleanup; // cleanup of hidden costs from the hidden-cost view: plan, preview, job
mod diff; // growth since the previous snapshot, by prefix
mod files; // the files of one prefix and the HEAD details of one object
mod inventory; // the bucket's S3 Inventory report: offered with its date, read into the tree
mod marks; // rows marked for delete, the delete preview and job, the tree after it
mod nav; // sort order, cursor, moving up a prefix
mod rows; // building the rows of the current prefix from the tree

pub use cleanup::{
    CleanupEffect, CleanupEvent, CleanupFlow, NONCURRENT_OLDER_THAN_DAYS, UPLOADS_OLDER_THAN_DAYS,
    spec as cleanup_spec,
};
pub use diff::{DIFF_DEPTH, DiffLoad, DiffView};
pub use files::{FilesView, Load, ObjectView};
pub use inventory::{InventoryDone, InventoryOffer};
pub use marks::{
    DeleteEffect, DeleteEvent, DeleteFlow, Mark, MarkKind, MarkedTotals, Marks, subtract,
};
pub use nav::{Cursor, Sort, SortKey, parent_prefix};
pub use rows::{ClassColumn, FILES_ROW, Row, RowKind, Want};

use super::filter::Filter;
use crate::event::RequestId;
use chrono::{DateTime, Utc};
use s3scope_core::job::Snapshot;
use s3scope_core::prices::Prices;
use s3scope_core::scan::buckets::Source;
use s3scope_core::scan::tree::{Hidden, PrefixTree};
use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard};

/// A prefix tree shared with the task that grows it. Equal when it is the same tree.
#[derive(Clone)]
pub struct SharedTree(pub Arc<RwLock<PrefixTree>>);

impl SharedTree {
    pub fn new(tree: PrefixTree) -> Self {
        Self(Arc::new(RwLock::new(tree)))
    }

    /// A read lock; hold it only while copying what the screen needs.
    pub fn read(&self) -> RwLockReadGuard<'_, PrefixTree> {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for SharedTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedTree(..)")
    }
}

impl PartialEq for SharedTree {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What the tree on screen comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A scan of this session (running or finished).
    Scan,
    /// A snapshot file from an earlier scan.
    Snapshot {
        path: PathBuf,
        scanned_at: DateTime<Utc>,
        list_calls: u64,
    },
    /// The bucket's S3 Inventory report (no LIST calls; the bucket as of the report).
    Inventory {
        manifest: String,
        as_of: DateTime<Utc>,
    },
}

/// The LIST calls a scan is expected to cost, from a bucket table row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub objects: u64,
    pub list_calls: u64,
    pub source: Source,
    pub as_of: Option<DateTime<Utc>>,
}

/// Where the scan stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Nothing opened yet.
    Idle,
    /// Looking for a snapshot of the location.
    Finding {
        id: RequestId,
    },
    /// A big scan waits for the user's go.
    Confirm {
        hidden: bool,
    },
    /// Listing; the counters arrive with progress events.
    Scanning {
        id: RequestId,
        counters: Snapshot,
        hidden: bool,
    },
    /// The tree is complete.
    Done {
        counters: Snapshot,
        hidden: bool,
    },
    /// Stopped by the user; the tree holds what was listed so far.
    Cancelled {
        counters: Snapshot,
    },
    Failed {
        message: String,
    },
}

/// Totals of the prefix on screen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Totals {
    pub objects: u64,
    pub bytes: u64,
    pub newest: Option<i64>,
    pub hidden: Hidden,
    /// USD per month (with prices only), hidden costs included in the hidden-cost view.
    pub cost: Option<f64>,
    /// USD per month of the noncurrent versions and incomplete uploads alone (with prices).
    pub hidden_cost: Option<f64>,
}

/// The Browse pane.
#[derive(Debug, Clone)]
pub struct BrowseState {
    /// The bucket browsed (set by Enter in Buckets or `:browse`).
    pub bucket: Option<String>,
    /// The prefix the user asked for; a scan lists exactly this.
    pub location_prefix: String,
    pub tree: Option<SharedTree>,
    pub origin: Option<Origin>,
    pub phase: Phase,
    /// Known before scanning, from the bucket table.
    pub estimate: Option<Estimate>,
    /// The tree holds hidden costs (versions and uploads were listed).
    pub tree_has_hidden: bool,
    /// Show the hidden-cost columns.
    pub show_hidden: bool,
    /// The full prefix on screen.
    pub cwd: String,
    /// `cwd` exists in the tree (false while a scan has not reached it yet).
    pub found: bool,
    pub totals: Totals,
    pub classes: Vec<ClassColumn>,
    /// Child prefixes and the files row of `cwd`, filtered and sorted.
    pub rows: Vec<Row>,
    /// Rows before filtering.
    pub unfiltered: usize,
    pub cursor: Cursor,
    pub sort: Sort,
    pub filter: Filter,
    pub files: Option<FilesView>,
    pub object: Option<ObjectView>,
    /// The diff overlay (`d`), over the rows while open.
    pub diff: Option<DiffView>,
    /// Where the last finished scan was saved, or why it was not.
    pub saved: Option<Result<PathBuf, String>>,
    pub save_request: Option<RequestId>,
    /// Parallel LIST requests of a scan (`[scan] concurrency`).
    pub concurrency: usize,
    /// The bucket's inventory report, when one was found for the location (`I` reads it).
    pub inventory: Option<InventoryOffer>,
    /// Why the report on screen may not be current.
    pub inventory_warnings: Vec<String>,
    /// The inventory search awaited.
    pub inventory_request: Option<RequestId>,
    /// The running "scan" is a read of the inventory report.
    pub reading_inventory: bool,
    /// What storage costs for this profile; None: no Cost/mo column (an S3-compatible profile
    /// without `[prices]`).
    pub prices: Option<Prices>,
    /// The first class column shown when not all fit (the classes key cycles it).
    pub class_offset: usize,
    /// The user moved the cursor in this list: a rebuild keeps their row by name. Until then
    /// the cursor stays on the top row while a running scan reorders the rows.
    pub cursor_moved: bool,
    /// Rows marked for delete (prefixes and objects, by full path).
    pub marks: Marks,
    /// The delete being planned, previewed or run.
    pub delete: Option<DeleteFlow>,
    /// How the last delete ended (for the Jobs pane's history).
    pub last_delete: Option<Result<String, String>>,
    /// The cleanup being planned, previewed or run.
    pub cleanup: Option<CleanupFlow>,
    pub last_cleanup: Option<Result<String, String>>,
}

impl Default for BrowseState {
    fn default() -> Self {
        Self {
            bucket: None,
            location_prefix: String::new(),
            tree: None,
            origin: None,
            phase: Phase::Idle,
            estimate: None,
            tree_has_hidden: false,
            show_hidden: false,
            cwd: String::new(),
            found: false,
            totals: Totals::default(),
            classes: Vec::new(),
            rows: Vec::new(),
            unfiltered: 0,
            cursor: Cursor::default(),
            sort: Sort::default(),
            filter: Filter::default(),
            files: None,
            object: None,
            diff: None,
            saved: None,
            save_request: None,
            concurrency: 32,
            inventory: None,
            inventory_warnings: Vec::new(),
            inventory_request: None,
            reading_inventory: false,
            prices: None,
            class_offset: 0,
            cursor_moved: false,
            marks: Marks::default(),
            delete: None,
            last_delete: None,
            cleanup: None,
            last_cleanup: None,
        }
    }
}

impl BrowseState {
    /// A scan is listing (the frame tick speeds up for the spinner and counters).
    pub fn is_busy(&self) -> bool {
        matches!(self.phase, Phase::Scanning { .. } | Phase::Finding { .. })
            || self.files.as_ref().is_some_and(|f| f.load == Load::Loading)
            || self
                .object
                .as_ref()
                .is_some_and(|o| o.load == Load::Loading)
    }

    /// The running scan's id.
    pub fn scan_id(&self) -> Option<RequestId> {
        match self.phase {
            Phase::Scanning { id, .. } => Some(id),
            _ => None,
        }
    }

    /// `s3://bucket/cwd`
    pub fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket.as_deref().unwrap_or(""), self.cwd)
    }

    /// The root prefix of the tree on screen.
    pub fn root_prefix(&self) -> String {
        self.tree.as_ref().map_or_else(
            || self.location_prefix.clone(),
            |t| t.read().root_prefix.clone(),
        )
    }

    /// Forgets everything about the previous location.
    pub fn reset(&mut self, bucket: &str, prefix: &str) {
        *self = Self {
            bucket: Some(bucket.to_string()),
            location_prefix: prefix.to_string(),
            cwd: prefix.to_string(),
            sort: self.sort,
            concurrency: self.concurrency,
            prices: self.prices.clone(),
            class_offset: self.class_offset,
            ..Self::default()
        };
    }

    /// Shows `tree`, keeping the user's place when it exists in it.
    pub fn set_tree(&mut self, tree: SharedTree, origin: Origin, has_hidden: bool) {
        self.tree = Some(tree);
        self.origin = Some(origin);
        self.diff = None;
        self.tree_has_hidden = has_hidden;
        self.show_hidden = self.show_hidden && has_hidden;
        self.rebuild();
    }

    /// The selected row of the prefix list.
    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.cursor.selected)
    }

    /// Rebuilds `totals`, `classes` and `rows` from the tree (short read lock), keeping the
    /// selected row by name.
    pub fn rebuild(&mut self) {
        // Until the user moves, the cursor stays on its row number (the top), not on the row
        // that happened to be there: a running scan reorders the rows as it goes.
        let keep = self
            .selected_row()
            .filter(|_| self.cursor_moved)
            .map(|r| (r.kind, r.name.clone()));
        let Some(tree) = self.tree.clone() else {
            self.rows.clear();
            return;
        };
        let scanning = matches!(self.phase, Phase::Scanning { .. });
        let matcher = self.filter.matcher();
        let want = Want {
            sort: self.sort,
            filter: &matcher,
            prices: self.prices.as_ref(),
            hidden: self.show_hidden,
        };
        let built = {
            let t = tree.read();
            let mut built = rows::build(&t, &self.cwd, want);
            // A finished tree without this prefix: show the nearest prefix above it that exists.
            // A running scan may still reach it, so there the place is kept (and shown empty).
            while !built.found && !scanning && built.cwd.len() > t.root_prefix.len() {
                let up = parent_prefix(&built.cwd, &t.root_prefix).to_string();
                built = rows::build(&t, &up, want);
            }
            built
        };
        self.found = built.found;
        self.cwd = built.cwd;
        self.totals = built.totals;
        self.classes = built.classes;
        self.rows = built.rows;
        self.unfiltered = built.unfiltered;
        if let Some((kind, name)) = keep
            && let Some(i) = self
                .rows
                .iter()
                .position(|r| r.kind == kind && r.name == name)
        {
            self.cursor.selected = i;
        }
        let len = self.rows.len();
        self.cursor.selected = self.cursor.selected.min(len.saturating_sub(1));
        self.cursor.offset = self.cursor.offset.min(self.cursor.selected);
    }

    /// Enters the selected child prefix. Returns false when the selection is not a prefix.
    pub fn enter_prefix(&mut self, page: usize) -> bool {
        let Some(row) = self.selected_row() else {
            return false;
        };
        if row.kind != RowKind::Prefix {
            return false;
        }
        self.cwd = format!("{}{}", self.cwd, row.name);
        self.filter.clear();
        self.cursor = Cursor::default();
        self.cursor_moved = false;
        self.rebuild();
        self.cursor.keep_visible(page);
        true
    }

    /// Goes up one prefix, selecting the one we came from. False at the root.
    pub fn leave_prefix(&mut self, page: usize) -> bool {
        let root = self.root_prefix();
        if self.cwd.len() <= root.len() {
            return false;
        }
        let cut = parent_prefix(&self.cwd, &root).len();
        let came_from = self.cwd[cut..].to_string();
        self.cwd.truncate(cut);
        self.filter.clear();
        self.cursor = Cursor::default();
        self.cursor_moved = false;
        self.rebuild();
        if let Some(i) = self
            .rows
            .iter()
            .position(|r| r.kind == RowKind::Prefix && r.name == came_from)
        {
            self.cursor.to(i, self.rows.len(), page);
            // The row we came from is a place the user chose: keep it as rows move.
            self.cursor_moved = true;
        }
        true
    }
}
