//! What the proxy saw and did, per kind: the numbers tests and benchmarks read back (in process
//! or as JSON from `GET /__faultproxy/counts`).

use serde::Serialize;
use std::collections::BTreeMap;

/// Requests received and what became of them since the start (or the last reset).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Requests received (the reserved `/__faultproxy/` paths excepted).
    pub requests: u64,
    /// Requests sent on to the upstream.
    pub forwarded: u64,
    /// Requests that waited the configured delay.
    pub delayed: u64,
    /// Answered 503 SlowDown without forwarding.
    pub slowdowns: u64,
    /// Forwarded, then answered 500 InternalError.
    pub errors_after: u64,
    /// Connection reset without forwarding.
    pub resets: u64,
    /// Forwarded, then the connection reset.
    pub resets_after: u64,
    /// Requests held by a [`crate::Hold`] (each counted once).
    pub held: u64,
    /// Requests received per operation name ([`crate::S3Op`]).
    pub by_op: BTreeMap<String, u64>,
}

impl Counts {
    /// Requests received of operation `op` (by its name).
    pub fn op(&self, op: crate::S3Op) -> u64 {
        self.by_op.get(op.name()).copied().unwrap_or(0)
    }
}
