//! JSON shapes of the RGW admin API answers, tolerant of missing, extra and oddly typed fields.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Answer of `GET /admin/usage`. No data at all is `{"entries":[],"summary":[]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageResponse {
    /// Per user, then per bucket and hour (only with `show_entries`).
    pub entries: Vec<UsageUserEntries>,
    /// Per user totals (only with `show_summary`).
    pub summary: Vec<UsageSummary>,
}

/// The hourly records of one user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageUserEntries {
    /// The uid; unauthenticated requests are logged as `anonymous`.
    pub user: String,
    pub buckets: Vec<UsageBucketHour>,
}

/// One user's traffic to one bucket during one hour. ListBuckets is logged under bucket `""`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageBucketHour {
    pub bucket: String,
    /// Start of the hour as the server prints it, e.g. `2026-11-22T09:00:00.000000Z`.
    pub time: String,
    /// Start of the hour in seconds since the Unix epoch.
    #[serde(deserialize_with = "lenient_u64")]
    pub epoch: u64,
    pub owner: String,
    pub categories: Vec<UsageCategory>,
}

impl UsageBucketHour {
    /// Start of the hour, from `epoch`.
    pub fn hour(&self) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp(i64::try_from(self.epoch).ok()?, 0)
    }
}

/// Counters of one operation category (`put_obj`, `get_obj`, `list_bucket`, ...).
/// Failed requests count in `ops` but not in `successful_ops`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageCategory {
    pub category: String,
    #[serde(deserialize_with = "lenient_u64")]
    pub bytes_sent: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub bytes_received: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub ops: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub successful_ops: u64,
}

/// One user's totals over the queried window.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageSummary {
    pub user: String,
    pub categories: Vec<UsageCategory>,
    pub total: UsageTotals,
}

/// Counters summed over every category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UsageTotals {
    #[serde(deserialize_with = "lenient_u64")]
    pub bytes_sent: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub bytes_received: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub ops: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub successful_ops: u64,
}

/// One element of `GET /admin/bucket?stats=True`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BucketStats {
    pub bucket: String,
    pub tenant: String,
    pub owner: String,
    pub id: String,
    pub placement_rule: String,
    pub creation_time: Option<String>,
    pub num_shards: Option<u64>,
    /// Keyed by category: `rgw.main` (objects), `rgw.multimeta` (incomplete multipart uploads),
    /// sometimes `rgw.none`. An empty bucket has none.
    pub usage: BTreeMap<String, BucketUsage>,
}

impl BucketStats {
    /// Usage of the bucket's objects (`rgw.main`), zero when absent.
    pub fn main(&self) -> BucketUsage {
        self.usage.get("rgw.main").cloned().unwrap_or_default()
    }

    /// Usage of incomplete multipart uploads (`rgw.multimeta`), zero when absent.
    pub fn multipart_meta(&self) -> BucketUsage {
        self.usage.get("rgw.multimeta").cloned().unwrap_or_default()
    }
}

/// Size counters of one usage category of a bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BucketUsage {
    /// Logical bytes (sum of object sizes).
    #[serde(deserialize_with = "lenient_u64")]
    pub size: u64,
    /// Bytes rounded up to the allocation unit.
    #[serde(deserialize_with = "lenient_u64")]
    pub size_actual: u64,
    /// Bytes after compression.
    #[serde(deserialize_with = "lenient_u64")]
    pub size_utilized: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub size_kb: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub size_kb_actual: u64,
    #[serde(deserialize_with = "lenient_u64")]
    pub num_objects: u64,
}

/// Parses `GET /admin/bucket?stats=True`: an array of objects, or one object when asked for one
/// bucket. An array of names (what the server answers without stats) is an error, not empty stats.
pub(crate) fn parse_bucket_stats(body: &[u8]) -> Result<Vec<BucketStats>, serde_json::Error> {
    use serde::de::Error;
    use serde_json::Value;
    match serde_json::from_slice::<Value>(body)? {
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::Object(_) => serde_json::from_value(item),
                other => Err(serde_json::Error::custom(format!(
                    "expected bucket stats, got `{other}`"
                ))),
            })
            .collect(),
        one @ Value::Object(_) => Ok(vec![serde_json::from_value(one)?]),
        other => Err(serde_json::Error::custom(format!(
            "expected bucket stats, got `{other}`"
        ))),
    }
}

