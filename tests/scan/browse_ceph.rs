//! `du` and `buckets` as a user runs them against the real Ceph RGW (scripts/ceph-rgw.sh):
//! hidden costs (noncurrent versions, delete markers, incomplete multipart uploads) per prefix
//! from ListObjectVersions and ListMultipartUploads + ListParts, and the bucket table from the
//! admin API (`--source rgw`, and `auto` choosing it) with exact counts and bytes.

use crate::support;

use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use std::path::Path;
use std::process::Command;
use support::rgw::{bucket_with_objects, s3_client};
use support::servers::{self, RgwEnv, unique_bucket};

/// The binary with a config file whose profile `ceph` points at the test RGW.
fn s3scope(dir: &Path, env: &RgwEnv, rgw_admin: bool) -> Command {
    let config = dir.join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.ceph]\nendpoint = \"{}\"\nregion = \"us-east-1\"\npath_style = true\n\
             access_key_id = \"{}\"\nsecret_access_key = \"{}\"\nrgw_admin = {rgw_admin}\n",
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
    let mut cmd = crate::support::cmd::s3scope_std(dir);
    cmd.env("XDG_CACHE_HOME", dir.join("cache"))
        .arg("--config")
        .arg(&config)
        .args(["--profile", "ceph"]);
    cmd
}

fn json(cmd: &mut Command) -> serde_json::Value {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {err}", out.status.code());
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{err}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn prefix<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["prefix"] == name)
        .unwrap_or_else(|| panic!("no prefix {name} in {report:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn du_shows_versions_delete_markers_and_uploads_per_prefix() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = unique_bucket("du-hidden");
    s3.create_bucket().bucket(&bucket).send().await.unwrap();
    s3.put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let put = |key: &'static str, size: usize| {
        let s3 = s3.clone();
        let bucket = bucket.clone();
        async move {
            s3.put_object()
                .bucket(&bucket)
                .key(key)
                .body(vec![b'v'; size].into())
                .send()
                .await
                .unwrap();
        }
    };
    // logs/: a.log written twice (100 noncurrent bytes), b.log written then deleted (a marker).
    put("logs/a.log", 100).await;
    put("logs/a.log", 200).await;
    put("logs/b.log", 50).await;
    s3.delete_object()
        .bucket(&bucket)
        .key("logs/b.log")
        .send()
        .await
        .unwrap();
    put("data/keep.bin", 1000).await;
    // data/: an upload started, one part of 4096 bytes sent, never completed.
    let up = s3
        .create_multipart_upload()
        .bucket(&bucket)
        .key("data/big.bin")
        .send()
        .await
        .unwrap();
    s3.upload_part()
        .bucket(&bucket)
        .key("data/big.bin")
        .upload_id(up.upload_id().unwrap())
        .part_number(1)
        .body(vec![b'p'; 4096].into())
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let url = format!("s3://{bucket}");
    let report = json(s3scope(dir.path(), &env, false).args([
        "du",
        &url,
        "--versions",
        "--multipart",
        "--format",
        "json",
    ]));
    assert_eq!(report["objects"], 2, "current objects only: {report:#}");
    assert_eq!(report["bytes"], 1200);
    let h = &report["hidden"];
    assert_eq!(h["noncurrent_versions"], 2, "{report:#}");
    assert_eq!(h["noncurrent_bytes"], 150);
    assert_eq!(h["delete_markers"], 1);
    assert_eq!(h["incomplete_uploads"], 1);
    assert_eq!(h["incomplete_upload_bytes"], 4096);
    let logs = prefix(&report, "logs/");
    assert_eq!(logs["hidden"]["noncurrent_versions"], 2);
    assert_eq!(logs["hidden"]["delete_markers"], 1);
    assert_eq!(logs["hidden"]["incomplete_uploads"], 0);
    let data = prefix(&report, "data/");
    assert_eq!(data["hidden"]["incomplete_upload_bytes"], 4096);
    assert_eq!(data["hidden"]["noncurrent_versions"], 0);

    // Without the flags the report has no hidden section at all.
    let plain = json(s3scope(dir.path(), &env, false).args(["du", &url, "--format", "json"]));
    assert!(plain.get("hidden").is_none(), "{plain:#}");

    s3.abort_multipart_upload()
        .bucket(&bucket)
        .key("data/big.bin")
        .upload_id(up.upload_id().unwrap())
        .send()
        .await
        .unwrap();
}

