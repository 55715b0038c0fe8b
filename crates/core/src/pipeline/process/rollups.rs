//! The rollups: aggregates of listing batches (storage, prefixes, age) and usage rows.

use crate::pipeline::PipelineError;
use crate::pipeline::parquet_io::{column, read_batches};
use arrow_array::{Array, BooleanArray, Int64Array, StringArray, TimestampMicrosecondArray};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// Daily storage per bucket × storage class.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StorageRow {
    pub dt: String,
    pub bucket: String,
    pub storage_class: String,
    pub objects: i64,
    pub bytes: i64,
    /// `listing` (exact) or the bucket-stats source when no listing covered the bucket.
    pub source: String,
}

/// Daily storage per bucket × prefix (to the requested depth) × storage class.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PrefixRow {
    pub dt: String,
    pub bucket: String,
    pub prefix: String,
    pub storage_class: String,
    pub objects: i64,
    pub bytes: i64,
}

/// Change since the previous day of the window that has data for the bucket and class.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GrowthRow {
    pub dt: String,
    pub bucket: String,
    pub storage_class: String,
    pub previous_dt: String,
    pub objects: i64,
    pub bytes: i64,
    pub objects_delta: i64,
    pub bytes_delta: i64,
}

/// Objects per age class (time since last modification, at listing time).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AgeRow {
    pub dt: String,
    pub bucket: String,
    pub age_order: i64,
    pub age: String,
    pub objects: i64,
    pub bytes: i64,
}

/// Requests and traffic per day, user, bucket and category.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UsageRow {
    pub dt: String,
    pub user: String,
    pub bucket: String,
    pub category: String,
    pub ops: i64,
    pub successful_ops: i64,
    pub bytes_sent: i64,
    pub bytes_received: i64,
}

/// Age classes, upper bounds in days (the last is open).
pub const AGE_CLASSES: [(&str, i64); 6] = [
    ("<1d", 1),
    ("1-7d", 7),
    ("7-30d", 30),
    ("30-90d", 90),
    ("90-365d", 365),
    (">=365d", i64::MAX),
];

/// The prefix of `key` at `depth` levels (`a/b/` for `a/b/c/d` at 2); `""` for keys above it.
pub fn prefix_of(key: &str, depth: usize) -> &str {
    let mut end = 0;
    for _ in 0..depth {
        match key[end..].find('/') {
            Some(i) => end += i + 1,
            None => break,
        }
    }
    &key[..end]
}

fn age_class(reference: DateTime<Utc>, modified: Option<i64>) -> usize {
    let Some(m) = modified else {
        return AGE_CLASSES.len();
    };
    let days = (reference.timestamp_micros() - m).max(0) / 86_400_000_000;
    AGE_CLASSES
        .iter()
        .position(|(_, upper)| days < *upper)
        .unwrap_or(AGE_CLASSES.len() - 1)
}

/// Sums of one day.
#[derive(Debug, Default)]
pub struct DayAggregate {
    /// (bucket, class) → (objects, bytes)
    pub storage: BTreeMap<(String, String), (u64, u64)>,
    /// (bucket, prefix, class) → (objects, bytes)
    pub prefixes: BTreeMap<(String, String, String), (u64, u64)>,
    /// (bucket, age class index) → (objects, bytes)
    pub ages: BTreeMap<(String, usize), (u64, u64)>,
    /// Buckets covered by a listing.
    pub listed: HashSet<String>,
}

fn add(t: &mut (u64, u64), bytes: u64) {
    t.0 += 1;
    t.1 += bytes;
}

