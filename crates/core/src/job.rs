//! The one job model: every long operation publishes one typed [`Progress`] and owns one cancellation token.
//!
//! A worker (scan, segregate plan and apply, usage collect and trim, extract, process, and the
//! inventory read to come) counts into a shared [`Progress`] with relaxed atomics: a handful of
//! adds per page or per object, never a lock on the hot path. Front ends read a [`Snapshot`]
//! whenever they draw: the CLI's progress bar, the TUI's panes and its Jobs list read the same
//! numbers. Cancelling is `progress.cancel.cancel()`; the worker stops at its next safe point.
//!
//! Where each operation counts (items are `done`/`total`):
//!
//! | job | stages | items | also |
//! |---|---|---|---|
//! | scan ([`crate::scan::job`]) | `listing` | objects (+ bytes) | `calls` LIST calls |
//! | segregate plan ([`crate::segregate::make_plan`]) | [`crate::segregate::PLAN_STAGES`] | source keys, then destination prefixes | `records` keys found there |
//! | segregate apply ([`crate::segregate::apply()`]) | one | objects moved (+ bytes of `bytes_total`) | `errors` |
//! | usage collect and trim ([`crate::usage::collect()`]) | [`crate::usage::Phase`] | log objects, reads, trims | `records` lines or entries, `errors` malformed lines |
//! | extract ([`crate::pipeline::extract`]) | one per source, `upload` | rows, files | `calls`, `errors` with the last message |
//! | process ([`crate::pipeline::process`]) | `storage`, `usage`, `summaries` | days | `errors` |
//! | delete plan ([`crate::delete::plan()`]) | `listing` | objects found (+ bytes) | `calls` LIST/HEAD |
//! | delete ([`crate::delete::apply()`]) | `deleting` | objects deleted (+ bytes of `bytes_total`) | `calls` DeleteObjects, `errors` per key |
//!
//! A new long operation (the S3 Inventory read is next: [`JobKind::InventoryRead`] is its
//! place) takes a `&Progress`, declares its stages, counts into it and stops on its token;
//! the TUI runtime enters it in its job table (`begin_job`) and drives it (`drive`), the Jobs
//! pane learns of it from its start effect and its progress and end events.
//!
//! ```
//! use s3scope_core::job::{JobKind, Progress};
//! let p = Progress::new(&["listing", "upload"]);
//! p.add(10, 1000);
//! p.set_total(20);
//! let s = p.snapshot();
//! assert_eq!((s.stage.as_str(), s.done, s.total), ("listing", 10, Some(20)));
//! assert_eq!(JobKind::Extract.name(), "extract");
//! ```

mod progress;
mod snapshot;

pub use progress::Progress;
pub use snapshot::{Snapshot, eta_text};

/// What a job does: one variant per long operation of the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A prefix tree built from a parallel listing (Browse, `du`).
    Scan,
    /// An S3 Inventory report read into a tree (to come: it reports through the same model).
    InventoryRead,
    /// A segregation plan: the source listed, the destinations checked.
    SegregatePlan,
    /// A segregation plan applied: copy, verify, delete.
    SegregateApply,
    /// A usage collection, and its trim when asked.
    UsageCollect,
    /// Raw sources snapshotted into a package.
    Extract,
    /// Packages of a window turned into rollups.
    Process,
    /// Marked objects and prefixes deleted ([`crate::delete::apply()`]).
    Delete,
    /// Hidden costs removed: stale uploads, old noncurrent versions, delete markers.
    Cleanup,
}

impl JobKind {
    /// The short name shown in job lists.
    pub fn name(self) -> &'static str {
        match self {
            Self::Scan => "scan",
            Self::InventoryRead => "inventory",
            Self::SegregatePlan => "plan",
            Self::SegregateApply => "apply",
            Self::UsageCollect => "usage",
            Self::Extract => "extract",
            Self::Process => "process",
            Self::Delete => "delete",
            Self::Cleanup => "cleanup",
        }
    }
}
