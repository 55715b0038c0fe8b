//! The rollups: aggregates of listing batches (storage, prefixes, age) and usage rows.

use crate::pipeline::PipelineError;
use crate::pipeline::parquet_io::read_batches;
use crate::pipeline::tables::{
    BucketStatsColumns, CloudwatchColumns, ListingColumns, UsageHourColumns,
};
use arrow_array::Array;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

pub use crate::pipeline::tables::{AgeRow, GrowthRow, PrefixRow, StorageRow, UsageRow};

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
            let cols = ListingColumns::read(&batch, what)?;
            let (bucket, key, size) = (cols.bucket, cols.key, cols.size);
            let (class, modified) = (cols.storage_class, cols.last_modified);
            let (latest, marker) = (cols.is_latest, cols.is_delete_marker);
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
            let cols = BucketStatsColumns::read(&batch, what)?;
            let (bucket, class, source) = (cols.bucket, cols.storage_class, cols.source);
            let (objects, bytes) = (cols.objects, cols.bytes);
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
            let cols = CloudwatchColumns::read(&batch, what)?;
            let (bucket, metric) = (cols.bucket, cols.metric);
            let (class, value) = (cols.storage_class, cols.value);
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
            let cols = UsageHourColumns::read(&batch, what)?;
            let (hour, user, bucket, category) = (cols.hour, cols.user, cols.bucket, cols.category);
            let (ops, ok) = (cols.ops, cols.successful_ops);
            let (sent, received) = (cols.bytes_sent, cols.bytes_received);
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
