//! Usage counters for `/metrics`: the latest usage summary, read once per refresh.

use crate::usage::model::Counters;
use crate::usage::state::SourceId;
use crate::usage::summary::Summary;
use chrono::{DateTime, Utc};
use std::path::Path;

/// One series of counters: who, where, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageSeries {
    pub user: String,
    pub bucket: String,
    pub category: String,
    pub counters: Counters,
}

/// What `/metrics` exports of a usage summary: its window and the counters per user, bucket
/// and category over that window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageMetrics {
    /// `rgw` or `access-logs`.
    pub source: &'static str,
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub generated_at: DateTime<Utc>,
    pub series: Vec<UsageSeries>,
}

impl UsageMetrics {
    pub fn from_summary(s: &Summary) -> Self {
        let source = match s.source {
            SourceId::Rgw { .. } => "rgw",
            SourceId::AccessLogs { .. } => "access-logs",
        };
        let mut series = Vec::new();
        for (user, u) in &s.users {
            for (bucket, b) in &u.buckets {
                for (category, c) in &b.categories {
                    series.push(UsageSeries {
                        user: user.clone(),
                        bucket: bucket.clone(),
                        category: category.clone(),
                        counters: *c,
                    });
                }
            }
        }
        Self {
            source,
            since: s.window.since,
            until: s.window.until,
            generated_at: s.generated_at,
            series,
        }
    }

    /// Reads the summary at `path` (written atomically by `usage collect`, so never half).
    pub fn read(path: &Path) -> Result<Self, String> {
        Summary::read(path)
            .map(|s| Self::from_summary(&s))
            .map_err(|e| e.to_string())
    }
}

/// The usage part of the served data: the last good counters and whether the last read worked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageState {
    pub metrics: Option<UsageMetrics>,
    /// Why the last read failed; None when it worked.
    pub error: Option<String>,
}
