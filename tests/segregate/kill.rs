//! Crash safety of `segregate apply`: in each of 24 runs the real binary talks to the embedded
//! server through a fault proxy that freezes it at a chosen progress point (after K copies,
//! before or after a batch delete, inside a multipart copy); there it is killed (SIGKILL), then
//! the same command is run again, directly against the server, to completion. After the kill,
//! the state is the one of that point and every object exists at least once (source or target)
//! with its bytes; after the resume, exactly once, at its planned destination, with identical
//! bytes, and no multipart upload is left.

use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use faultproxy::{Faults, Hold, Proxy, S3Op};
use s3scope_core::segregate::{MovePlan, planfile};
use segregate_support::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};
use store_support::create_bucket;

const RUNS: u64 = 24;
const OBJECTS: u32 = 120;
/// The run that holds at a later DeleteObjects moves more objects than one window of apply
/// (1000), so that it sends at least two batches.
const MANY: u32 = 1010;
/// Every fourth run also moves two objects above a lowered multipart threshold, in 3 parts each.
const BIG: usize = 11 * 1024 * 1024;
const BIG_OBJECTS: u32 = 2;
const PARTS: u64 = 3;

/// Where a run is frozen and killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    /// Before the (K+1)-th CopyObject is forwarded: exactly K objects copied, none deleted.
    Copies(u64),
    /// Before the (n+1)-th DeleteObjects is forwarded: copied, sources not deleted yet.
    DeleteBefore(u64),
    /// After the first DeleteObjects was done, before its answer reached apply: sources gone,
    /// nothing journaled as deleted.
    DeleteAfter,
    /// Before the (n+1)-th UploadPartCopy is forwarded: inside a multipart copy.
    PartCopy(u64),
    /// After the (n+1)-th CompleteMultipartUpload was done, before its answer reached apply.
    CompleteAfter(u64),
}

impl Point {
    fn hold(self) -> Hold {
        match self {
            Point::Copies(k) => Hold::new(S3Op::CopyObject).skip(k),
            Point::DeleteBefore(n) => Hold::new(S3Op::DeleteObjects).skip(n),
            Point::DeleteAfter => Hold::new(S3Op::DeleteObjects).after_forward(),
            Point::PartCopy(n) => Hold::new(S3Op::UploadPartCopy).skip(n),
            Point::CompleteAfter(n) => Hold::new(S3Op::CompleteMultipartUpload)
                .skip(n)
                .after_forward(),
        }
    }
}

/// The progress point of each run and its number of objects: the multipart runs (every
/// fourth) hold inside multipart copies; three runs hold before the first batch delete, two
/// after it, one before a later one; the other twelve after K copies, K spread over the
/// whole run from 0 to the last copy.
fn schedule(run: u64) -> (Point, u32) {
    const MULTIPART: [Point; 6] = [
        Point::PartCopy(1),
        Point::CompleteAfter(0),
        Point::PartCopy(PARTS * 2 - 1),
        Point::PartCopy(2),
        Point::CompleteAfter(1),
        Point::PartCopy(0),
    ];
    if run.is_multiple_of(4) {
        return (MULTIPART[(run / 4) as usize % MULTIPART.len()], OBJECTS);
    }
    match run {
        3 | 11 | 19 => (Point::DeleteBefore(0), OBJECTS),
        7 | 15 => (Point::DeleteAfter, OBJECTS),
        23 => (Point::DeleteBefore(1), MANY),
        _ => {
            // The twelve remaining runs in order: K = 0, 10, 21, ..., 119.
            let nth = (1..run)
                .filter(|r| !r.is_multiple_of(4) && r % 4 != 3)
                .count() as u64;
            (Point::Copies(nth * u64::from(OBJECTS - 1) / 11), OBJECTS)
        }
    }
}

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