impl DayAggregate {
    /// Adds the rows of a listing file whose bucket is in `take`, batch by batch.
    pub fn add_listing(
        &mut self,
        path: &Path,
        what: &str,
        take: &HashSet<String>,
        depth: usize,
        reference: DateTime<Utc>,
    ) -> Result<u64, PipelineError> {
        let mut rows = 0;
        for batch in read_batches(path, what)? {
            let batch = batch
                .map_err(|e| PipelineError::parquet(format!("reading {what}"))(e.to_string()))?;
            let bucket = column::<StringArray>(&batch, "bucket", what)?;
            let key = column::<StringArray>(&batch, "key", what)?;
            let size = column::<Int64Array>(&batch, "size", what)?;
            let class = column::<StringArray>(&batch, "storage_class", what)?;
            let modified = column::<TimestampMicrosecondArray>(&batch, "last_modified", what)?;
            let latest = batch
                .column_by_name("is_latest")
                .and_then(|c| c.as_any().downcast_ref::<BooleanArray>());
            let marker = batch
                .column_by_name("is_delete_marker")
                .and_then(|c| c.as_any().downcast_ref::<BooleanArray>());
            for i in 0..batch.num_rows() {
                let b = bucket.value(i);
                if !take.contains(b) {
                    continue;
                }
                if latest.is_some_and(|l| !l.value(i)) || marker.is_some_and(|m| m.value(i)) {
                    continue;
                }
                rows += 1;
                let bytes = u64::try_from(size.value(i)).unwrap_or(0);
                let c = class.value(i);
                match self.storage.get_mut(&(b.to_string(), c.to_string())) {
                    Some(t) => add(t, bytes),
                    None => {
                        self.storage
                            .insert((b.to_string(), c.to_string()), (1, bytes));
                    }
                }
                let p = prefix_of(key.value(i), depth);
                add(
                    self.prefixes
                        .entry((b.to_string(), p.to_string(), c.to_string()))
                        .or_default(),
                    bytes,
                );
                let m = (!modified.is_null(i)).then(|| modified.value(i));
                add(
                    self.ages
                        .entry((b.to_string(), age_class(reference, m)))
                        .or_default(),
                    bytes,
                );
            }
        }
        self.listed.extend(take.iter().cloned());
        Ok(rows)
    }

    /// Adds bucket-stats rows for buckets no listing of the day covered.
    pub fn add_bucket_stats(
        &mut self,
        path: &Path,
        what: &str,
        sources: &mut BTreeMap<String, String>,
    ) -> Result<u64, PipelineError> {
        let mut rows = 0;
        for batch in read_batches(path, what)? {
            let batch = batch
                .map_err(|e| PipelineError::parquet(format!("reading {what}"))(e.to_string()))?;
            let bucket = column::<StringArray>(&batch, "bucket", what)?;
            let class = column::<StringArray>(&batch, "storage_class", what)?;
            let objects = column::<Int64Array>(&batch, "objects", what)?;
            let bytes = column::<Int64Array>(&batch, "bytes", what)?;
            let source = column::<StringArray>(&batch, "source", what)?;
            for i in 0..batch.num_rows() {
                let b = bucket.value(i);
                if self.listed.contains(b) || bytes.is_null(i) {
                    continue;
                }
                let key = (b.to_string(), class.value(i).to_string());
                if self.storage.contains_key(&key) {
                    continue;
                }
                rows += 1;
                let o = if objects.is_null(i) {
                    0
                } else {
                    objects.value(i)
                };
                self.storage.insert(
                    key,
                    (
                        u64::try_from(o).unwrap_or(0),
                        u64::try_from(bytes.value(i)).unwrap_or(0),
                    ),
                );
                sources.insert(b.to_string(), source.value(i).to_string());
            }
        }
        Ok(rows)
    }
}

