//! A long run of requests at concurrency 32 through the fault mix, or a harsher one, never
//! fails: the SDK's retry quota (a token bucket that, once empty, makes every failure final
//! whatever max_attempts says) is not in the way, in adaptive and in standard mode.

use crate::support::faults as faults_support;
use crate::support::store as store_support;

use faultproxy::{Counts, Proxy};
use faults_support::{assert_all_kinds, mix};
use futures::StreamExt as _;
use s3scope_core::config::{Credentials, Profile, RetryMode, S3Settings, Secret};
use s3scope_core::s3::client::Clients;

const REQUESTS: usize = 2500;

async fn hammer(mode: RetryMode, faults: faultproxy::Faults, requests: usize) -> Counts {
    let t = store_support::start().await;
    let direct = store_support::client(&t.server);
    store_support::create_bucket(&direct, "quota").await;
    for i in 0..50 {
        store_support::put(&direct, "quota", &format!("k{i}"), b"x").await;
    }
    let proxy = Proxy::start(&t.server.endpoint, faults).await.unwrap();
    let profile = Profile {
        name: "quota".into(),
        endpoint: Some(url::Url::parse(&proxy.endpoint()).unwrap()),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: t.server.access_key.clone(),
            secret_access_key: Secret::new(&t.server.secret_key),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: false,
        rgw_admin: false,
        connect_timeout: std::time::Duration::from_secs(5),
        read_timeout: std::time::Duration::from_secs(60),
        max_attempts: 10,
    };
    let settings = S3Settings {
        retry_mode: mode,
        ..S3Settings::default()
    };
    let s3 = Clients::with_settings(&profile, settings)
        .await
        .unwrap()
        .s3();
    let failures: Vec<String> = futures::stream::iter(0..requests)
        .map(|i| {
            let s3 = s3.clone();
            async move {
                s3.head_object()
                    .bucket("quota")
                    .key(format!("k{}", i % 50))
                    .send()
                    .await
                    .err()
                    .map(|e| format!("{i}: {e:?}"))
            }
        })
        .buffer_unordered(32)
        .filter_map(|f| async move { f })
        .collect()
        .await;
    let counts = proxy.counts();
    eprintln!("{mode:?}: {counts:?}");
    assert!(
        failures.is_empty(),
        "{} failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(counts.requests as usize > requests, "{counts:?}");
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn adaptive_mode_finishes_every_request() {
    assert_all_kinds(&hammer(RetryMode::Adaptive, mix(5), REQUESTS).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_mode_finishes_every_request() {
    assert_all_kinds(&hammer(RetryMode::Standard, mix(6), REQUESTS).await);
}

/// 30% of answers lost after the work: the SDK's default quota (500 tokens, 5 per retry, one
/// back per first-attempt success) empties within the first thousand requests, and every
/// failure after that would be final; 10 attempts fail together only with p = 0.3^10.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_harsher_mix_does_not_empty_a_retry_quota() {
    let harsh = faultproxy::Faults {
        error_after: 0.3,
        seed: 8,
        ..faultproxy::Faults::default()
    };
    // Without the profile's own partition this failed 96 of its requests.
    hammer(RetryMode::Standard, harsh, 1500).await;
}