/// The apply command of a run: the plan file, its journal, the embedded server's keys and
/// `endpoint` (the server's, or a proxy's in front of it).
fn apply_command(
    binary: &Path,
    server: &s3scope_store::EmbeddedServer,
    endpoint: &str,
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
        .args(["--endpoint", endpoint, "--path-style"])
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

/// The journal's records by kind (`op`), lines cut short by the kill left out.
fn journal_ops(dir: &Path) -> BTreeMap<String, usize> {
    let text = std::fs::read_to_string(dir.join("plan.json.journal")).unwrap_or_default();
    let mut ops = BTreeMap::new();
    for line in text.lines() {
        if let Ok(record) = serde_json::from_str::<serde_json::Value>(line)
            && let Some(op) = record["op"].as_str()
        {
            *ops.entry(op.to_string()).or_default() += 1;
        }
    }
    ops
}

/// Panics unless the state after the kill is the one of `point`: apply was frozen there,
/// mid-way (it never got to its end record). `located`: per plan entry (at source, at
/// target); `big`: per plan entry, whether it is copied in parts; `ops`: the journal's records.
fn check_kill(
    run: u64,
    point: Point,
    located: &[(bool, bool)],
    big: &[bool],
    ops: &BTreeMap<String, usize>,
    open_uploads: usize,
) {
    let total = located.len();
    let moved = located.iter().filter(|(s, _)| !s).count();
    let both = located.iter().filter(|(s, t)| *s && *t).count();
    let op = |name: &str| ops.get(name).copied().unwrap_or(0);
    let ctx = format!(
        "run {run} at {point:?}: {moved} moved, {both} copied not deleted, {open_uploads} uploads open, journal {ops:?}"
    );
    eprintln!("{ctx}");
    assert_eq!(op("start"), 1, "{ctx}");
    assert_eq!(op("end"), 0, "killed before its end: {ctx}");
    match point {
        Point::Copies(n) => {
            assert_eq!(both as u64, n, "exactly the copies let through: {ctx}");
            assert_eq!(moved, 0, "{ctx}");
        }
        Point::DeleteBefore(0) => {
            assert_eq!((both, moved), (total, 0), "all copied, none deleted: {ctx}");
            assert_eq!(op("copied"), total, "journaled before deleting: {ctx}");
            assert_eq!(op("deleted"), 0, "{ctx}");
        }
        Point::DeleteBefore(_) => {
            assert!(moved > 0, "an earlier batch was deleted: {ctx}");
            assert!(both > 0, "the held batch is copied, not deleted: {ctx}");
        }
        Point::DeleteAfter => {
            assert!(moved > 0, "the first batch was deleted: {ctx}");
            assert_eq!(moved + both, total, "everything was copied first: {ctx}");
            assert_eq!(op("deleted"), 0, "the answer never came: {ctx}");
        }
        Point::PartCopy(_) => {
            assert!(open_uploads > 0, "inside a multipart copy: {ctx}");
            assert!(op("upload_started") > 0, "{ctx}");
            assert_eq!(moved, 0, "{ctx}");
        }
        Point::CompleteAfter(n) => {
            let completed = located
                .iter()
                .zip(big)
                .filter(|((_, at_target), big)| **big && *at_target)
                .count();
            assert!(completed as u64 > n, "the held upload was completed: {ctx}");
            assert!(op("completing") as u64 > n, "{ctx}");
            assert_eq!(moved, 0, "{ctx}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_applies_resume_and_lose_nothing() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    // A copy of the binary: a build relinking target/ during the test cannot pull it away.
    let bin_dir = tempfile::tempdir().unwrap();
    let binary = bin_dir.path().join("s3scope");
    std::fs::copy(env!("CARGO_BIN_EXE_s3scope"), &binary).expect("copy the binary");
    let mut points = BTreeSet::new();
    for run in 0..RUNS {
        let (point, objects) = schedule(run);
        points.insert(format!("{point:?}"));
        let bucket = format!("kill-{run}");
        create_bucket(&client, &bucket).await;
        let multipart = run.is_multiple_of(4);
        let mut original = BTreeMap::new();
        let mut big_keys = BTreeSet::new();
        for i in 0..objects {
            let big = multipart && i < BIG_OBJECTS;
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
            original.insert(key.clone(), store_support::md5_etag(&b));
            if big {
                big_keys.insert(key);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let plan = plan(&client, &seed_rule(&bucket)).await;
        planfile::save(&plan, &dir.path().join("plan.json")).unwrap();

        // Freeze apply at the run's point, then kill it there.
        let proxy = Proxy::start(&t.server.endpoint, Faults::default())
            .await
            .expect("start the fault proxy");
        let hold = proxy.hold(point.hold());
        let command = apply_command(&binary, &t.server, &proxy.endpoint(), dir.path(), multipart);
        let mut child = tokio::process::Command::from(command)
            .kill_on_drop(true)
            .spawn()
            .expect("spawn s3scope");
        tokio::select! {
            () = hold.frozen() => {}
            status = child.wait() => panic!(
                "run {run}: apply ended ({status:?}) before reaching {point:?}; requests: {:?}",
                proxy.counts().by_op
            ),
        }
        child.start_kill().expect("kill apply");
        let _ = child.wait().await;
        // Every held request is dropped, never forwarded, before anything is checked.
        proxy.shutdown().await;
        drop(hold);

        let ops = journal_ops(dir.path());
        let after_kill = locate(&client, &bucket, &plan, &original).await;
        let open_uploads = client
            .list_multipart_uploads()
            .bucket(&bucket)
            .send()
            .await
            .unwrap()
            .uploads()
            .len();
        let big: Vec<bool> = plan
            .entries
            .iter()
            .map(|e| big_keys.contains(&e.key))
            .collect();
        check_kill(run, point, &after_kill, &big, &ops, open_uploads);

        let out = apply_command(
            &binary,
            &t.server,
            &t.server.endpoint,
            dir.path(),
            multipart,
        )
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
    // The copy points span the whole run, from before the first copy to before the last.
    assert!(
        points.contains("Copies(0)") && points.contains("Copies(119)"),
        "{points:?}"
    );
    eprintln!("points: {points:?}");
}
