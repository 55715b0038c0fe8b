//! The RGW admin API through the fault proxy in front of the test Ceph RGW, with the profile's
//! default retry settings: bucket stats equal to those read directly, the usage log read
//! without error, and a wrong secret failing at once with one request. Skipped with a notice
//! when RGW_ENDPOINT is unset (failing under CI=true).

use crate::support;
use crate::support::faults as faults_support;

use faultproxy::{Faults, Proxy, S3Op};
use faults_support::{assert_all_kinds, mix};
use s3scope_core::config::{Credentials, Profile, S3Settings, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::rgw::UsageQuery;
use support::rgw::{admin, bucket_with_objects, s3_client};
use support::servers::{self, RgwEnv};

/// The clients of a profile pointing at `endpoint`, with the default [s3] settings.
async fn clients(env: &RgwEnv, endpoint: &str, secret_key: &str) -> Clients {
    let profile = Profile {
        name: "ceph-faults".into(),
        endpoint: Some(url::Url::parse(endpoint).unwrap()),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: env.access_key.clone(),
            secret_access_key: Secret::new(secret_key),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: false,
        rgw_admin: true,
        connect_timeout: std::time::Duration::from_secs(5),
        read_timeout: std::time::Duration::from_secs(30),
        max_attempts: 10,
    };
    Clients::with_settings(&profile, S3Settings::default())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_api_through_faults_answers_as_directly() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let sizes: Vec<usize> = (0..40).map(|i| 100 + i * 13).collect();
    let bucket = bucket_with_objects(&s3, "faults-rgw", &sizes).await;
    let direct = admin(&env.endpoint, &env.access_key, &env.secret_key)
        .bucket_stats(Some(&bucket))
        .await
        .expect("stats directly");

    let upstream = env.endpoint.trim_end_matches('/');
    let proxy = Proxy::start(upstream, mix(21)).await.unwrap();
    let c = clients(&env, &proxy.endpoint(), &env.secret_key).await;
    let rgw = c.rgw_admin().await.expect("admin client");
    // Enough calls that faults of every kind meet them.
    for _ in 0..150 {
        let stats = rgw
            .bucket_stats(Some(&bucket))
            .await
            .expect("stats through faults");
        assert_eq!(stats, direct);
    }
    let query = UsageQuery {
        uid: Some(env.uid.clone()),
        ..UsageQuery::default()
    };
    for _ in 0..10 {
        rgw.usage(&query).await.expect("usage through faults");
    }
    let counts = proxy.counts();
    eprintln!("{counts:?}");
    assert!(counts.requests > 160 && counts.op(S3Op::AdminApi) == counts.requests);
    // One call at a time: the seed decides exactly which calls fail, every kind at least once.
    assert_all_kinds(&counts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_at_the_admin_api_fails_with_one_request() {
    let Some(env) = servers::rgw() else { return };
    let upstream = env.endpoint.trim_end_matches('/');
    let proxy = Proxy::start(upstream, Faults::default()).await.unwrap();
    let c = clients(&env, &proxy.endpoint(), "not-the-secret").await;
    let err = c
        .rgw_admin()
        .await
        .expect("admin client")
        .bucket_stats(None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("SignatureDoesNotMatch"), "{err}");
    assert_eq!(proxy.counts().requests, 1, "{:?}", proxy.counts());
}
