//! extract's CloudWatch source against moto (S3 and CloudWatch both on moto): the daily
//! storage datapoints of a bucket land in the package. Skipped without MOTO_ENDPOINT outside CI.

use crate::support;
use crate::support::pipeline as pipeline_support;

use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use pipeline_support::{run, s3scope};
use support::servers::{self, unique_bucket};

const DAY: i64 = 86_400;

fn datum(metric: &str, bucket: &str, storage: &str, at: i64, value: f64) -> MetricDatum {
    let dim = |n: &str, v: &str| Dimension::builder().name(n).value(v).build();
    MetricDatum::builder()
        .metric_name(metric)
        .dimensions(dim("BucketName", bucket))
        .dimensions(dim("StorageType", storage))
        .timestamp(DateTime::from_secs(at))
        .value(value)
        .unit(if metric == "BucketSizeBytes" {
            StandardUnit::Bytes
        } else {
            StandardUnit::Count
        })
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudwatch_datapoints_into_a_package() {
    let Some(env) = servers::moto() else { return };
    let creds = Credentials::new(pipeline_support::AK, pipeline_support::SK, None, None, "t");
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::new()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .endpoint_url(&env.endpoint)
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .credentials_provider(creds.clone())
            .force_path_style(true)
            .build(),
    );
    let bucket = unique_bucket("s3scope-extract-cw");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let cw = aws_sdk_cloudwatch::Client::from_conf(
        aws_sdk_cloudwatch::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&env.endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(creds)
            .build(),
    );
    let now = chrono::Utc::now().timestamp();
    let yesterday = now - now % DAY - DAY;
    cw.put_metric_data()
        .namespace("AWS/S3")
        .metric_data(datum(
            "BucketSizeBytes",
            &bucket,
            "StandardStorage",
            yesterday,
            4096.0,
        ))
        .metric_data(datum(
            "BucketSizeBytes",
            &bucket,
            "GlacierStorage",
            yesterday,
            1024.0,
        ))
        .metric_data(datum(
            "NumberOfObjects",
            &bucket,
            "AllStorageTypes",
            yesterday,
            7.0,
        ))
        .send()
        .await
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = run(
        s3scope(&tmp.path().join("home"), &env.endpoint)
            .env("AWS_ENDPOINT_URL_CLOUDWATCH", &env.endpoint)
            .args(["extract", "--sources", "cloudwatch", "--buckets", &bucket])
            .args(["--format", "json", "--data-dir"])
            .arg(tmp.path().join("data")),
        0,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let file = &report["manifest"]["files"][0];
    assert_eq!(file["table"], "cloudwatch", "{report:#}");
    assert_eq!(file["rows"], 3, "{report:#}");

    // Without a listing or bucket stats, process takes the bytes per class from CloudWatch.
    let dt = report["manifest"]["dt"].as_str().unwrap().to_string();
    let out_dir = tmp.path().join("out");
    let processed = run(
        s3scope(&tmp.path().join("home"), &env.endpoint)
            .args(["process", "--since", &dt, "--data-dir"])
            .arg(tmp.path().join("data"))
            .arg("--output")
            .arg(&out_dir)
            .args(["--format", "json"]),
        0,
    );
    let summary: serde_json::Value = serde_json::from_slice(&processed.stdout).unwrap();
    assert_eq!(summary["rows"]["storage_daily"], 2, "{summary}");
    let dir = summary["report"]
        .as_str()
        .unwrap()
        .trim_end_matches("/report.html")
        .to_string();
    let csv =
        std::fs::read_to_string(std::path::Path::new(&dir).join("storage_daily.csv")).unwrap();
    assert!(
        csv.contains(&format!("{dt},{bucket},STANDARD,0,4096,cloudwatch")),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("{dt},{bucket},GLACIER,0,1024,cloudwatch")),
        "{csv}"
    );
}
