//! The served data: the last good bucket table, the refresh health, and the response bodies
//! rendered once per refresh so that requests only copy a reference.

use super::metrics::{self, Exposition};
use super::usage::{UsageMetrics, UsageState};
use crate::scan::buckets::BucketRow;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// What the last refreshes produced.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The last good table (empty before the first successful refresh).
    pub rows: Vec<BucketRow>,
    /// When `rows` were read.
    pub refreshed_at: Option<DateTime<Utc>>,
    /// When the last refresh ended, successful or not.
    pub attempted_at: Option<DateTime<Utc>>,
    pub duration: Option<Duration>,
    /// Why the last refresh failed; None when it succeeded.
    pub last_error: Option<String>,
    pub failures: u64,
    /// Usage counters of the latest usage summary; None when no summary is configured.
    pub usage: Option<UsageState>,
}

impl Snapshot {
    pub fn healthy(&self) -> bool {
        self.refreshed_at.is_some() && self.last_error.is_none()
    }
}

/// Renders the bucket table as csv or tsv bodies (the columns of `s3scope buckets`).
pub type TableRenderer = dyn Fn(&[BucketRow], TableFormat) -> Vec<u8> + Send + Sync;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Json,
    Csv,
    Tsv,
}

/// Everything a request may send back, shared behind an `Arc`.
#[derive(Debug, Default)]
pub struct Bodies {
    pub snapshot: Snapshot,
    pub prometheus: Bytes,
    pub openmetrics: Bytes,
    pub json: Bytes,
    pub csv: Bytes,
    pub tsv: Bytes,
    /// The storage analyser's shapes at `/` (seed 002).
    pub seed_json: Bytes,
    pub seed_tsv: Bytes,
}

impl Bodies {
    fn render(snapshot: Snapshot, table: &TableRenderer) -> Self {
        Self {
            prometheus: metrics::render(&snapshot, Exposition::Prometheus).into(),
            openmetrics: metrics::render(&snapshot, Exposition::OpenMetrics).into(),
            json: table(&snapshot.rows, TableFormat::Json).into(),
            csv: table(&snapshot.rows, TableFormat::Csv).into(),
            tsv: table(&snapshot.rows, TableFormat::Tsv).into(),
            seed_json: super::seed::json(&snapshot.rows).into(),
            seed_tsv: super::seed::tsv(&snapshot.rows).into(),
            snapshot,
        }
    }

    pub fn table(&self, f: TableFormat) -> Bytes {
        match f {
            TableFormat::Json => self.json.clone(),
            TableFormat::Csv => self.csv.clone(),
            TableFormat::Tsv => self.tsv.clone(),
        }
    }
}

/// The current bodies; the refresher replaces them, requests clone the `Arc`.
pub struct Cache {
    current: RwLock<Arc<Bodies>>,
    table: Box<TableRenderer>,
}

impl Cache {
    pub fn new(table: Box<TableRenderer>) -> Self {
        let empty = Bodies::render(Snapshot::default(), table.as_ref());
        Self {
            current: RwLock::new(Arc::new(empty)),
            table,
        }
    }

    pub fn get(&self) -> Arc<Bodies> {
        match self.current.read() {
            Ok(g) => Arc::clone(&g),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Records a successful refresh: the new table replaces the old one.
    pub fn succeeded(&self, rows: Vec<BucketRow>, duration: Duration) {
        self.record(Ok(rows), None, duration);
    }

    /// Records a failed refresh: the last good table stays, the health says it is stale.
    pub fn failed(&self, error: String, duration: Duration) {
        self.record(Err(error), None, duration);
    }

    /// Records one refresh: the bucket table read (or why not) and, when a usage summary is
    /// configured, its counters (or why they could not be read). What fails keeps its last
    /// good data; the bodies are rendered once.
    pub fn record(
        &self,
        rows: Result<Vec<BucketRow>, String>,
        usage: Option<Result<UsageMetrics, String>>,
        duration: Duration,
    ) {
        let now = Utc::now();
        let prev = self.get().snapshot.clone();
        let usage = match usage {
            None => prev.usage.clone(),
            Some(Ok(m)) => Some(UsageState {
                metrics: Some(m),
                error: None,
            }),
            Some(Err(e)) => Some(UsageState {
                metrics: prev.usage.clone().and_then(|u| u.metrics),
                error: Some(e),
            }),
        };
        let snap = match rows {
            Ok(rows) => Snapshot {
                rows,
                refreshed_at: Some(now),
                attempted_at: Some(now),
                duration: Some(duration),
                last_error: None,
                failures: prev.failures,
                usage,
            },
            Err(error) => Snapshot {
                attempted_at: Some(now),
                duration: Some(duration),
                last_error: Some(error),
                failures: prev.failures + 1,
                usage,
                ..prev
            },
        };
        self.set(snap);
    }

    fn set(&self, snap: Snapshot) {
        let bodies = Arc::new(Bodies::render(snap, self.table.as_ref()));
        match self.current.write() {
            Ok(mut g) => *g = bodies,
            Err(poisoned) => *poisoned.into_inner() = bodies,
        }
    }
}
