//! The RGW admin client and the S3 SDK against a real Ceph RGW, and its error paths on real sockets.

use crate::support;

use chrono::{TimeDelta, Utc};
use s3scope_core::s3::rgw::{
    RgwAdmin, RgwError, TrimQuery, UsageCategory, UsageQuery, UsageResponse,
};
use std::time::Duration;
use support::rgw::{admin, bucket_with_objects, eventually, s3_client};
use support::servers::{self, RgwEnv, unique_bucket};

fn category<'a>(usage: &'a UsageResponse, bucket: &str, name: &str) -> Option<&'a UsageCategory> {
    usage
        .entries
        .iter()
        .flat_map(|user| &user.buckets)
        .filter(|hour| hour.bucket == bucket)
        .flat_map(|hour| &hour.categories)
        .find(|c| c.category == name)
}

fn window_query(env: &RgwEnv, bucket: &str) -> UsageQuery {
    UsageQuery {
        uid: Some(env.uid.clone()),
        bucket: Some(bucket.to_string()),
        start: Some(Utc::now() - TimeDelta::hours(2)),
        end: Some(Utc::now() + TimeDelta::hours(2)),
        ..Default::default()
    }
}

#[tokio::test]
async fn s3_sdk_lists_buckets_and_puts_objects() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = bucket_with_objects(&s3, "s3scope-sdk", &[1234]).await;
    let listed = s3.list_buckets().send().await.expect("ListBuckets");
    assert!(
        listed
            .buckets()
            .iter()
            .any(|b| b.name() == Some(bucket.as_str())),
        "{bucket} not listed"
    );
    let head = s3
        .head_object()
        .bucket(&bucket)
        .key("dir/obj 0+%.bin")
        .send()
        .await
        .expect("HeadObject");
    assert_eq!(head.content_length(), Some(1234));
}

#[tokio::test]
async fn usage_log_shows_the_generated_traffic() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = bucket_with_objects(&s3, "s3scope-usage", &[1000, 2000, 3000]).await;
    s3.get_object()
        .bucket(&bucket)
        .key("dir/obj 0+%.bin")
        .send()
        .await
        .expect("GetObject");
    let rgw = admin(&env.endpoint, &env.access_key, &env.secret_key);
    let query = window_query(&env, &bucket);

    let usage = eventually(
        "3 put_obj and 1 get_obj in the usage log",
        || async { rgw.usage(&query).await.expect("GET /admin/usage") },
        |u| {
            category(u, &bucket, "put_obj").is_some_and(|c| c.ops == 3)
                && category(u, &bucket, "get_obj").is_some()
        },
    )
    .await;
    let put = category(&usage, &bucket, "put_obj").unwrap();
    assert_eq!((put.successful_ops, put.bytes_received), (3, 6000));
    let get = category(&usage, &bucket, "get_obj").unwrap();
    assert!(get.bytes_sent >= 1000, "{get:?}");
    assert!(
        category(&usage, &bucket, "create_bucket").is_some(),
        "{usage:#?}"
    );
    assert!(
        usage.entries.iter().all(|u| u.user == env.uid),
        "{usage:#?}"
    );
    let summary = usage
        .summary
        .iter()
        .find(|s| s.user == env.uid)
        .expect("summary of the user");
    assert!(
        summary.total.ops >= 5 && summary.total.bytes_received >= 6000,
        "{summary:#?}"
    );

    // Only the asked-for categories, and no summary when not asked for.
    let only_puts = UsageQuery {
        categories: vec!["put_obj".into()],
        show_summary: false,
        ..query.clone()
    };
    let u = rgw
        .usage(&only_puts)
        .await
        .expect("GET /admin/usage with categories");
    let names: Vec<_> = u
        .entries
        .iter()
        .flat_map(|e| &e.buckets)
        .flat_map(|h| &h.categories)
        .map(|c| &c.category)
        .collect();
    assert_eq!(names, ["put_obj"]);
    assert!(u.summary.is_empty());

    // A window in the past holds nothing: `start`/`end` reach the server in a form it understands.
    let past = UsageQuery {
        start: Some(Utc::now() - TimeDelta::days(400)),
        end: Some(Utc::now() - TimeDelta::days(399)),
        ..query
    };
    assert_eq!(
        rgw.usage(&past)
            .await
            .expect("GET /admin/usage in the past"),
        UsageResponse::default()
    );
}

#[tokio::test]
async fn trim_removes_the_usage_of_one_bucket() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = bucket_with_objects(&s3, "s3scope-trim", &[10]).await;
    let rgw = admin(&env.endpoint, &env.access_key, &env.secret_key);
    let query = window_query(&env, &bucket);
    eventually(
        "put_obj in the usage log",
        || async { rgw.usage(&query).await.expect("GET /admin/usage") },
        |u| category(u, &bucket, "put_obj").is_some(),
    )
    .await;

    let trim = TrimQuery {
        uid: query.uid.clone(),
        bucket: query.bucket.clone(),
        start: query.start,
        end: query.end,
    };
    rgw.trim_usage(&trim).await.expect("DELETE /admin/usage");
    let after = rgw
        .usage(&query)
        .await
        .expect("GET /admin/usage after trim");
    assert!(category(&after, &bucket, "put_obj").is_none(), "{after:#?}");
}

