//! The S3 storage metrics of CloudWatch through aws-sdk-cloudwatch 1.99 (awsQuery), against moto.

use crate::support;

use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    Dimension, DimensionFilter, Metric, MetricDataQuery, MetricDatum, MetricStat, StandardUnit,
};
use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};
use support::servers::{self, MotoEnv, unique_bucket};

const DAY: i64 = 86_400;

fn cloudwatch(env: &MotoEnv) -> aws_sdk_cloudwatch::Client {
    let conf = aws_sdk_cloudwatch::config::Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&env.endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .build();
    aws_sdk_cloudwatch::Client::from_conf(conf)
}

fn dim(name: &str, value: &str) -> Dimension {
    Dimension::builder().name(name).value(value).build()
}

/// A daily S3 storage datapoint as AWS publishes it: stamped at 00:00 UTC.
fn datum(
    metric: &str,
    bucket: &str,
    storage_type: &str,
    at: i64,
    value: f64,
    unit: StandardUnit,
) -> MetricDatum {
    MetricDatum::builder()
        .metric_name(metric)
        .dimensions(dim("BucketName", bucket))
        .dimensions(dim("StorageType", storage_type))
        .timestamp(DateTime::from_secs(at))
        .value(value)
        .unit(unit)
        .build()
}

fn daily_average(id: &str, metric: &str, bucket: &str, storage_type: &str) -> MetricDataQuery {
    let metric = Metric::builder()
        .namespace("AWS/S3")
        .metric_name(metric)
        .dimensions(dim("BucketName", bucket))
        .dimensions(dim("StorageType", storage_type))
        .build();
    let stat = MetricStat::builder()
        .metric(metric)
        .period(DAY as i32)
        .stat("Average")
        .build();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(stat)
        .return_data(true)
        .build()
}

/// Identity of a metric: ListMetrics may return the same metric more than once (moto does).
fn metric_key(m: &Metric) -> (String, String, Vec<(String, String)>) {
    let mut dims: Vec<_> = m
        .dimensions()
        .iter()
        .map(|d| {
            (
                d.name().unwrap_or_default().to_string(),
                d.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    dims.sort();
    (
        m.namespace().unwrap_or_default().to_string(),
        m.metric_name().unwrap_or_default().to_string(),
        dims,
    )
}

#[tokio::test]
async fn bucket_size_datapoints_round_trip() {
    let Some(env) = servers::moto() else { return };
    let cw = cloudwatch(&env);
    let bucket = unique_bucket("s3scope-cw");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let yesterday = now - now % DAY - DAY;

    cw.put_metric_data()
        .namespace("AWS/S3")
        .metric_data(datum(
            "BucketSizeBytes",
            &bucket,
            "StandardStorage",
            yesterday,
            123_456_789.0,
            StandardUnit::Bytes,
        ))
        .metric_data(datum(
            "NumberOfObjects",
            &bucket,
            "AllStorageTypes",
            yesterday,
            42.0,
            StandardUnit::Count,
        ))
        .send()
        .await
        .expect("PutMetricData");

    // Both metrics of the bucket in one GetMetricData batch, as the bucket table fetches them.
    let out = cw
        .get_metric_data()
        .metric_data_queries(daily_average(
            "bytes",
            "BucketSizeBytes",
            &bucket,
            "StandardStorage",
        ))
        .metric_data_queries(daily_average(
            "objects",
            "NumberOfObjects",
            &bucket,
            "AllStorageTypes",
        ))
        .start_time(DateTime::from_secs(yesterday - DAY))
        .end_time(DateTime::from_secs(now + 3600))
        .send()
        .await
        .expect("GetMetricData");
    let result = |id: &str| {
        out.metric_data_results()
            .iter()
            .find(|r| r.id() == Some(id))
            .unwrap_or_else(|| panic!("no result `{id}` in {out:#?}"))
    };
    assert_eq!(result("bytes").values(), [123_456_789.0]);
    assert_eq!(result("objects").values(), [42.0]);
    let stamps: Vec<i64> = result("bytes")
        .timestamps()
        .iter()
        .map(|t| t.secs())
        .collect();
    assert_eq!(stamps, [yesterday]);

    let listed = cw
        .list_metrics()
        .namespace("AWS/S3")
        .metric_name("BucketSizeBytes")
        .dimensions(
            DimensionFilter::builder()
                .name("BucketName")
                .value(&bucket)
                .build(),
        )
        .send()
        .await
        .expect("ListMetrics");
    let unique: BTreeSet<_> = listed.metrics().iter().map(metric_key).collect();
    let expected = (
        "AWS/S3".to_string(),
        "BucketSizeBytes".to_string(),
        vec![
            ("BucketName".to_string(), bucket.clone()),
            ("StorageType".to_string(), "StandardStorage".to_string()),
        ],
    );
    assert_eq!(unique, BTreeSet::from([expected]));
}

#[tokio::test]
async fn unknown_bucket_has_no_datapoints() {
    let Some(env) = servers::moto() else { return };
    let cw = cloudwatch(&env);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let out = cw
        .get_metric_data()
        .metric_data_queries(daily_average(
            "bytes",
            "BucketSizeBytes",
            &unique_bucket("s3scope-none"),
            "StandardStorage",
        ))
        .start_time(DateTime::from_secs(now - 14 * DAY))
        .end_time(DateTime::from_secs(now))
        .send()
        .await
        .expect("GetMetricData");
    assert!(
        out.metric_data_results()
            .iter()
            .all(|r| r.values().is_empty()),
        "{out:#?}"
    );
}
