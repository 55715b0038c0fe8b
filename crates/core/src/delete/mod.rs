//! Deleting what Browse marked or `rm` names: a plan listing exactly the objects that go, then
//! DeleteObjects in batches of up to 1000 with per-key errors, progress and cancellation.
//!
//! The flow for a front end (the TUI's `space`/`D`, the CLI's `rm`):
//!
//! 1. build a [`DeleteSet`] from the marks: one bucket, prefixes and/or exact keys;
//! 2. [`plan()`] lists every object under the prefixes and HEADs the exact keys: the
//!    [`DeletePlan`] holds exactly the objects that will go (count, bytes, the first keys,
//!    whether the bucket is versioned, whether a typed confirmation is due);
//! 3. show it; ask for the bucket name when [`DeletePlan::needs_typed_confirmation`];
//! 4. [`apply()`] deletes those objects and nothing else, each on the condition of the ETag
//!    it was planned with (an object rewritten since the plan is kept and reported), and
//!    returns a [`DeleteReport`] listing what was deleted, so a tree is updated without a
//!    rescan ([`DeleteReport::deleted`], or [`DeleteReport::by_prefix`]).
//!
//! Refusal on read-only profiles comes from the [`Writer`](crate::s3::write::Writer) `apply`
//! takes: a read-only profile has none, and its clients refuse every write before sending.

mod apply;
mod plan;

pub use apply::{DeleteReport, KeyError, MAX_BATCH, apply};
pub use plan::{DeleteError, plan, plan_with};

use serde::Serialize;

/// The note shown before deleting in a versioned bucket.
pub const VERSIONED_NOTE: &str = "versioned bucket: delete markers will be added, versions kept";

/// How many keys a plan keeps for showing ([`DeletePlan::first_keys`]).
pub const FIRST_KEYS: usize = 10;

/// What the user marked: prefixes (everything under them goes) and exact keys, in one bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeleteSet {
    pub bucket: String,
    /// Key prefixes, usually ending in `/` (a prefix without one matches as S3 does:
    /// `logs` also takes `logs-old/x`). An empty prefix is the whole bucket.
    pub prefixes: Vec<String>,
    /// Exact object keys.
    pub keys: Vec<String>,
}

impl DeleteSet {
    /// The set of `bucket` with nothing marked yet.
    pub fn new(bucket: &str) -> Self {
        Self {
            bucket: bucket.to_string(),
            ..Self::default()
        }
    }

    /// True when nothing is marked.
    pub fn is_empty(&self) -> bool {
        self.prefixes.is_empty() && self.keys.is_empty()
    }
}

/// One object a plan will delete: as it was listed, so the delete is conditional on its ETag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedObject {
    pub key: String,
    pub size: u64,
    /// Storage class as listed (`STANDARD` when the server names none).
    pub storage_class: String,
    /// The ETag listed; the delete is sent on this condition when known.
    pub etag: Option<String>,
}

/// Exactly what [`apply()`] will delete, for showing first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeletePlan {
    pub bucket: String,
    /// The marks it was made from.
    pub set: DeleteSet,
    /// Every object that will go, sorted by key, each once (a key under a marked prefix and
    /// marked itself counts once).
    pub objects: Vec<PlannedObject>,
    /// Objects and bytes of [`DeletePlan::objects`].
    pub count: u64,
    pub bytes: u64,
    /// The first [`FIRST_KEYS`] keys, sorted, to show.
    pub first_keys: Vec<String>,
    /// Marked keys that do not exist (nothing to delete for them).
    pub missing_keys: Vec<String>,
    /// Versioning is enabled (or suspended): a delete adds a delete marker and keeps the
    /// versions; see [`DeletePlan::note`].
    pub versioned: bool,
    /// A prefix is included: ask the user to type the bucket name before applying.
    pub needs_typed_confirmation: bool,
    /// LIST and HEAD calls the plan cost.
    pub calls: u64,
}

impl DeletePlan {
    /// The note to show before applying: [`VERSIONED_NOTE`] on a versioned bucket.
    pub fn note(&self) -> Option<&'static str> {
        self.versioned.then_some(VERSIONED_NOTE)
    }

    /// Bytes per storage class of the objects that will go.
    pub fn bytes_by_class(&self) -> std::collections::BTreeMap<String, u64> {
        let mut out = std::collections::BTreeMap::new();
        for o in &self.objects {
            *out.entry(o.storage_class.clone()).or_insert(0) += o.size;
        }
        out
    }

    /// Whether `typed` confirms this plan: the bucket name, surrounding blanks ignored.
    pub fn confirms(&self, typed: &str) -> bool {
        typed.trim() == self.bucket
    }
}
