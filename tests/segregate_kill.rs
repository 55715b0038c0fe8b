//! Crash safety of `segregate apply`: the real binary is killed (SIGKILL) at a random moment in
//! each of 24 runs, then the same command is run again to completion. After the kill, every
//! object exists at least once (source or target) with its bytes; after the resume, exactly
//! once, at its planned destination, with identical bytes, and no multipart upload is left.

mod segregate_support;
mod store_support;

use rand::{Rng, SeedableRng};
use s3scope::segregate::{MovePlan, planfile};
use segregate_support::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use store_support::create_bucket;

const RUNS: u64 = 24;
const OBJECTS: u32 = 120;
/// Every fourth run also moves two objects above a lowered multipart threshold.
const BIG: usize = 11 * 1024 * 1024;

fn body(run: u64, i: u32, big: bool) -> Vec<u8> {
    let n = if big {
        BIG
    } else {
        64 + (i as usize * 37) % 3000
    };
    (0..n)
        .map(|j| ((j as u64).wrapping_mul(31) ^ run ^ (u64::from(i) * 7)) as u8)
        .collect()
}

/// The apply command of a run: the plan file, its journal, the embedded server.
fn apply_command(
    binary: &Path,
    server: &s3scope::demo::EmbeddedServer,
    dir: &Path,
    multipart: bool,
) -> Command {
    let mut cmd = Command::new(binary);
    let config = dir.join("config.toml");
    std::fs::write(&config, "").unwrap();
    cmd.env_clear()
        .env("HOME", dir)
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret_key)
        .env("AWS_REGION", &server.region)
        .args(["--config"])
        .arg(&config)
        .args(["--endpoint", &server.endpoint, "--path-style"])
        .args(["--log-file"])
        .arg(dir.join("log"))
        .args(["segregate", "apply", "--plan"])
        .arg(dir.join("plan.json"))
        .args(["--workers", "6", "--format", "json"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    if multipart {
        cmd.args(["--multipart-threshold", "8388608", "--part-size", "5242880"]);
    }
    cmd
}

/// Every key with its bytes' MD5: the single-part ETag as listed, or, for a multipart copy
/// (whose ETag is not an MD5 of the bytes), the MD5 of the bytes read back.
async fn digests(client: &aws_sdk_s3::Client, bucket: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut pages = client
        .list_objects_v2()
        .bucket(bucket)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for o in page.expect("list").contents() {
            let key = o.key().unwrap_or_default().to_string();
            let etag = o.e_tag().unwrap_or_default().to_string();
            let digest = if etag.contains('-') {
                let body = client.get_object().bucket(bucket).key(&key).send().await;
                let bytes = body.expect("get").body.collect().await.expect("body");
                store_support::md5_etag(&bytes.into_bytes())
            } else {
                etag
            };
            out.insert(key, digest);
        }
    }
    out
}

/// Where each planned object is now: (in source, in target); panics when one is lost, changed,
/// or when a key that is neither a source nor a destination appeared.
async fn locate(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    plan: &MovePlan,
    original: &BTreeMap<String, String>,
) -> Vec<(bool, bool)> {
    let now = digests(client, bucket).await;
    let planned: std::collections::BTreeSet<&str> = plan
        .entries
        .iter()
        .flat_map(|e| [e.key.as_str(), e.target.as_str()])
        .collect();
    for k in now.keys() {
        assert!(planned.contains(k.as_str()), "unexpected key {k}");
    }
    plan.entries
        .iter()
        .map(|e| {
            let want = &original[&e.key];
            let at_source = now.get(&e.key);
            let at_target = now.get(&e.target);
            for found in [at_source, at_target].into_iter().flatten() {
                assert_eq!(found, want, "{} changed its bytes", e.key);
            }
            assert!(
                at_source.is_some() || at_target.is_some(),
                "{} is lost",
                e.key
            );
            (at_source.is_some(), at_target.is_some())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_applies_resume_and_lose_nothing() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    // A copy of the binary: a build relinking target/ during the test cannot pull it away.
    let bin_dir = tempfile::tempdir().unwrap();
    let binary = bin_dir.path().join("s3scope");
    std::fs::copy(env!("CARGO_BIN_EXE_s3scope"), &binary).expect("copy the binary");
    let mut killed_midway = 0;
    for run in 0..RUNS {
        let bucket = format!("kill-{run}");
        create_bucket(&client, &bucket).await;
        let multipart = run % 4 == 0;
        let mut original = BTreeMap::new();
        for i in 0..OBJECTS {
            let big = multipart && i < 2;
            let name = if i % 10 == 9 {
                format!("odd name {i} %+ é.txt")
            } else {
                cdr(
                    i,
                    &format!("202301{:02}", 1 + i % 9),
                    &format!("{:02}", i % 24),
                )
            };
            let key = format!("incoming/{name}");
            let b = body(run, i, big);
            put_plain(&client, &bucket, &key, &b).await;
            original.insert(key, store_support::md5_etag(&b));
        }
        let dir = tempfile::tempdir().unwrap();
        let plan = plan(&client, &seed_rule(&bucket)).await;
        planfile::save(&plan, &dir.path().join("plan.json")).unwrap();

        let mut rng = rand::rngs::StdRng::seed_from_u64(run);
        let delay = Duration::from_millis(rng.random_range(0..1500));
        let mut child = apply_command(&binary, &t.server, dir.path(), multipart)
            .spawn()
            .expect("spawn s3scope");
        let started = Instant::now();
        while started.elapsed() < delay {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        let ran = started.elapsed();

        let after_kill = locate(&client, &bucket, &plan, &original).await;
        let moved = after_kill.iter().filter(|(s, _)| !s).count();
        let both = after_kill.iter().filter(|(s, t)| *s && *t).count();
        eprintln!("run {run}: killed at {ran:?}: {moved} moved, {both} copied not yet deleted");
        if both > 0 || (moved > 0 && moved < after_kill.len()) {
            killed_midway += 1;
        }

        let out = apply_command(&binary, &t.server, dir.path(), multipart)
            .stdout(Stdio::piped())
            .output()
            .expect("resume");
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "run {run}: the resumed apply failed: {report}"
        );
        let after = locate(&client, &bucket, &plan, &original).await;
        let misplaced: Vec<&str> = after
            .iter()
            .zip(&plan.entries)
            .filter(|((s, t), _)| *s || !t)
            .map(|(_, e)| e.key.as_str())
            .collect();
        assert!(
            misplaced.is_empty(),
            "run {run}: not moved exactly once: {misplaced:?}\n{report}"
        );
        let uploads = client
            .list_multipart_uploads()
            .bucket(&bucket)
            .send()
            .await
            .unwrap();
        assert!(uploads.uploads().is_empty(), "run {run}: uploads left");
        let journal = std::fs::read_to_string(dir.path().join("plan.json.journal")).unwrap();
        assert!(
            journal.contains("\"op\":\"end\""),
            "run {run}: no end record"
        );
    }
    // The kills must have landed inside the work, not only before or after it.
    assert!(
        killed_midway >= 5,
        "only {killed_midway} of {RUNS} runs were killed half-way"
    );
}