impl DayAggregate {
    /// Adds CloudWatch BucketSizeBytes for buckets that neither a listing nor bucket stats
    /// covered (objects per class are unknown there: 0).
    pub fn add_cloudwatch(
        &mut self,
        path: &Path,
        what: &str,
        sources: &mut BTreeMap<String, String>,
    ) -> Result<u64, PipelineError> {
        let covered: HashSet<String> = self.storage.keys().map(|(b, _)| b.clone()).collect();
        let mut rows = 0;
        for batch in read_batches(path, what)? {
            let batch = batch
                .map_err(|e| PipelineError::parquet(format!("reading {what}"))(e.to_string()))?;
            let bucket = column::<StringArray>(&batch, "bucket", what)?;
            let metric = column::<StringArray>(&batch, "metric", what)?;
            let class = column::<StringArray>(&batch, "storage_class", what)?;
            let value = column::<Int64Array>(&batch, "value", what)?;
            for i in 0..batch.num_rows() {
                let b = bucket.value(i);
                if covered.contains(b) || metric.value(i) != "BucketSizeBytes" {
                    continue;
                }
                rows += 1;
                let key = (b.to_string(), class.value(i).to_string());
                self.storage
                    .entry(key)
                    .or_insert((0, u64::try_from(value.value(i)).unwrap_or(0)));
                sources.insert(b.to_string(), "cloudwatch".into());
            }
        }
        Ok(rows)
    }
}

/// Usage counters by (day, user, bucket, category); each hour is taken from one package only.
#[derive(Debug, Default)]
pub struct UsageAggregate {
    pub days: BTreeMap<(String, String, String, String), [u64; 4]>,
    claimed: HashSet<i64>,
}

impl UsageAggregate {
    /// Adds the rows of a usage file for the hours inside `[since, until)` that no newer
    /// package already gave. Returns the rows used.
    pub fn add_file(
        &mut self,
        path: &Path,
        what: &str,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64, PipelineError> {
        let mut rows = 0;
        let mut hours = HashSet::new();
        for batch in read_batches(path, what)? {
            let batch = batch
                .map_err(|e| PipelineError::parquet(format!("reading {what}"))(e.to_string()))?;
            let hour = column::<TimestampMicrosecondArray>(&batch, "hour", what)?;
            let user = column::<StringArray>(&batch, "user", what)?;
            let bucket = column::<StringArray>(&batch, "bucket", what)?;
            let category = column::<StringArray>(&batch, "category", what)?;
            let counters = ["ops", "successful_ops", "bytes_sent", "bytes_received"]
                .map(|c| column::<Int64Array>(&batch, c, what));
            let [ops, ok, sent, received] = counters;
            let (ops, ok, sent, received) = (ops?, ok?, sent?, received?);
            for i in 0..batch.num_rows() {
                let h = hour.value(i);
                if self.claimed.contains(&h) {
                    continue;
                }
                let Some(t) = DateTime::<Utc>::from_timestamp_micros(h) else {
                    continue;
                };
                if t < since || t >= until {
                    continue;
                }
                hours.insert(h);
                rows += 1;
                let key = (
                    t.format("%Y-%m-%d").to_string(),
                    user.value(i).to_string(),
                    bucket.value(i).to_string(),
                    category.value(i).to_string(),
                );
                let e = self.days.entry(key).or_default();
                for (slot, col) in e.iter_mut().zip([ops, ok, sent, received]) {
                    *slot = slot.saturating_add(u64::try_from(col.value(i)).unwrap_or(0));
                }
            }
        }
        self.claimed.extend(hours);
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_ages() {
        assert_eq!(prefix_of("a/b/c/d", 2), "a/b/");
        assert_eq!(prefix_of("a/b/c/d", 1), "a/");
        assert_eq!(prefix_of("top.txt", 1), "");
        assert_eq!(prefix_of("a/b", 5), "a/");
        assert_eq!(prefix_of("ü/x", 1), "ü/");
        let now = Utc::now();
        let day = 86_400_000_000;
        let at = |d: i64| Some(now.timestamp_micros() - d * day);
        assert_eq!(age_class(now, at(0)), 0);
        assert_eq!(age_class(now, at(3)), 1);
        assert_eq!(age_class(now, at(400)), 5);
        assert_eq!(age_class(now, None), 6);
        assert_eq!(age_class(now, at(-2)), 0);
    }
}
