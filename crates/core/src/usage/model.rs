//! The one usage model of every source: counters per (hour, user, bucket, category).
//!
//! Categories follow Ceph RGW's names (`put_obj`, `get_obj`, `list_bucket`...); the access-log
//! source maps S3 operations onto them. A failed request counts in `ops`, not in
//! `successful_ops`. ListBuckets has no bucket: its bucket is `""`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::ops::AddAssign;

/// Request and traffic counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    /// Requests, failed ones included.
    pub ops: u64,
    /// Requests that succeeded.
    pub successful_ops: u64,
    /// Bytes sent to clients (downloads, listings, error bodies).
    pub bytes_sent: u64,
    /// Bytes received from clients (uploads).
    pub bytes_received: u64,
}

impl Counters {
    /// Share of requests that succeeded, 0..=1; `None` without requests.
    pub fn success_rate(&self) -> Option<f64> {
        (self.ops > 0).then(|| self.successful_ops as f64 / self.ops as f64)
    }

    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }
}

impl AddAssign<&Counters> for Counters {
    /// Saturating: a corrupt input can make a total wrong, never the program panic.
    fn add_assign(&mut self, o: &Counters) {
        self.ops = self.ops.saturating_add(o.ops);
        self.successful_ops = self.successful_ops.saturating_add(o.successful_ops);
        self.bytes_sent = self.bytes_sent.saturating_add(o.bytes_sent);
        self.bytes_received = self.bytes_received.saturating_add(o.bytes_received);
    }
}

impl<'a> std::iter::Sum<&'a Counters> for Counters {
    fn sum<I: Iterator<Item = &'a Counters>>(iter: I) -> Self {
        let mut total = Counters::default();
        for c in iter {
            total += c;
        }
        total
    }
}

/// Who did what where, within one hour.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowKey {
    /// The requester: an RGW uid, an IAM ARN or canonical id; `anonymous` when unauthenticated.
    pub user: String,
    /// `""` for requests without a bucket (ListBuckets).
    pub bucket: String,
    pub category: String,
}

impl RowKey {
    pub fn new(user: &str, bucket: &str, category: &str) -> Self {
        Self {
            user: user.to_string(),
            bucket: bucket.to_string(),
            category: category.to_string(),
        }
    }
}

/// The counters of one hour, by row.
pub type Rows = BTreeMap<RowKey, Counters>;

/// Rows by the start of their hour.
pub type Hours = BTreeMap<DateTime<Utc>, Rows>;

/// Adds `from` into `into`, row by row.
pub fn merge_rows(into: &mut Rows, from: &Rows) {
    for (k, c) in from {
        *into.entry(k.clone()).or_default() += c;
    }
}

/// One hourly record, as written in summaries and raw chunks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// Start of the hour.
    pub hour: DateTime<Utc>,
    pub user: String,
    pub bucket: String,
    pub category: String,
    #[serde(flatten)]
    pub counters: Counters,
}

impl Record {
    pub fn key(&self) -> RowKey {
        RowKey::new(&self.user, &self.bucket, &self.category)
    }
}

/// Every record of `hours`, in hour then row order.
pub fn records(hours: &Hours) -> Vec<Record> {
    hours
        .iter()
        .flat_map(|(hour, rows)| {
            rows.iter().map(move |(k, c)| Record {
                hour: *hour,
                user: k.user.clone(),
                bucket: k.bucket.clone(),
                category: k.category.clone(),
                counters: *c,
            })
        })
        .collect()
}

/// Every record of `hours`, in hour then row order, moving the names rather than copying.
pub fn into_records(hours: Hours) -> Vec<Record> {
    let mut out = Vec::with_capacity(hours.values().map(Rows::len).sum());
    for (hour, rows) in hours {
        for (k, counters) in rows {
            out.push(Record {
                hour,
                user: k.user,
                bucket: k.bucket,
                category: k.category,
                counters,
            });
        }
    }
    out
}

/// Sums millions of single requests cheaply: names are interned once, keys are four integers.
#[derive(Debug, Default)]
pub struct Tally {
    ids: HashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    cells: HashMap<(i64, u32, u32, u32), Counters>,
}

impl Tally {
    /// Adds one observation to the row of `hour` (seconds since the epoch, start of the hour).
    pub fn add(&mut self, hour: i64, user: &str, bucket: &str, category: &str, c: &Counters) {
        let key = (hour, self.id(user), self.id(bucket), self.id(category));
        *self.cells.entry(key).or_default() += c;
    }

    /// Distinct rows so far.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The rows by hour. Hours that cannot be represented (never produced by the parsers) are
    /// dropped.
    pub fn into_hours(self) -> Hours {
        let name = |i: u32| -> &str { self.names.get(i as usize).map_or("", |s| s) };
        let mut hours = Hours::new();
        for ((hour, u, b, c), counters) in &self.cells {
            let Some(at) = DateTime::from_timestamp(*hour, 0) else {
                continue;
            };
            let row = RowKey::new(name(*u), name(*b), name(*c));
            *hours.entry(at).or_default().entry(row).or_default() += counters;
        }
        hours
    }

    fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.into());
        self.ids.insert(name.into(), id);
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(ops: u64, ok: u64, sent: u64, received: u64) -> Counters {
        Counters {
            ops,
            successful_ops: ok,
            bytes_sent: sent,
            bytes_received: received,
        }
    }

    #[test]
    fn tally_sums_by_hour_user_bucket_and_category() {
        let mut t = Tally::default();
        t.add(3600, "alice", "b1", "get_obj", &c(1, 1, 100, 0));
        t.add(3600, "alice", "b1", "get_obj", &c(1, 0, 50, 0));
        t.add(3600, "bob", "b1", "get_obj", &c(1, 1, 10, 0));
        t.add(7200, "alice", "b1", "put_obj", &c(1, 1, 0, 999));
        assert_eq!(t.len(), 3);
        let hours = t.into_hours();
        let first = &hours[&DateTime::from_timestamp(3600, 0).unwrap()];
        assert_eq!(
            first[&RowKey::new("alice", "b1", "get_obj")],
            c(2, 1, 150, 0)
        );
        assert_eq!(first[&RowKey::new("bob", "b1", "get_obj")], c(1, 1, 10, 0));
        let recs = records(&hours);
        assert_eq!(recs.len(), 3);
        assert_eq!(recs[2].counters, c(1, 1, 0, 999));
        let total: Counters = recs.iter().map(|r| &r.counters).sum();
        assert_eq!(total, c(4, 3, 160, 999));
    }

    #[test]
    fn counters_saturate_and_rate() {
        let mut a = c(u64::MAX, 1, 0, 0);
        a += &c(5, 1, 1, 1);
        assert_eq!(a.ops, u64::MAX);
        assert_eq!(c(4, 3, 0, 0).success_rate(), Some(0.75));
        assert_eq!(Counters::default().success_rate(), None);
    }

    #[test]
    fn records_serialize_flat() {
        let r = Record {
            hour: DateTime::from_timestamp(3600, 0).unwrap(),
            user: "u".into(),
            bucket: "".into(),
            category: "list_buckets".into(),
            counters: c(1, 1, 2, 0),
        };
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"hour":"1970-01-01T01:00:00Z","user":"u","bucket":"","category":"list_buckets","ops":1,"successful_ops":1,"bytes_sent":2,"bytes_received":0}"#
        );
    }
}
