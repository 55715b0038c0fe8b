//! extract + process against a real Ceph RGW: listing, RGW bucket stats and the admin usage
//! log into a package on the RGW itself (s3://) and on local disk, then the rollups.
//! Skipped without RGW_ENDPOINT outside CI (see tests/support/servers.rs).

use crate::support;
use crate::support::pipeline as pipeline_support;

use chrono::Utc;
use pipeline_support::{files_under, run, stderr};
use s3scope_core::instants::{iso, this_hour};
use serde_json::Value;
use std::path::Path;
use support::rgw::{admin, bucket_with_objects, eventually, s3_client};
use support::servers::{self, RgwEnv, unique_bucket};

fn s3scope(home: &Path, env: &RgwEnv) -> std::process::Command {
    let config = home.join("config.toml");
    std::fs::create_dir_all(home).unwrap();
    std::fs::write(
        &config,
        format!(
            "default_profile = \"ceph-test\"\n[profiles.ceph-test]\nendpoint = \"{}\"\nrgw_admin = true\n\
             access_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
            env.endpoint, env.access_key, env.secret_key
        ),
    )
    .unwrap();
    // Kept 0600 as a user keeps it: a secret readable by others gets a warning on stderr.
    std::fs::set_permissions(
        &config,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
    )
    .unwrap();
    let mut cmd = pipeline_support::s3scope(home, &env.endpoint);
    cmd.env("S3SCOPE_CONFIG", &config);
    cmd
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_and_process_on_ceph() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = bucket_with_objects(&s3, "s3scope-extract", &[100, 250, 4000]).await;
    for _ in 0..3 {
        s3.get_object()
            .bucket(&bucket)
            .key("dir/obj 0+%.bin")
            .send()
            .await
            .expect("GetObject")
            .body
            .collect()
            .await
            .unwrap();
    }
    let history = unique_bucket("s3scope-history");
    s3.create_bucket().bucket(&history).send().await.unwrap();
    // The usage log trails requests: wait until RGW shows the GETs.
    let admin = admin(&env.endpoint, &env.access_key, &env.secret_key);
    let query = s3scope_core::s3::rgw::UsageQuery {
        bucket: Some(bucket.clone()),
        start: Some(this_hour() - chrono::Duration::hours(1)),
        end: Some(this_hour() + chrono::Duration::hours(1)),
        ..Default::default()
    };
    eventually(
        "GETs in the usage log",
        || admin.usage(&query),
        |u| {
            u.as_ref().is_ok_and(|u| {
                u.entries
                    .iter()
                    .flat_map(|e| &e.buckets)
                    .flat_map(|b| &b.categories)
                    .any(|c| c.category == "get_obj" && c.ops >= 3)
            })
        },
    )
    .await
    .expect("usage log readable");

    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let since = iso(this_hour() - chrono::Duration::hours(1));
    let today = Utc::now().format("%Y-%m-%d").to_string();
    let remote = format!("s3://{history}/data");
    let local = tmp.path().join("data");
    for data_dir in [remote.as_str(), local.to_str().unwrap()] {
        let out = run(
            s3scope(&home, &env)
                .args(["extract", "--since", &since, "--until", "now"])
                .args([
                    "--sources",
                    "listing,bucket-stats,usage",
                    "--buckets",
                    &bucket,
                ])
                .args(["--data-dir", data_dir, "--format", "json"]),
            0,
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let files = report["manifest"]["files"].as_array().unwrap();
        let tables: Vec<&str> = files.iter().map(|f| f["table"].as_str().unwrap()).collect();
        assert_eq!(
            tables,
            ["listing", "bucket_stats", "usage"],
            "{}",
            stderr(&out)
        );
        assert_eq!(files[0]["rows"], 3);
    }
    assert!(
        files_under(&local)
            .iter()
            .any(|f| f.ends_with("manifest.json"))
    );
    let listed = s3
        .list_objects_v2()
        .bucket(&history)
        .prefix(format!("data/dt={today}/"))
        .send()
        .await
        .unwrap();
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert!(
        keys.iter().any(|k| k.ends_with("/manifest.json")),
        "{keys:?}"
    );
    assert!(
        keys.iter().any(|k| k.ends_with("/collection_status.csv")),
        "{keys:?}"
    );

    let output = format!("s3://{history}/rollups");
    let out = run(
        s3scope(&home, &env)
            .args(["process", "--since", &today, "--until", "now"])
            .args([
                "--data-dir",
                &remote,
                "--output",
                &output,
                "--format",
                "json",
            ]),
        0,
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["problems"], serde_json::json!([]), "{summary}");
    assert_eq!(summary["rows"]["storage_daily"], 1, "{summary}");
    assert!(
        summary["rows"]["usage_daily"].as_u64().unwrap() >= 1,
        "{summary}"
    );
    let dir = summary["report"]
        .as_str()
        .unwrap()
        .trim_end_matches("/report.html")
        .trim_start_matches(&format!("s3://{history}/"))
        .to_string();
    let get = |key: String| {
        let s3 = s3.clone();
        let history = history.clone();
        async move {
            let o = s3
                .get_object()
                .bucket(&history)
                .key(key)
                .send()
                .await
                .unwrap();
            String::from_utf8(o.body.collect().await.unwrap().to_vec()).unwrap()
        }
    };
    let storage = get(format!("{dir}/storage_daily.csv")).await;
    assert!(
        storage.contains(&format!("{today},{bucket},STANDARD,3,4350,listing")),
        "{storage}"
    );
    let usage = get(format!("{dir}/usage_daily.csv")).await;
    let get_line = usage
        .lines()
        .find(|l| l.contains(&bucket) && l.contains(",get_obj,"))
        .unwrap_or_else(|| panic!("no get_obj row in {usage}"));
    let ops: i64 = get_line.split(',').nth(4).unwrap().parse().unwrap();
    assert!(ops >= 3, "{get_line}");
}
