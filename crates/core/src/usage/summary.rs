//! `summarized_data.json`: totals per user, bucket and category, an hourly series, the records.
//!
//! The layout of the usage collector's summary, extended: every counter is an object with
//! `ops`, `successful_ops`, `bytes_sent` and `bytes_received`; the window and the source say
//! what the numbers cover. Written atomically, with one backup per run.

use super::UsageError;
use super::files::write_atomic_with;
use super::model::{Counters, Hours, Record, into_records};
use super::state::{LogReadInfo, SourceId};
use crate::instants::Window;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Version tag of the summary.
pub const SUMMARY_FORMAT: &str = "s3scope-usage/1";

/// The window a summary covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowInfo {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub hours: usize,
    /// False when the window reaches into the hour in progress: its numbers still grow.
    pub complete: bool,
}

/// Totals of one bucket, by category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketTotals {
    pub totals: Counters,
    pub categories: BTreeMap<String, Counters>,
}

/// Totals of one user, by category and by bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserTotals {
    pub totals: Counters,
    pub categories: BTreeMap<String, Counters>,
    pub buckets: BTreeMap<String, BucketTotals>,
}

/// One hour of the series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourTotals {
    pub hour: DateTime<Utc>,
    pub totals: Counters,
}

/// The whole summary file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub format: String,
    pub source: SourceId,
    pub window: WindowInfo,
    /// The run that wrote it (also the backup's time stamp).
    pub run: String,
    pub generated_at: DateTime<Utc>,
    pub totals: Counters,
    pub users: BTreeMap<String, UserTotals>,
    pub buckets: BTreeMap<String, BucketTotals>,
    pub categories: BTreeMap<String, Counters>,
    /// Every hour of the window, quiet ones included.
    pub hours: Vec<HourTotals>,
    /// The finest grain: one record per hour, user, bucket and category.
    pub records: Vec<Record>,
    /// What the access-log source read (absent for RGW).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_logs: Option<LogReadInfo>,
}

impl Summary {
    /// The summary of `hours` (everything known of the window) at `generated_at`.
    pub fn build(
        source: &SourceId,
        window: &Window,
        run: &str,
        generated_at: DateTime<Utc>,
        hours: Hours,
        access_logs: Option<LogReadInfo>,
    ) -> Self {
        let mut s = Self {
            format: SUMMARY_FORMAT.to_string(),
            source: source.clone(),
            window: WindowInfo {
                since: window.since,
                until: window.until,
                hours: window.hour_count(),
                complete: window.is_over(generated_at),
            },
            run: run.to_string(),
            generated_at,
            totals: Counters::default(),
            users: BTreeMap::new(),
            buckets: BTreeMap::new(),
            categories: BTreeMap::new(),
            hours: window
                .hours()
                .map(|hour| HourTotals {
                    hour,
                    totals: hours
                        .get(&hour)
                        .map(|rows| rows.values().sum())
                        .unwrap_or_default(),
                })
                .collect(),
            records: Vec::new(),
            access_logs,
        };
        let records = into_records(hours);
        for r in &records {
            let c = &r.counters;
            s.totals += c;
            *s.categories.entry(r.category.clone()).or_default() += c;
            let b = s.buckets.entry(r.bucket.clone()).or_default();
            b.totals += c;
            *b.categories.entry(r.category.clone()).or_default() += c;
            let u = s.users.entry(r.user.clone()).or_default();
            u.totals += c;
            *u.categories.entry(r.category.clone()).or_default() += c;
            let ub = u.buckets.entry(r.bucket.clone()).or_default();
            ub.totals += c;
            *ub.categories.entry(r.category.clone()).or_default() += c;
        }
        s.records = records;
        s
    }

