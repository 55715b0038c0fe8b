//! CloudWatch (moto) through the fault proxy with a profile's default retry settings: the
//! bucket metrics read through SlowDowns and resets equal those read directly. Skipped with a notice
//! when MOTO_ENDPOINT is unset (failing under CI=true).

use crate::support;
use crate::support::faults as faults_support;

use aws_sdk_cloudwatch::config::{BehaviorVersion, Credentials as CwCredentials, Region};
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use faultproxy::{Faults, Proxy};
use faults_support::mix;
use s3scope_core::config::{Credentials, Profile, S3Settings, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::cloudwatch::bucket_metrics;
use support::servers::{self, MotoEnv, unique_bucket};

fn direct(env: &MotoEnv) -> aws_sdk_cloudwatch::Client {
    let conf = aws_sdk_cloudwatch::config::Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(&env.endpoint)
        .region(Region::new("us-east-1"))
        .credentials_provider(CwCredentials::new("testing", "testing", None, None, "moto"))
        .build();
    aws_sdk_cloudwatch::Client::from_conf(conf)
}

fn datum(metric: &str, bucket: &str, storage_type: &str, at: i64, value: f64) -> MetricDatum {
    let dim = |n: &str, v: &str| Dimension::builder().name(n).value(v).build();
    MetricDatum::builder()
        .metric_name(metric)
        .dimensions(dim("BucketName", bucket))
        .dimensions(dim("StorageType", storage_type))
        .timestamp(DateTime::from_secs(at))
        .value(value)
        .unit(if metric == "NumberOfObjects" {
            StandardUnit::Count
        } else {
            StandardUnit::Bytes
        })
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_through_faults_equal_those_read_directly() {
    let Some(env) = servers::moto() else { return };
    let now = chrono::Utc::now();
    let yesterday = now.timestamp() - now.timestamp() % 86_400 - 86_400;
    let buckets: Vec<String> = (0..3).map(|_| unique_bucket("faults-cw")).collect();
    let cw = direct(&env);
    for (i, b) in buckets.iter().enumerate() {
        cw.put_metric_data()
            .namespace("AWS/S3")
            .metric_data(datum(
                "BucketSizeBytes",
                b,
                "StandardStorage",
                yesterday,
                1000.0 * (i as f64 + 1.0),
            ))
            .metric_data(datum(
                "NumberOfObjects",
                b,
                "AllStorageTypes",
                yesterday,
                7.0 + i as f64,
            ))
            .send()
            .await
            .expect("PutMetricData");
    }
    let profile = |endpoint: &str| Profile {
        name: "moto".into(),
        endpoint: Some(url::Url::parse(endpoint).unwrap()),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: "testing".into(),
            secret_access_key: Secret::new("testing"),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: false,
        rgw_admin: false,
        connect_timeout: std::time::Duration::from_secs(5),
        read_timeout: std::time::Duration::from_secs(30),
        max_attempts: 10,
    };
    // The profile's CloudWatch client (retries, partition, limiter) aimed at `endpoint`, as
    // AWS_ENDPOINT_URL_CLOUDWATCH would aim it.
    let read = |c: Clients, endpoint: String| {
        let buckets = buckets.clone();
        async move {
            let conf = c
                .cloudwatch_in("us-east-1")
                .config()
                .to_builder()
                .endpoint_url(endpoint)
                .build();
            let client = aws_sdk_cloudwatch::Client::from_conf(conf);
            bucket_metrics(&client, &buckets, chrono::Utc::now(), 3, "moto").await
        }
    };
    let plain = Clients::with_settings(&profile(&env.endpoint), S3Settings::default())
        .await
        .unwrap();
    let want = read(plain, env.endpoint.clone())
        .await
        .expect("metrics directly");
    assert_eq!(want.len(), buckets.len(), "{want:?}");

    // Faults before the work only: moto's ListMetrics NextToken is good for one use, so a
    // page retried after moto answered it is refused (AWS's tokens can be used again).
    let faults = Faults {
        error_after: 0.0,
        reset_after: 0.0,
        reset: 0.05,
        ..mix(9)
    };
    let proxy = Proxy::start(env.endpoint.trim_end_matches('/'), faults)
        .await
        .unwrap();
    let faulty = Clients::with_settings(&profile(&proxy.endpoint()), S3Settings::default())
        .await
        .unwrap();
    for _ in 0..40 {
        let got = read(faulty.clone(), proxy.endpoint())
            .await
            .expect("metrics through faults");
        assert_eq!(got, want);
    }
    let counts = proxy.counts();
    eprintln!("{counts:?}");
    assert!(counts.slowdowns > 0 && counts.resets > 0, "{counts:?}");
}
