//! The bucket table's CloudWatch source against moto: StorageTypes discovered, >500 queries batched.

use crate::support;

use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use chrono::Utc;
use s3scope_core::s3::cloudwatch::{MAX_QUERIES_PER_CALL, bucket_metrics};
use support::servers::{self, unique_bucket};

fn datum(metric: &str, bucket: &str, st: &str, at: i64, value: f64) -> MetricDatum {
    let dim = |n: &str, v: &str| Dimension::builder().name(n).value(v).build();
    MetricDatum::builder()
        .metric_name(metric)
        .dimensions(dim("BucketName", bucket))
        .dimensions(dim("StorageType", st))
        .timestamp(DateTime::from_secs(at))
        .value(value)
        .unit(if metric == "NumberOfObjects" {
            StandardUnit::Count
        } else {
            StandardUnit::Bytes
        })
        .build()
}

#[tokio::test]
async fn sizes_per_class_from_newest_datapoints_in_batches() {
    let Some(env) = servers::moto() else { return };
    let conf = aws_sdk_cloudwatch::config::Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&env.endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .build();
    let cw = aws_sdk_cloudwatch::Client::from_conf(conf);
    let now = Utc::now();
    let today = now.timestamp() - now.timestamp() % 86_400;
    let (yesterday, before) = (today - 86_400, today - 2 * 86_400);
    // 260 buckets x (2 size series + 1 count) = 780 queries: two GetMetricData calls.
    let prefix = unique_bucket("cwtable");
    let buckets: Vec<String> = (0..260).map(|i| format!("{prefix}-{i:03}")).collect();
    for chunk in buckets.chunks(20) {
        let mut data = Vec::new();
        for (i, b) in chunk.iter().enumerate() {
            let n = i as f64;
            data.push(datum(
                "BucketSizeBytes",
                b,
                "StandardStorage",
                yesterday,
                1000.0 + n,
            ));
            data.push(datum("BucketSizeBytes", b, "StandardStorage", before, 1.0)); // older: ignored
            data.push(datum(
                "BucketSizeBytes",
                b,
                "GlacierStorage",
                yesterday,
                500.0,
            ));
            data.push(datum(
                "NumberOfObjects",
                b,
                "AllStorageTypes",
                yesterday,
                7.0,
            ));
        }
        cw.put_metric_data()
            .namespace("AWS/S3")
            .set_metric_data(Some(data))
            .send()
            .await
            .unwrap();
    }
    assert!(
        buckets.len() * 3 > MAX_QUERIES_PER_CALL,
        "the read must need two batches"
    );
    let found = bucket_metrics(&cw, &buckets, now, 3, "moto").await.unwrap();
    assert_eq!(found.len(), buckets.len());
    for (i, b) in buckets.iter().enumerate() {
        let m = &found[b];
        let expected = 1000 + (i % 20) as u64;
        assert_eq!(m.bytes_by_class.get("STANDARD"), Some(&expected), "{b}");
        assert_eq!(m.bytes_by_class.get("GLACIER"), Some(&500), "{b}");
        assert_eq!(m.bytes_by_class.len(), 2, "{b}: {:?}", m.bytes_by_class);
        assert_eq!(m.objects, Some(7));
        assert_eq!(m.as_of.map(|t| t.timestamp()), Some(yesterday));
    }
    // A bucket without metrics is absent: the table then falls back to a scan for it.
    let none = bucket_metrics(&cw, &[format!("{prefix}-nothing")], now, 3, "moto")
        .await
        .unwrap();
    assert!(none.is_empty());
}