    /// Writes the backup, then the summary as a copy of it, each atomically and durably
    /// (fsync'ed): pretty JSON with a trailing newline, streamed to disk.
    pub fn write(&self, backup: &Path, summary: &Path) -> Result<(), UsageError> {
        write_atomic_with(backup, |w| {
            serde_json::to_writer_pretty(&mut *w, self)?;
            w.write_all(b"\n")
        })
        .map_err(UsageError::io("write the backup", backup))?;
        super::hooks::step("backup");
        write_atomic_with(summary, |w| {
            std::io::copy(&mut std::fs::File::open(backup)?, w).map(drop)
        })
        .map_err(UsageError::io("write the summary", summary))
    }

    /// Reads a summary written by `usage collect`.
    pub fn read(path: &Path) -> Result<Self, UsageError> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => UsageError::NoSummary {
                path: path.to_path_buf(),
            },
            _ => UsageError::io("read the summary", path)(e),
        })?;
        let bad = |reason: String| UsageError::BadSummary {
            path: path.to_path_buf(),
            reason,
        };
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
        match value.get("format").and_then(|f| f.as_str()) {
            Some(SUMMARY_FORMAT) => serde_json::from_value(value).map_err(|e| bad(e.to_string())),
            Some(other) => Err(bad(format!(
                "format `{other}`, expected `{SUMMARY_FORMAT}`"
            ))),
            None => Err(bad("no `format` field".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::model::RowKey;
    use chrono::TimeZone;

    fn h(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 10, hour, 0, 0).unwrap()
    }

    fn c(ops: u64, sent: u64) -> Counters {
        Counters {
            ops,
            successful_ops: ops,
            bytes_sent: sent,
            bytes_received: 0,
        }
    }

    #[test]
    fn totals_by_user_bucket_category_and_hour() {
        let source = SourceId::Rgw {
            endpoint: "http://gw".into(),
            uid: None,
            bucket: None,
        };
        let w = Window::new(h(9), h(12)).unwrap();
        let hours = Hours::from([
            (
                h(9),
                [
                    (RowKey::new("alice", "b1", "get_obj"), c(2, 100)),
                    (RowKey::new("bob", "", "list_buckets"), c(1, 5)),
                ]
                .into(),
            ),
            (
                h(11),
                [
                    (RowKey::new("alice", "b1", "get_obj"), c(1, 50)),
                    (RowKey::new("alice", "b2", "put_obj"), c(1, 0)),
                ]
                .into(),
            ),
        ]);
        let s = Summary::build(&source, &w, "2024-05-10_12-00-05", h(12), hours, None);
        assert_eq!(s.totals, c(5, 155));
        assert_eq!(s.users["alice"].totals, c(4, 150));
        assert_eq!(
            s.users["alice"].buckets["b1"].categories["get_obj"],
            c(3, 150)
        );
        assert_eq!(s.buckets[""].totals, c(1, 5));
        assert_eq!(s.categories["put_obj"], c(1, 0));
        assert_eq!(
            s.hours.iter().map(|x| x.totals.ops).collect::<Vec<_>>(),
            [3, 0, 2]
        );
        assert_eq!(s.records.len(), 4);
        assert!(s.window.complete);

        let d = tempfile::tempdir().unwrap();
        let (b, p) = (d.path().join("bk.json"), d.path().join("s.json"));
        s.write(&b, &p).unwrap();
        assert_eq!(std::fs::read(&b).unwrap(), std::fs::read(&p).unwrap());
        assert_eq!(Summary::read(&p).unwrap(), s);
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(text.contains("\"bytes_received\": 0"), "{text}");
    }

    #[test]
    fn missing_and_foreign_files_are_clear_errors() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("none.json");
        assert!(
            Summary::read(&p)
                .unwrap_err()
                .to_string()
                .contains("run `s3scope usage collect` first")
        );
        std::fs::write(&p, b"{\"users\":{}}").unwrap();
        assert!(
            Summary::read(&p)
                .unwrap_err()
                .to_string()
                .contains("no `format` field")
        );
        std::fs::write(&p, b"[1,").unwrap();
        assert!(matches!(
            Summary::read(&p),
            Err(UsageError::BadSummary { .. })
        ));
    }
}