/// The row of `bucket` in a `buckets --format json` document.
fn bucket_row(doc: &serde_json::Value, bucket: &str) -> serde_json::Value {
    doc["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bucket"] == bucket)
        .cloned()
        .unwrap_or_else(|| panic!("{bucket} missing in {doc:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buckets_from_the_admin_api_are_exact_and_auto_picks_it() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = bucket_with_objects(&s3, "buckets-rgw", &[10, 0, 4096, 777]).await;
    let dir = tempfile::tempdir().unwrap();
    let row = |doc: &serde_json::Value| bucket_row(doc, &bucket);
    let rgw = json(s3scope(dir.path(), &env, true).args([
        "buckets", "--source", "rgw", "--format", "json", "--filter", &bucket,
    ]));
    let r = row(&rgw);
    assert_eq!(r["objects"], 4, "{r:#}");
    assert_eq!(r["bytes"], 10 + 4096 + 777);
    assert_eq!(r["source"], "rgw");
    assert!(r["as_of"].is_string());
    assert_eq!(rgw["buckets"].as_array().unwrap().len(), 1, "--filter");

    // `auto` on a profile with the admin API picks it: no listing needed.
    let auto = json(
        s3scope(dir.path(), &env, true).args(["buckets", "--format", "json", "--filter", &bucket]),
    );
    assert_eq!(row(&auto)["source"], "rgw");
    assert_eq!(row(&auto)["bytes"], r["bytes"]);

    // The scan agrees with the admin API on the same bucket.
    let scan = json(s3scope(dir.path(), &env, false).args([
        "buckets", "--source", "scan", "--format", "json", "--filter", &bucket,
    ]));
    assert_eq!(row(&scan)["objects"], 4);
    assert_eq!(row(&scan)["bytes"], r["bytes"]);
    assert_eq!(row(&scan)["source"], "scan");

    // A user without the admin cap asked for rgw: one line naming the cap to grant, exit 1.
    let nocaps = RgwEnv {
        access_key: env.nocaps_access_key.clone(),
        secret_key: env.nocaps_secret_key.clone(),
        ..env.clone()
    };
    let out = s3scope(dir.path(), &nocaps, false)
        .args(["buckets", "--source", "rgw"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("lacks the admin cap `buckets=read`"), "{err}");
    assert!(!err.contains(&env.nocaps_secret_key), "no secret in errors");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_denied_on_one_bucket_marks_its_row_and_the_others_show() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let open = bucket_with_objects(&s3, "deny-open", &[5, 6]).await;
    let denied = bucket_with_objects(&s3, "deny-shut", &[7]).await;
    // A bucket policy that denies listing to everyone, the owner included (RGW applies it).
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["s3:ListBucket"],
            "Resource": [format!("arn:aws:s3:::{denied}")],
        }],
    });
    s3.put_bucket_policy()
        .bucket(&denied)
        .policy(policy.to_string())
        .send()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let doc = json(s3scope(dir.path(), &env, false).args([
        "buckets", "--source", "scan", "--format", "json", "--filter", "deny-*",
    ]));
    let rows = doc["buckets"].as_array().unwrap();
    let row = |name: &str| rows.iter().find(|b| b["bucket"] == name).unwrap().clone();
    let shut = row(&denied);
    assert!(
        shut["error"].as_str().unwrap().contains("access denied"),
        "{shut:#}"
    );
    assert!(shut["objects"].is_null() && shut["bytes"].is_null());
    let ok = row(&open);
    assert_eq!(ok["objects"], 2);
    assert_eq!(ok["bytes"], 11);
    assert!(ok["error"].is_null());
    s3.delete_bucket_policy()
        .bucket(&denied)
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buckets_cost_on_rgw_only_with_prices() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = bucket_with_objects(&s3, "cost-rgw", &[10, 0, 4096, 777]).await;
    let dir = tempfile::tempdir().unwrap();
    let row = |doc: &serde_json::Value| bucket_row(doc, &bucket);
    let args = [
        "buckets", "--source", "rgw", "--format", "json", "--filter", &bucket,
    ];
    // An S3-compatible profile without prices: no cost, not AWS's.
    let plain = json(s3scope(dir.path(), &env, true).args(args));
    assert!(row(&plain)["cost"].is_null(), "{plain:#}");
    assert!(plain["totals"]["cost"].is_null());
    // With the profile's own price, $1 per byte-month (2^30 USD per GB): the cost is the bytes.
    let mut cmd = s3scope(dir.path(), &env, true);
    let config = dir.path().join("config.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("\n[profiles.ceph.prices]\nstandard = 1073741824\n");
    std::fs::write(&config, text).unwrap();
    let priced = json(cmd.args(args));
    let r = row(&priced);
    assert_eq!(r["cost"]["monthly_usd"], (10 + 4096 + 777) as f64, "{r:#}");
    assert_eq!(r["cost"]["incomplete_uploads"], 0.0, "{r:#}");
    assert_eq!(priced["totals"]["cost"]["monthly_usd"], 4883.0);
}
