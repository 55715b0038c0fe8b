//! Cleaning up hidden costs: stale multipart uploads, old noncurrent versions and delete
//! markers that hide nothing, planned (exactly what goes, and the monthly saving) then removed
//! with AbortMultipartUpload and DeleteObjects by VersionId, journaled so a killed run resumes.
//!
//! The flow for a front end (the CLI's `cleanup`, Browse's hidden-cost view):
//!
//! 1. a [`CleanupSpec`]: bucket, prefix, ages, whether delete markers go, and the instant
//!    ages are measured from (`as_of`, pinned so that a preview and its apply agree);
//! 2. [`plan()`] lists versions and uploads and picks the [`CleanupItem`]s: the
//!    [`CleanupPlan`] holds them with counts, bytes and the monthly saving;
//! 3. show it; [`save_plan`] it so that a later apply runs exactly it;
//! 4. [`apply()`] removes those items and nothing else, journaling each; run again on the
//!    same plan and journal, it skips what is done and finishes the rest.
//!
//! What counts:
//! - an incomplete upload initiated at or before `as_of - uploads_older_than`;
//! - a noncurrent version that became noncurrent (its successor was written) at or before
//!   `as_of - noncurrent_older_than`, as S3 lifecycle's `NoncurrentDays` counts;
//! - with `delete_markers`: a noncurrent delete marker (it hides nothing), and a current one
//!   with no version left behind it once the plan's versions are gone (an "expired object
//!   delete marker"). A current marker is removed only after every version behind it was:
//!   otherwise removing it would bring an old version back.

mod age;
mod apply;
mod journal;
mod plan;

pub use age::Age;
pub use apply::{CleanupReport, ItemError, apply};
pub use journal::{Paths, Record, load_plan, read_journal, save_plan};
pub use plan::{plan, select};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What to clean, and the instant ages are measured from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupSpec {
    pub bucket: String,
    /// Only keys under this prefix ("" for the whole bucket).
    pub prefix: String,
    /// Abort incomplete multipart uploads initiated longer ago than this.
    pub uploads_older_than: Option<Age>,
    /// Delete noncurrent versions noncurrent for longer than this.
    pub noncurrent_older_than: Option<Age>,
    /// Also remove delete markers that hide nothing (see the module docs).
    pub delete_markers: bool,
    /// Ages are measured back from here (the preview's instant).
    pub as_of: DateTime<Utc>,
}

impl CleanupSpec {
    /// True when the spec asks for nothing.
    pub fn is_empty(&self) -> bool {
        self.uploads_older_than.is_none()
            && self.noncurrent_older_than.is_none()
            && !self.delete_markers
    }
}

/// One thing a plan removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CleanupItem {
    /// An incomplete multipart upload: aborted (its parts' bytes freed).
    Upload {
        key: String,
        upload_id: String,
        initiated: DateTime<Utc>,
        parts: u64,
        bytes: u64,
    },
    /// A noncurrent version: deleted by its VersionId.
    Version {
        key: String,
        version_id: String,
        size: u64,
        storage_class: String,
        /// When the next version (or delete marker) replaced it.
        noncurrent_since: DateTime<Utc>,
    },
    /// A delete marker: deleted by its VersionId.
    DeleteMarker {
        key: String,
        version_id: String,
        last_modified: Option<DateTime<Utc>>,
        /// It is the current "version" of its key (removed only once nothing is behind it).
        latest: bool,
    },
}

impl CleanupItem {
    /// A stable id: kind, key and version or upload id.
    pub fn id(&self) -> String {
        match self {
            Self::Upload { key, upload_id, .. } => format!("upload\0{key}\0{upload_id}"),
            Self::Version {
                key, version_id, ..
            } => format!("version\0{key}\0{version_id}"),
            Self::DeleteMarker {
                key, version_id, ..
            } => format!("marker\0{key}\0{version_id}"),
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Self::Upload { key, .. }
            | Self::Version { key, .. }
            | Self::DeleteMarker { key, .. } => key,
        }
    }

    /// Bytes it frees (a delete marker holds none).
    pub fn bytes(&self) -> u64 {
        match self {
            Self::Upload { bytes, .. } => *bytes,
            Self::Version { size, .. } => *size,
            Self::DeleteMarker { .. } => 0,
        }
    }

    /// The storage class its bytes are billed in (uploads: STANDARD).
    pub fn storage_class(&self) -> &str {
        match self {
            Self::Version { storage_class, .. } => storage_class,
            _ => "STANDARD",
        }
    }

    /// "upload", "version" or "delete marker".
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Upload { .. } => "upload",
            Self::Version { .. } => "version",
            Self::DeleteMarker { .. } => "delete marker",
        }
    }
}

/// Items and bytes of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub count: u64,
    pub bytes: u64,
}

impl Tally {
    pub fn add(&mut self, bytes: u64) {
        self.count += 1;
        self.bytes += bytes;
    }
}

/// Exactly what [`apply()`] removes, with what it saves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CleanupPlan {
    /// Hash of the spec and the items: a journal's records belong to one plan.
    pub id: String,
    pub spec: CleanupSpec,
    pub uploads: Tally,
    pub versions: Tally,
    pub delete_markers: Tally,
    /// USD per month the removed bytes cost (None: no prices for this profile).
    pub monthly_saving_usd: Option<f64>,
    /// LIST calls the plan cost.
    pub calls: u64,
    /// Every item, uploads first, then versions, then delete markers, by key.
    pub items: Vec<CleanupItem>,
}

impl CleanupPlan {
    /// Items and bytes of the whole plan.
    pub fn total(&self) -> Tally {
        Tally {
            count: self.uploads.count + self.versions.count + self.delete_markers.count,
            bytes: self.uploads.bytes + self.versions.bytes,
        }
    }
}

/// Why a cleanup could not be planned or applied.
#[derive(Debug, Error)]
pub enum CleanupError {
    #[error(transparent)]
    S3(#[from] crate::s3::error::S3Error),
    #[error(
        "nothing to clean: give --uploads-older-than, --noncurrent-older-than or --delete-markers"
    )]
    Empty,
    #[error("cancelled: run the same command again to resume")]
    Cancelled,
    #[error("cannot use the journal {path}: {detail}; check its directory's permissions")]
    Journal { path: String, detail: String },
    #[error("cannot read the saved plan {path}: {detail}; delete it to plan afresh")]
    Plan { path: String, detail: String },
}