/// A counter given as a number, a numeric string, a float or null (0), as RGW releases differ.
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        U(u64),
        I(i64),
        F(f64),
        S(String),
        Null(()),
    }
    use serde::de::Error;
    match Raw::deserialize(d)? {
        Raw::U(n) => Ok(n),
        Raw::I(n) => {
            u64::try_from(n).map_err(|_| D::Error::custom(format!("negative counter {n}")))
        }
        Raw::F(f) if f >= 0.0 && f.is_finite() => Ok(f as u64),
        Raw::F(f) => Err(D::Error::custom(format!("invalid counter {f}"))),
        Raw::S(s) if s.trim().is_empty() => Ok(0),
        Raw::S(s) => s
            .trim()
            .parse()
            .map_err(|_| D::Error::custom(format!("counter `{s}` is not a number"))),
        Raw::Null(()) => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As answered by Ceph 16.2 (NOTES.md), plus a field no release has.
    const USAGE: &str = r#"{"entries":[{"user":"tester","buckets":[
        {"bucket":"bkt-1","time":"2026-11-22T09:00:00.000000Z","epoch":1795338000,"owner":"tester",
         "categories":[{"category":"put_obj","bytes_sent":0,"bytes_received":6000,"ops":3,"successful_ops":3}]}]}],
        "summary":[{"user":"tester",
         "categories":[{"category":"put_obj","bytes_sent":0,"bytes_received":6000,"ops":3,"successful_ops":3}],
         "total":{"bytes_sent":2575,"bytes_received":6000,"ops":8,"successful_ops":8}}],
        "future_field":{"x":1}}"#;

    #[test]
    fn usage_answer_parses() {
        let u: UsageResponse = serde_json::from_str(USAGE).unwrap();
        let hour = &u.entries[0].buckets[0];
        assert_eq!(
            (u.entries[0].user.as_str(), hour.bucket.as_str()),
            ("tester", "bkt-1")
        );
        assert_eq!(
            hour.hour().unwrap().to_rfc3339(),
            "2026-11-22T09:00:00+00:00"
        );
        let put = &hour.categories[0];
        assert_eq!(
            (
                put.category.as_str(),
                put.bytes_received,
                put.ops,
                put.successful_ops
            ),
            ("put_obj", 6000, 3, 3)
        );
        assert_eq!(u.summary[0].total.bytes_sent, 2575);
        assert_eq!(u.summary[0].total.ops, 8);
    }

    #[test]
    fn empty_and_sparse_usage_answers_parse() {
        let u: UsageResponse = serde_json::from_str(r#"{"entries":[],"summary":[]}"#).unwrap();
        assert_eq!(u, UsageResponse::default());
        let u: UsageResponse =
            serde_json::from_str(r#"{"entries":[{"user":"a","buckets":[{"categories":[{"ops":"2","bytes_sent":null}]}]}]}"#)
                .unwrap();
        let c = &u.entries[0].buckets[0].categories[0];
        assert_eq!((c.ops, c.bytes_sent, c.successful_ops), (2, 0, 0));
        assert!(u.summary.is_empty());
    }

    #[test]
    fn bucket_stats_array_and_single_object_parse() {
        let many = r#"[{"bucket":"b1","owner":"tester","creation_time":"2026-11-22T09:00:00.000000Z",
            "num_shards":11,"bucket_quota":{"enabled":false},
            "usage":{"rgw.main":{"size":6000,"size_actual":12288,"size_utilized":6000,"size_kb":6,
                                 "size_kb_actual":12,"num_objects":3},
                     "rgw.multimeta":{"size":0,"size_actual":0,"size_utilized":0,"size_kb":0,
                                      "size_kb_actual":0,"num_objects":1}}},
            {"bucket":"empty","usage":{}}]"#;
        let v = parse_bucket_stats(many.as_bytes()).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].main().num_objects, 3);
        assert_eq!(v[0].main().size, 6000);
        assert_eq!(v[0].main().size_kb_actual, 12);
        assert_eq!(v[0].multipart_meta().num_objects, 1);
        assert_eq!(v[0].num_shards, Some(11));
        assert_eq!(v[1].main(), BucketUsage::default());

        let one = parse_bucket_stats(br#"{"bucket":"b1"}"#).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].bucket, "b1");
        assert_eq!(one[0].creation_time, None);
    }

    #[test]
    fn nonsense_counters_are_errors_not_zero() {
        assert!(serde_json::from_str::<BucketUsage>(r#"{"size":-1}"#).is_err());
        assert!(serde_json::from_str::<BucketUsage>(r#"{"size":"lots"}"#).is_err());
        assert!(parse_bucket_stats(br#"["b1","b2"]"#).is_err());
        assert!(parse_bucket_stats(b"null").is_err());
    }
}
