//! The diff view of Browse: growth by prefix between the tree on screen and the snapshot before it.

use super::nav::Cursor;
use crate::event::RequestId;
use chrono::{DateTime, Utc};
use s3scope_core::scan::diff::TreeDiff;

/// Prefix levels compared below the browsed location.
pub const DIFF_DEPTH: usize = 3;

/// What the diff view shows.
#[derive(Debug, Clone, PartialEq)]
pub enum DiffLoad {
    /// Finding and reading the older snapshot, then comparing.
    Loading {
        id: RequestId,
    },
    /// The comparison: `old_at` is the older scan, `new_at` the one on screen (None: this
    /// session's scan, finished now).
    Ready {
        old_at: DateTime<Utc>,
        new_at: Option<DateTime<Utc>>,
        diff: TreeDiff,
    },
    /// No older snapshot of this location.
    NothingOlder,
    Failed(String),
}

/// The diff overlay: its load and cursor over `diff.prefixes`.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffView {
    pub load: DiffLoad,
    pub cursor: Cursor,
}

impl DiffView {
    pub fn loading(id: RequestId) -> Self {
        Self {
            load: DiffLoad::Loading { id },
            cursor: Cursor::default(),
        }
    }

    /// Rows the cursor moves over.
    pub fn len(&self) -> usize {
        match &self.load {
            DiffLoad::Ready { diff, .. } => diff.prefixes.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn request(&self) -> Option<RequestId> {
        match self.load {
            DiffLoad::Loading { id } => Some(id),
            _ => None,
        }
    }
}
