//! What the Segregate pane asks the runtime for, and what comes back (one Effect and one Event
//! variant carry these).

use crate::event::RequestId;
use s3scope_core::job::Snapshot;
use s3scope_core::s3::error::S3Error;
use s3scope_core::s3::lister::ListedObject;
use s3scope_core::segregate::plan::Existing;
use s3scope_core::segregate::report::ApplyReport;
use s3scope_core::segregate::{ApplyOptions, MovePlan};
use std::path::PathBuf;
use std::sync::Arc;

/// Effects of the Segregate pane.
#[derive(Debug, Clone, PartialEq)]
pub enum SegregateEffect {
    /// List the source flat; keys come back in batches. Cancels the previous listing.
    List {
        id: RequestId,
        bucket: String,
        prefix: String,
        page_size: i32,
        max_keys: usize,
        /// The rule's bound on LIST rounds (the seed's n_loops): the listing is then one
        /// sequential range in key order, so the first keys are the ones that fill the bound.
        max_pages: Option<u64>,
    },
    /// List destination prefixes to find what is already there.
    Check {
        id: RequestId,
        bucket: String,
        prefixes: Vec<String>,
    },
    /// Apply a plan; progress and the report come back.
    Apply {
        id: RequestId,
        plan: Arc<MovePlan>,
        options: ApplyOptions,
        log_file: Option<PathBuf>,
    },
    /// Stop the apply of this id safely: objects in flight finish, nothing new starts.
    Cancel { id: RequestId },
}

/// Results for the Segregate pane.
#[derive(Debug, Clone)]
pub enum SegregateEvent {
    /// Keys of the source; `done` on the last batch: Ok(complete) or the failure.
    Listed {
        id: RequestId,
        objects: Vec<ListedObject>,
        list_calls: u64,
        done: Option<Result<bool, S3Error>>,
    },
    /// Destination prefixes listed, with the objects found under them.
    Checked {
        id: RequestId,
        bucket: String,
        prefixes: Vec<String>,
        result: Result<Vec<(String, Existing)>, S3Error>,
    },
    Progress {
        id: RequestId,
        progress: Snapshot,
    },
    /// The apply ended: its report, or why it could not run.
    Applied {
        id: RequestId,
        result: Result<ApplyReport, String>,
    },
}
