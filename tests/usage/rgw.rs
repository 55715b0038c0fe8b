//! RGW usage against the real Ceph RGW: known traffic collected exactly per bucket and
//! category, trimmed while the saved summary keeps it, and the admin API's refusals.

use crate::support;
use crate::support::usage as usage_support;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};
use chrono::Duration;
use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::instants::{Window, this_hour};
use s3scope_core::job::Progress;
use s3scope_core::s3::client::Clients;
use s3scope_core::s3::rgw::{UsageQuery, UsageResponse};
use s3scope_core::usage::model::Counters;
use s3scope_core::usage::{
    CollectReport, CollectRequest, Source, UsageError, UsageOptions, collect,
};
use std::collections::BTreeMap;
use support::rgw::{admin, eventually, s3_client};
use support::servers::{self, RgwEnv, unique_bucket};
use usage_support::{run, s3scope};

const PART: usize = 5 * 1024 * 1024;

fn profile(env: &RgwEnv, access_key: &str, secret_key: &str) -> Profile {
    Profile {
        name: "ceph-test".into(),
        endpoint: Some(url::Url::parse(&env.endpoint).unwrap()),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: Credentials::Static {
            access_key_id: access_key.into(),
            secret_access_key: Secret::new(secret_key),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: false,
        rgw_admin: true,
        connect_timeout: std::time::Duration::from_secs(5),
        read_timeout: std::time::Duration::from_secs(30),
        max_attempts: 1,
    }
}

/// The previous and the current hour: the traffic is in one of them.
fn window() -> Window {
    Window::new(
        this_hour() - Duration::hours(1),
        this_hour() + Duration::hours(1),
    )
    .unwrap()
}

fn request(dir: &std::path::Path, env: &RgwEnv, bucket: &str, trim: bool) -> CollectRequest {
    CollectRequest {
        settings: UsageOptions {
            results_dir: Some(dir.join("results")),
            backup_dir: Some(dir.join("backups")),
            ..Default::default()
        }
        .resolve(),
        source: Source::Rgw {
            uid: Some(env.uid.clone()),
            bucket: Some(bucket.into()),
        },
        window: window(),
        trim,
        trim_current_hour: true,
        concurrency: 1,
    }
}

/// Per category of `bucket`, as the admin API reports it.
fn raw(u: &UsageResponse, bucket: &str) -> BTreeMap<String, Counters> {
    let mut out: BTreeMap<String, Counters> = BTreeMap::new();
    for c in u
        .entries
        .iter()
        .flat_map(|e| &e.buckets)
        .filter(|b| b.bucket == bucket)
        .flat_map(|b| &b.categories)
    {
        let add = Counters {
            ops: c.ops,
            successful_ops: c.successful_ops,
            bytes_sent: c.bytes_sent,
            bytes_received: c.bytes_received,
        };
        *out.entry(c.category.clone()).or_default() += &add;
    }
    out
}

/// Puts, gets, heads, a listing, a copy, deletes, a multipart upload and failed requests.
async fn traffic(s3: &aws_sdk_s3::Client, bucket: &str) {
    s3.create_bucket()
        .bucket(bucket)
        .send()
        .await
        .expect("CreateBucket");
    for (i, size) in [1000usize, 2000, 3000].into_iter().enumerate() {
        let body = ByteStream::from(vec![b'u'; size]);
        s3.put_object()
            .bucket(bucket)
            .key(format!("o{i}"))
            .body(body)
            .send()
            .await
            .expect("PutObject");
    }
    let got = s3
        .get_object()
        .bucket(bucket)
        .key("o0")
        .send()
        .await
        .expect("GetObject");
    assert_eq!(got.body.collect().await.unwrap().into_bytes().len(), 1000);
    s3.head_object()
        .bucket(bucket)
        .key("o1")
        .send()
        .await
        .expect("HeadObject");
    s3.list_objects_v2()
        .bucket(bucket)
        .send()
        .await
        .expect("ListObjectsV2");
    s3.copy_object()
        .bucket(bucket)
        .key("copy")
        .copy_source(format!("{bucket}/o2"))
        .send()
        .await
        .expect("CopyObject");
    s3.delete_object()
        .bucket(bucket)
        .key("o0")
        .send()
        .await
        .expect("DeleteObject");
    let ids = ["o1", "copy"].map(|k| ObjectIdentifier::builder().key(k).build().unwrap());
    let delete = Delete::builder()
        .set_objects(Some(ids.to_vec()))
        .build()
        .unwrap();
    s3.delete_objects()
        .bucket(bucket)
        .delete(delete)
        .send()
        .await
        .expect("DeleteObjects");
    let up = s3
        .create_multipart_upload()
        .bucket(bucket)
        .key("big")
        .send()
        .await
        .expect("CreateMultipartUpload");
    let upload_id = up.upload_id().unwrap();
    let part = s3
        .upload_part()
        .bucket(bucket)
        .key("big")
        .upload_id(upload_id)
        .part_number(1)
        .body(ByteStream::from(vec![b'p'; PART]))
        .send()
        .await
        .expect("UploadPart");
    let done = CompletedMultipartUpload::builder()
        .parts(
            CompletedPart::builder()
                .part_number(1)
                .e_tag(part.e_tag().unwrap())
                .build(),
        )
        .build();
    s3.complete_multipart_upload()
        .bucket(bucket)
        .key("big")
        .upload_id(upload_id)
        .multipart_upload(done)
        .send()
        .await
        .expect("CompleteMultipartUpload");
    // Failures RGW logs (a missing key is not logged at all): a range past the end, and
    // deleting a bucket that is not empty.
    let past_end = s3
        .get_object()
        .bucket(bucket)
        .key("big")
        .range("bytes=10000000-10000100");
    assert!(past_end.send().await.is_err(), "range past the end");
    assert!(
        s3.delete_bucket().bucket(bucket).send().await.is_err(),
        "non-empty bucket deleted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_traffic_is_collected_exactly_then_trimmed_while_the_summary_keeps_it() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = unique_bucket("usage-exact");
    traffic(&s3, &bucket).await;
    let rgw = admin(&env.endpoint, &env.access_key, &env.secret_key);
    let query = UsageQuery {
        uid: Some(env.uid.clone()),
        bucket: Some(bucket.clone()),
        start: Some(window().since),
        end: Some(window().until),
        ..Default::default()
    };
    let total_ops = |u: &UsageResponse| raw(u, &bucket).values().map(|c| c.ops).sum::<u64>();
    // 1 create, 4 puts (3 objects, 1 part), 3 gets (a HEAD, a failed range), 1 list, 1 copy,
    // 1 delete, 1 multi-delete, 1 init and 1 complete multipart, 1 failed bucket delete.
    let logged = eventually(
        "15 requests in the usage log",
        || async { rgw.usage(&query).await.unwrap() },
        |u| total_ops(u) == 15,
    )
    .await;
    let expected = raw(&logged, &bucket);
    let ops = |cat: &str| expected.get(cat).map(|c| (c.ops, c.successful_ops));
    assert_eq!(ops("create_bucket"), Some((1, 1)));
    assert_eq!(ops("put_obj"), Some((4, 4)));
    assert_eq!(ops("get_obj"), Some((3, 2)));
    assert_eq!(ops("delete_bucket"), Some((1, 0)));
    assert_eq!(ops("list_bucket"), Some((1, 1)));
    assert_eq!(ops("copy_obj"), Some((1, 1)));
    assert_eq!(ops("delete_obj"), Some((1, 1)));
    assert_eq!(ops("multi_object_delete"), Some((1, 1)));
    assert_eq!(ops("init_multipart"), Some((1, 1)));
    assert_eq!(ops("complete_multipart"), Some((1, 1)));
    assert_eq!(expected["put_obj"].bytes_received, (6000 + PART) as u64);
    assert!(expected["get_obj"].bytes_sent >= 1000, "{expected:?}");

    let clients = Clients::new(&profile(&env, &env.access_key, &env.secret_key))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let r: CollectReport = collect(
        &clients,
        &request(dir.path(), &env, &bucket, false),
        &Progress::default(),
    )
    .await
    .unwrap();
    let bucket_totals = &r.summary.users[&env.uid].buckets[&bucket];
    assert_eq!(
        bucket_totals.categories, expected,
        "the summary differs from the admin API"
    );
    assert_eq!(
        (r.summary.totals.ops, r.summary.totals.successful_ops),
        (15, 13)
    );
    assert_eq!(
        r.summary
            .records
            .iter()
            .map(|x| x.counters.ops)
            .sum::<u64>(),
        15
    );

    let trimmed = collect(
        &clients,
        &request(dir.path(), &env, &bucket, true),
        &Progress::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        trimmed.trimmed.as_ref().map(|t| t.users.clone()),
        Some(vec![env.uid.clone()])
    );
    assert_eq!(
        raw(&rgw.usage(&query).await.unwrap(), &bucket),
        BTreeMap::new(),
        "usage still on the server"
    );
    let saved =
        s3scope_core::usage::Summary::read(&dir.path().join("results/summarized_data.json"))
            .unwrap();
    assert_eq!(saved.users[&env.uid].buckets[&bucket].categories, expected);
    let again = collect(
        &clients,
        &request(dir.path(), &env, &bucket, false),
        &Progress::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        again.summary.users[&env.uid].buckets[&bucket].categories,
        expected
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_without_caps_is_told_to_grant_usage_read() {
    let Some(env) = servers::rgw() else { return };
    let clients = Clients::new(&profile(
        &env,
        &env.nocaps_access_key,
        &env.nocaps_secret_key,
    ))
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut req = request(dir.path(), &env, "any", false);
    req.source = Source::Rgw {
        uid: None,
        bucket: None,
    };
    let e = collect(&clients, &req, &Progress::default())
        .await
        .unwrap_err();
    assert!(matches!(e, UsageError::Rgw(_)), "{e:?}");
    let shown = e.to_string();
    assert!(
        shown.contains("lacks the admin cap `usage=read`"),
        "{shown}"
    );
    assert!(!shown.contains(&env.nocaps_secret_key));
    assert!(!dir.path().join("results/summarized_data.json").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_collectors_cron_line_works_unchanged() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = unique_bucket("usage-cron");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "").unwrap();
    let since = (this_hour() - Duration::hours(1))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let mut cmd = s3scope(&config, home.path());
    cmd.env_remove("S3SCOPE_PROFILE")
        .args(["usage", "collect", "--since", &since, "--until", "now"])
        .args([
            format!("PUBLIC_S3_KEY={}", env.access_key),
            format!("SECRET_S3_KEY={}", env.secret_key),
            format!("S3_SERVERNOHTTPS={}", env.endpoint),
            "S3_USAGE_PERIOD=3600".into(),
            "RESULTS_DIR=out/results".into(),
            "USAGE_BACKUP_DIR=out/backups".into(),
            "STATS_CHUNKS_DIR=out/chunks".into(),
            "USAGE_SUMMARY_FILE=out/results/summarized_data.json".into(),
            "S3_REMOVE_STATS_ITEMS=FALSE".into(),
            "S3_SAVE_STATS_CHUNKS=TRUE".into(),
        ]);
    let (code, out, err) = tokio::task::spawn_blocking(move || run(&mut cmd))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains(&env.secret_key) && !err.contains(&env.secret_key));
    let summary =
        std::fs::read_to_string(home.path().join("out/results/summarized_data.json")).unwrap();
    assert!(summary.contains("\"kind\": \"rgw\""), "{summary}");
    assert_eq!(
        std::fs::read_dir(home.path().join("out/backups"))
            .unwrap()
            .count(),
        1
    );
    let chunks: Vec<_> = std::fs::read_dir(home.path().join("out/chunks"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(chunks.len(), 1);
    assert!(
        chunks[0]
            .file_name()
            .to_string_lossy()
            .ends_with("_rgw_usage.json")
    );
}
