//! Browse pane state: the bucket picked in the Buckets pane. The prefix-tree scan that will
//! fill this pane is not built yet (tracked in the Browse and Buckets issue).

/// What Browse knows today.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrowseState {
    /// Set by Enter on a bucket.
    pub bucket: Option<String>,
}
