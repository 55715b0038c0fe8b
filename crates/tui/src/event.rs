//! Everything `update` reacts to: keys, resizes, ticks and the results of effects.

use super::state::browse::SharedTree;
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;
use s3scope_core::job::Snapshot;
use s3scope_core::s3::buckets::BucketInfo;
use s3scope_core::s3::error::S3Error;
use s3scope_core::s3::object::ObjectDetails;
use s3scope_core::scan::buckets::{BucketRow, Source};
use s3scope_core::scan::files::FilesPage;
use s3scope_core::scan::snapshot::SnapshotMeta;
use std::path::PathBuf;

/// Tags an effect and its results; a result whose id is no longer awaited is dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// One input to the state machine.
#[derive(Debug, Clone)]
pub enum Event {
    /// A key press (or repeat) from the terminal.
    Key(KeyEvent),
    /// The terminal has a new size.
    Resize { width: u16, height: u16 },
    /// A frame tick; the only way the clock reaches `update`.
    Tick { now: DateTime<Utc> },
    /// ListBuckets finished.
    BucketsLoaded {
        id: RequestId,
        result: Result<Vec<BucketInfo>, S3Error>,
        at: DateTime<Utc>,
    },
    /// Some buckets' regions are known (a batch; more may follow with the same id).
    RegionsResolved {
        id: RequestId,
        resolved: Vec<BucketInfo>,
        failures: Vec<(String, S3Error)>,
    },
    /// The bucket table is in (`source` is what `auto` resolved to).
    BucketTableLoaded {
        id: RequestId,
        result: Result<Vec<BucketRow>, S3Error>,
        source: Source,
        at: DateTime<Utc>,
    },
    /// The snapshot search finished: the newest snapshot, none, or why it could not be read.
    SnapshotFound {
        id: RequestId,
        result: Result<Option<FoundSnapshot>, String>,
    },
    /// The inventory search finished: a report of the location, or none.
    InventoryFound {
        id: RequestId,
        result: Option<crate::state::browse::InventoryOffer>,
    },
    /// An inventory read ended (its tree arrived with `ScanStarted`, counters with `ScanProgress`).
    InventoryRead {
        id: RequestId,
        result: Result<crate::state::browse::InventoryDone, String>,
        cancelled: bool,
    },
    /// An ncdu export was written (its path) or not (why).
    NcduExported {
        id: RequestId,
        result: Result<PathBuf, String>,
    },
    /// A scan task is running; its tree grows from now on.
    ScanStarted { id: RequestId, tree: SharedTree },
    /// The progress of a running scan (about ten per second): `done` objects, `calls` LIST calls.
    ScanProgress { id: RequestId, counters: Snapshot },
    /// The scan ended: complete, cancelled (`cancelled`), or failed.
    ScanFinished {
        id: RequestId,
        result: Result<Snapshot, S3Error>,
        cancelled: bool,
        at: DateTime<Utc>,
    },
    /// A snapshot was written (its path) or not (why).
    SnapshotSaved {
        id: RequestId,
        result: Result<PathBuf, String>,
    },
    /// The comparison with the previous snapshot: (its scan time, the diff), or None when
    /// there is no older snapshot.
    DiffLoaded {
        id: RequestId,
        result: Result<
            Option<(
                chrono::DateTime<chrono::Utc>,
                s3scope_core::scan::diff::TreeDiff,
            )>,
            String,
        >,
    },
    /// The objects directly in a prefix.
    FilesListed {
        id: RequestId,
        result: Result<FilesPage, S3Error>,
    },
    /// HEAD of an object.
    ObjectHead {
        id: RequestId,
        result: Result<ObjectDetails, S3Error>,
    },
    /// Results of Browse's delete: the plan, progress, the report.
    Delete(crate::state::browse::DeleteEvent),
    /// Results of Browse's cleanup: the plan, progress, the report.
    Cleanup(crate::state::browse::CleanupEvent),
    /// Results of the Segregate pane's effects.
    Segregate(super::state::segregate::SegregateEvent),
    /// Results of the Usage pane's effects.
    Usage(super::state::usage::UsageEvent),
    /// Progress and outcome of extract/process jobs.
    Jobs(super::state::jobs::JobsEvent),
}

/// A snapshot read from the cache.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundSnapshot {
    pub path: PathBuf,
    pub meta: SnapshotMeta,
    pub tree: SharedTree,
}

impl Event {
    /// The event for a terminal event; None for those the TUI ignores (mouse, focus, paste).
    pub fn from_terminal(event: crossterm::event::Event) -> Option<Self> {
        match event {
            crossterm::event::Event::Key(k) => Some(Self::Key(k)),
            crossterm::event::Event::Resize(width, height) => Some(Self::Resize { width, height }),
            _ => None,
        }
    }
}
