//! What the Usage pane asks the runtime for, and what comes back (tagged with request ids).

use crate::event::RequestId;
use s3scope_core::job::Snapshot;
use s3scope_core::usage::{CollectReport, CollectRequest, Summary};
use std::path::PathBuf;
use std::sync::Arc;

/// An effect of the Usage pane.
#[derive(Debug, Clone, PartialEq)]
pub enum UsageEffect {
    /// Read the summary file (none yet is not an error).
    Load { id: RequestId, path: PathBuf },
    /// Collect (and trim, when the request says so), reporting progress.
    Collect {
        id: RequestId,
        request: Box<CollectRequest>,
    },
    /// Stop that collection: before saving nothing is written; while trimming, the next run
    /// finishes the trim.
    Cancel { id: RequestId },
}

/// A result for the Usage pane.
#[derive(Debug, Clone)]
pub enum UsageEvent {
    /// The summary file: `None` when there is none yet.
    Loaded {
        id: RequestId,
        result: Result<Option<Arc<Summary>>, String>,
    },
    /// Counters of a running collection (a few per second).
    Progress { id: RequestId, progress: Snapshot },
    /// The collection ended.
    Collected {
        id: RequestId,
        result: Result<Arc<CollectReport>, String>,
    },
}
