//! Scans: the prefix tree built from a streaming listing, its snapshots and diffs.

pub mod buckets; // the bucket table from rgw stats, CloudWatch metrics or a scan
pub mod diff; // growth by prefix between two snapshots
pub mod files; // the objects directly in one prefix, one capped listing (Browse's files row)
pub mod hints; // first cuts of a scan from an earlier tree of the same location
pub mod inventory; // S3 Inventory reports instead of a listing: locate, check, read, generate
pub mod job; // a running scan: parallel listing folded into a shared tree, live counters
pub mod ncdu; // the tree as ncdu's JSON export, which ncdu and gdu open with -f
pub mod report; // a finished tree as rows: totals, per class, per prefix to a depth
pub mod snapshot; // finished scans on disk: versioned compact format, cache dir, load errors
pub mod tree; // prefix tree with per-class aggregates, memory bounded by prefixes
