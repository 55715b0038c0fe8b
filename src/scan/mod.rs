//! Scans: the prefix tree built from a streaming listing, its snapshots and diffs.

pub mod tree; // prefix tree with per-class aggregates, memory bounded by prefixes
