//! What `update` asks the runtime to do; the runtime turns each into a task or a terminal write.

use super::event::RequestId;
use crate::s3::buckets::BucketInfo;

/// One side effect. Results come back as [`super::event::Event`]s carrying the same id.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// ListBuckets for the profile.
    LoadBuckets { id: RequestId },
    /// GetBucketLocation for buckets without a region, results in batches.
    ResolveRegions {
        id: RequestId,
        buckets: Vec<BucketInfo>,
    },
    /// Put text on the user's clipboard through the terminal (OSC 52).
    CopyToClipboard(String),
    /// Leave the TUI.
    Quit,
}
