//! Bucket sizes from CloudWatch's daily AWS/S3 storage metrics: one region at a time, batched.
//!
//! StorageTypes are discovered with ListMetrics (never hard-coded), then read with
//! GetMetricData, up to 500 queries per call. Values are daily averages; the newest datapoint
//! of each series wins and its timestamp is the row's "as of".

use super::error::S3Error;
use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{Dimension, DimensionFilter, Metric, MetricDataQuery, MetricStat};
use aws_smithy_types::DateTime as SmithyTime;
use chrono::{DateTime, Duration, Utc};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// GetMetricData accepts at most this many queries per call.
pub const MAX_QUERIES_PER_CALL: usize = 500;

/// What CloudWatch knows about one bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CwBucket {
    /// Bytes per storage class name (STANDARD, STANDARD_IA, ... or the raw StorageType).
    pub bytes_by_class: BTreeMap<String, u64>,
    /// NumberOfObjects for AllStorageTypes.
    pub objects: Option<u64>,
    /// Timestamp of the newest datapoint used.
    pub as_of: Option<DateTime<Utc>>,
}

/// S3 storage class name of a CloudWatch StorageType; unknown types keep their own name.
pub fn storage_class_of(storage_type: &str) -> String {
    match storage_type {
        "StandardStorage" => "STANDARD",
        "StandardIAStorage" => "STANDARD_IA",
        "OneZoneIAStorage" => "ONEZONE_IA",
        "ReducedRedundancyStorage" => "REDUCED_REDUNDANCY",
        "GlacierInstantRetrievalStorage" => "GLACIER_IR",
        "GlacierStorage" => "GLACIER",
        "DeepArchiveStorage" => "DEEP_ARCHIVE",
        "IntelligentTieringFAStorage" => "INTELLIGENT_TIERING",
        "IntelligentTieringIAStorage" => "INTELLIGENT_TIERING_IA",
        "IntelligentTieringAIAStorage" => "INTELLIGENT_TIERING_AIA",
        "IntelligentTieringAAStorage" => "INTELLIGENT_TIERING_AA",
        "IntelligentTieringDAAStorage" => "INTELLIGENT_TIERING_DAA",
        "ExpressOneZone" => "EXPRESS_ONEZONE",
        other => other,
    }
    .to_string()
}

fn dimension(metric: &Metric, name: &str) -> Option<String> {
    metric
        .dimensions()
        .iter()
        .find(|d| d.name() == Some(name))
        .and_then(|d| d.value().map(str::to_string))
}

/// (bucket, storage type) pairs that have BucketSizeBytes, deduplicated (moto repeats them).
async fn size_series(
    client: &Client,
    buckets: &HashSet<&str>,
    endpoint: &str,
) -> Result<BTreeSet<(String, String)>, S3Error> {
    let mut out = BTreeSet::new();
    let mut token = None;
    loop {
        let r = client
            .list_metrics()
            .namespace("AWS/S3")
            .metric_name("BucketSizeBytes")
            .dimensions(DimensionFilter::builder().name("StorageType").build())
            .set_next_token(token)
            .send()
            .await
            .map_err(|e| {
                S3Error::classify(&e, endpoint, "cloudwatch:ListMetrics", "CloudWatch metrics")
            })?;
        for m in r.metrics() {
            if let (Some(b), Some(t)) = (dimension(m, "BucketName"), dimension(m, "StorageType"))
                && buckets.contains(b.as_str())
            {
                out.insert((b, t));
            }
        }
        token = r.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

fn query(id: String, bucket: &str, metric: &str, storage_type: &str) -> MetricDataQuery {
    let m = Metric::builder()
        .namespace("AWS/S3")
        .metric_name(metric)
        .dimensions(
            Dimension::builder()
                .name("BucketName")
                .value(bucket)
                .build(),
        )
        .dimensions(
            Dimension::builder()
                .name("StorageType")
                .value(storage_type)
                .build(),
        )
        .build();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(m)
                .period(86_400)
                .stat("Average")
                .build(),
        )
        .return_data(true)
        .build()
}

/// Reads the daily storage metrics of `buckets` (all in the client's region) as of `now`.
/// Buckets without any datapoint in the last `lookback_days` are absent from the result.
pub async fn bucket_metrics(
    client: &Client,
    buckets: &[String],
    now: DateTime<Utc>,
    lookback_days: i64,
    endpoint: &str,
) -> Result<BTreeMap<String, CwBucket>, S3Error> {
    let wanted: HashSet<&str> = buckets.iter().map(String::as_str).collect();
    let series = size_series(client, &wanted, endpoint).await?;
    // Query ids must start with a lower-case letter; the index maps them back.
    let mut index: Vec<(String, Option<String>)> = Vec::new();
    let mut queries = Vec::new();
    for (bucket, st) in &series {
        queries.push(query(
            format!("q{}", index.len()),
            bucket,
            "BucketSizeBytes",
            st,
        ));
        index.push((bucket.clone(), Some(st.clone())));
    }
    let with_sizes: BTreeSet<&String> = series.iter().map(|(b, _)| b).collect();
    for bucket in with_sizes {
        queries.push(query(
            format!("q{}", index.len()),
            bucket,
            "NumberOfObjects",
            "AllStorageTypes",
        ));
        index.push((bucket.clone(), None));
    }
    // Daily periods aligned to 00:00 UTC, as S3 publishes them: each datapoint is one day.
    let start = (now - Duration::days(lookback_days)).timestamp();
    let start = SmithyTime::from_secs(start - start.rem_euclid(86_400));
    let end = SmithyTime::from_secs(now.timestamp());
    let mut out: BTreeMap<String, CwBucket> = BTreeMap::new();
    for batch in queries.chunks(MAX_QUERIES_PER_CALL) {
        let mut token = None;
        loop {
            let r = client
                .get_metric_data()
                .set_metric_data_queries(Some(batch.to_vec()))
                .start_time(start)
                .end_time(end)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| {
                    S3Error::classify(
                        &e,
                        endpoint,
                        "cloudwatch:GetMetricData",
                        "CloudWatch metrics",
                    )
                })?;
            for res in r.metric_data_results() {
                let Some(i) = res.id().and_then(|id| id[1..].parse::<usize>().ok()) else {
                    continue;
                };
                let Some((bucket, st)) = index.get(i) else {
                    continue;
                };
                // The newest datapoint of the series.
                let newest = res
                    .timestamps()
                    .iter()
                    .zip(res.values())
                    .max_by_key(|(t, _)| t.secs());
                let Some((t, v)) = newest else { continue };
                let entry = out.entry(bucket.clone()).or_default();
                let ts = DateTime::<Utc>::from_timestamp(t.secs(), 0);
                entry.as_of = entry.as_of.max(ts);
                let value = v.max(0.0).round() as u64;
                match st {
                    Some(st) => {
                        *entry
                            .bytes_by_class
                            .entry(storage_class_of(st))
                            .or_default() += value;
                    }
                    None => entry.objects = Some(value),
                }
            }
            token = r.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
    }
    Ok(out)
}
