//! Date segregation (the seed's tool, made safe): move objects into date-named prefixes found in
//! their key names, with a plan that can be previewed, saved and applied exactly, and a journal
//! that makes a killed run resumable.
//!
//! Flow: a [`rule::RuleSpec`] (config or flags) is checked into a [`rule::Rule`]; the planner
//! lists the source and classifies each key ([`classify`]) into a [`plan::MovePlan`]; apply
//! copies each object (pinned to its planned ETag), verifies it, journals it, and deletes the
//! sources in batches.

pub mod apply; // apply a plan: recheck destinations, workers, outcomes, report
pub mod classify; // one key: match, date, destination
mod copy; // CopyObject / multipart copy with if-match, then verify with HEAD
pub mod datefmt; // strftime formats (strptime-like parsing) and target templates
mod delete; // batched DeleteObjects of verified sources
pub mod error; // SegregateError
pub mod filter; // keys that stay: not recursive, excluded, too new
pub mod journal; // append-only fsynced journal: resume and audit
mod multipart; // UploadPartCopy for objects above the CopyObject limit
pub mod plan; // MovePlan, entries, statuses, counts
pub mod planfile; // plan files on disk
pub mod planner; // list source and destinations into a plan
pub mod report; // progress and the final report
mod resume; // a killed run's uploads aborted, destinations checked again
pub mod rule; // Rule: a RuleSpec with every field checked
pub mod seedxml; // the date segregation script's config.xml (seed 001)
pub mod spec; // RuleSpec as written: config rule, flags, defaults
mod tags; // object tags of multipart copies, Ceph's empty tag sets
mod verify; // copies read back (HEAD, or LIST per window) before sources go
mod work; // one window of entries: copy, verify, journal, hand over

pub use apply::{ApplyOptions, apply};
pub use copy::{MULTIPART_THRESHOLD, PART_SIZE, PartSettings, Verify, copy_source};
pub use error::SegregateError;
pub use filter::Hold;
pub use plan::{MovePlan, PlanEntry, Status};
pub use planner::{PLAN_STAGES, make_plan};
pub use report::{ApplyReport, Outcome};
pub use rule::{Field, Rule, RuleError};
pub use spec::{Overrides, RuleLayer, RuleSpec};
