//! Cleanup of hidden costs from Browse's hidden-cost view: the core's plan for the prefix on
//! screen (stale uploads, old noncurrent versions, delete markers that hide nothing), its
//! preview with the monthly saving, and the journaled job that removes exactly it.

use crate::event::RequestId;
use s3scope_core::cleanup::{Age, CleanupPlan, CleanupReport, CleanupSpec};
use s3scope_core::job::Snapshot;
use s3scope_core::prices::Prices;

/// Uploads initiated longer ago than this are stale (as `cleanup --uploads-older-than 7d`).
pub const UPLOADS_OLDER_THAN_DAYS: u64 = 7;
/// Versions noncurrent for longer than this go (as `cleanup --noncurrent-older-than 30d`).
pub const NONCURRENT_OLDER_THAN_DAYS: u64 = 30;

/// The spec Browse cleans with: the TUI's ages, delete markers that hide nothing, now.
pub fn spec(bucket: &str, prefix: &str, now: chrono::DateTime<chrono::Utc>) -> CleanupSpec {
    CleanupSpec {
        bucket: bucket.to_string(),
        prefix: prefix.to_string(),
        uploads_older_than: Some(Age::from_days(UPLOADS_OLDER_THAN_DAYS)),
        noncurrent_older_than: Some(Age::from_days(NONCURRENT_OLDER_THAN_DAYS)),
        delete_markers: true,
        as_of: now,
    }
}

/// Where a cleanup from Browse stands.
#[derive(Debug, Clone, PartialEq)]
pub enum CleanupFlow {
    Planning {
        id: RequestId,
    },
    Preview {
        plan: Box<CleanupPlan>,
    },
    Running {
        id: RequestId,
        plan: Box<CleanupPlan>,
        cancelling: bool,
    },
}

/// What a cleanup asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum CleanupEffect {
    /// List versions and uploads and pick what goes (no write); saved for a resume.
    Plan {
        id: RequestId,
        spec: CleanupSpec,
        prices: Option<Prices>,
        profile: String,
    },
    /// Remove exactly the plan's items, journaled, as a job.
    Apply {
        id: RequestId,
        plan: Box<CleanupPlan>,
        profile: String,
    },
    Cancel {
        id: RequestId,
    },
}

/// What comes back from a cleanup's effects.
#[derive(Debug, Clone, PartialEq)]
pub enum CleanupEvent {
    Planned {
        id: RequestId,
        result: Result<Box<CleanupPlan>, String>,
    },
    Progress {
        id: RequestId,
        progress: Snapshot,
    },
    Applied {
        id: RequestId,
        result: Result<Box<CleanupReport>, String>,
    },
}
