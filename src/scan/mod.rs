//! Scans: the prefix tree built from a streaming listing, its snapshots and diffs.

pub mod buckets; // the bucket table from rgw stats, CloudWatch metrics or a scan
pub mod job; // a running scan: parallel listing folded into a shared tree, live counters
pub mod report;
pub mod tree; // prefix tree with per-class aggregates, memory bounded by prefixes // a finished tree as rows: totals, per class, per prefix to a depth