#[tokio::test]
async fn bucket_stats_count_objects_and_bytes_exactly() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let rgw = admin(&env.endpoint, &env.access_key, &env.secret_key);
    let bucket = bucket_with_objects(&s3, "s3scope-stats", &[1000, 2000, 3000, 0]).await;

    let one = rgw
        .bucket_stats(Some(&bucket))
        .await
        .expect("GET /admin/bucket?bucket=");
    assert_eq!(one.len(), 1);
    let stats = &one[0];
    assert_eq!(
        (stats.bucket.as_str(), stats.owner.as_str()),
        (bucket.as_str(), env.uid.as_str())
    );
    assert_eq!((stats.main().num_objects, stats.main().size), (4, 6000));
    assert!(
        stats.main().size_actual >= 6000 && stats.main().size_kb_actual >= 6,
        "{stats:#?}"
    );
    assert!(stats.creation_time.is_some(), "{stats:#?}");

    let all = rgw.bucket_stats(None).await.expect("GET /admin/bucket");
    let listed = all
        .iter()
        .find(|b| b.bucket == bucket)
        .expect("the bucket among all buckets");
    assert_eq!(listed.main(), stats.main());

    let empty = bucket_with_objects(&s3, "s3scope-empty", &[]).await;
    let e = rgw
        .bucket_stats(Some(&empty))
        .await
        .expect("stats of an empty bucket");
    assert_eq!((e[0].main().num_objects, e[0].main().size), (0, 0));
}

#[tokio::test]
async fn missing_bucket_is_no_such_bucket() {
    let Some(env) = servers::rgw() else { return };
    let rgw = admin(&env.endpoint, &env.access_key, &env.secret_key);
    let missing = unique_bucket("s3scope-missing");
    let err = rgw.bucket_stats(Some(&missing)).await.unwrap_err();
    assert!(
        matches!(&err, RgwError::NoSuchBucket { bucket, .. } if *bucket == missing),
        "{err:?}"
    );
}

#[tokio::test]
async fn wrong_keys_say_which_key_to_check() {
    let Some(env) = servers::rgw() else { return };
    let wrong_secret = "not-the-secret-0123456789";
    let err = admin(&env.endpoint, &env.access_key, wrong_secret)
        .usage(&UsageQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, RgwError::SignatureMismatch { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.contains("check the secret key of profile `ceph-test`"),
        "{shown}"
    );
    assert!(!shown.contains(wrong_secret) && !format!("{err:?}").contains(wrong_secret));

    let err = admin(&env.endpoint, "S3SCOPEUNKNOWNKEY000", &env.secret_key)
        .bucket_stats(None)
        .await
        .unwrap_err();
    assert!(matches!(err, RgwError::InvalidAccessKey { .. }), "{err:?}");
}

#[tokio::test]
async fn user_without_caps_is_told_which_cap_to_grant() {
    let Some(env) = servers::rgw() else { return };
    let rgw = admin(
        &env.endpoint,
        &env.nocaps_access_key,
        &env.nocaps_secret_key,
    );
    let err = rgw.usage(&UsageQuery::default()).await.unwrap_err();
    assert!(
        matches!(
            err,
            RgwError::MissingCap {
                cap: "usage=read",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("radosgw-admin caps add --uid=USER --caps=usage=read"),
        "{err}"
    );

    let err = rgw.bucket_stats(None).await.unwrap_err();
    assert!(
        matches!(
            err,
            RgwError::MissingCap {
                cap: "buckets=read",
                ..
            }
        ),
        "{err:?}"
    );
    let trim = TrimQuery {
        uid: Some(unique_bucket("nobody")),
        start: Some(Utc::now() - TimeDelta::hours(1)),
        end: Some(Utc::now()),
        ..Default::default()
    };
    let err = rgw.trim_usage(&trim).await.unwrap_err();
    assert!(
        matches!(
            err,
            RgwError::MissingCap {
                cap: "usage=write",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn tls_to_a_plain_http_gateway_is_a_tls_error() {
    let Some(env) = servers::rgw() else { return };
    let https = env.endpoint.replacen("http://", "https://", 1);
    let err = admin(&https, &env.access_key, &env.secret_key)
        .bucket_stats(None)
        .await
        .unwrap_err();
    assert!(matches!(err, RgwError::Tls { .. }), "{err:?}");
    assert!(err.to_string().contains("use an http:// endpoint"), "{err}");
}

// ---- transport errors on local sockets: no server needed ----------------------------------

#[tokio::test]
async fn closed_port_is_unreachable_naming_the_endpoint() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // closed again here
    let endpoint = format!("http://127.0.0.1:{port}");
    let err = admin(&endpoint, "AK", "SK")
        .usage(&UsageQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(err, RgwError::Unreachable { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.contains(&endpoint) && shown.contains("connection refused"),
        "{shown}"
    );
}

#[tokio::test]
async fn silent_server_is_a_read_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    // Accepts and keeps every connection open without ever answering, until the test ends:
    // the only way the call can end is the client's read timeout.
    let (done, mut ended) = tokio::sync::oneshot::channel::<()>();
    let silent = tokio::spawn(async move {
        let mut open = Vec::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => open.push(accepted.unwrap().0),
                _ = &mut ended => return,
            }
        }
    });
    let rgw = RgwAdmin::builder(&endpoint, "AK", "SK")
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // Only a hang guard: it fires when the read timeout does not.
    let err = tokio::time::timeout(Duration::from_secs(120), rgw.bucket_stats(None))
        .await
        .expect("the read timeout never fired")
        .unwrap_err();
    assert!(
        matches!(
            err,
            RgwError::Timeout {
                connecting: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("read_timeout_secs"), "{err}");
    let _ = done.send(());
    silent.await.unwrap();
}
