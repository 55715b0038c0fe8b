//! `rm` and the delete API on the embedded store: a marked set goes and every unmarked object
//! stays; a prefix needs --recursive; without --yes and without a terminal nothing happens; a
//! versioned bucket gets delete markers and keeps its versions.

use crate::fixture::state;
use crate::support::faults::{run, s3scope};
use crate::support::store as store_support;
use faultproxy::{Faults, Proxy, S3Op};
use s3scope_core::delete::{self, DeleteSet};
use s3scope_core::job::Progress;
use s3scope_core::s3::write::Writer;
use std::collections::BTreeSet;

const KEYS: [&str; 9] = [
    "a/1.txt",
    "a/b/2.txt",
    "a/b/c/3.txt",
    "a-sibling/4.txt",
    "b/5.txt",
    "b/6.txt",
    "c/odd name %+ é.txt",
    "c/keep.txt",
    "top.txt",
];

async fn bucket_with_keys(s3: &aws_sdk_s3::Client, bucket: &str) {
    store_support::create_bucket(s3, bucket).await;
    for (i, k) in KEYS.iter().enumerate() {
        store_support::put(s3, bucket, k, &vec![b'x'; 100 * (i + 1)]).await;
    }
}

async fn keys(s3: &aws_sdk_s3::Client, bucket: &str) -> BTreeSet<String> {
    let r = s3.list_objects_v2().bucket(bucket).send().await.unwrap();
    r.contents()
        .iter()
        .map(|o| o.key().unwrap().to_string())
        .collect()
}

fn all_but(gone: &[&str]) -> BTreeSet<String> {
    KEYS.iter()
        .filter(|k| !gone.contains(k))
        .map(|k| k.to_string())
        .collect()
}

#[tokio::test]
async fn deleting_a_marked_set_leaves_every_unmarked_object() {
    let t = store_support::start().await;
    let s3 = store_support::client(&t.server);
    bucket_with_keys(&s3, "act-marks").await;
    let set = DeleteSet {
        bucket: "act-marks".into(),
        prefixes: vec!["a/".into(), "a/b/".into()],
        keys: vec![
            "b/5.txt".into(),
            "a/1.txt".into(),
            "c/odd name %+ é.txt".into(),
            "nope".into(),
        ],
    };
    let progress = Progress::default();
    let plan = delete::plan_with(&s3, "embedded", &set, &progress)
        .await
        .unwrap();
    let gone = [
        "a/1.txt",
        "a/b/2.txt",
        "a/b/c/3.txt",
        "b/5.txt",
        "c/odd name %+ é.txt",
    ];
    let planned: Vec<&str> = plan.objects.iter().map(|o| o.key.as_str()).collect();
    let mut sorted = gone.to_vec();
    sorted.sort();
    assert_eq!(planned, sorted, "each object once, nothing unmarked");
    assert_eq!(plan.count, 5);
    assert_eq!(plan.bytes, 100 + 200 + 300 + 500 + 700);
    assert_eq!(plan.missing_keys, vec!["nope".to_string()]);
    assert!(plan.needs_typed_confirmation && !plan.versioned && plan.note().is_none());
    assert!(plan.confirms(" act-marks\n") && !plan.confirms("act"));

    let w = Writer::from_client(s3.clone(), "test");
    let progress = Progress::default();
    let report = delete::apply(&w, &plan, "embedded", &progress)
        .await
        .unwrap();
    assert_eq!(report.count, 5);
    assert!(report.failed.is_empty() && !report.cancelled);
    assert_eq!(keys(&s3, "act-marks").await, all_but(&gone));
    let by = report.by_prefix();
    assert_eq!(by[""], (5, 1800));
    assert_eq!(by["a/"], (3, 600));
    assert_eq!(by["a/b/"], (2, 500));
    let s = progress.snapshot();
    assert_eq!((s.done, s.total, s.bytes), (5, Some(5), 1800));
}

#[tokio::test]
async fn an_object_rewritten_after_the_plan_is_kept() {
    let t = store_support::start().await;
    let s3 = store_support::client(&t.server);
    bucket_with_keys(&s3, "act-race").await;
    let set = DeleteSet {
        bucket: "act-race".into(),
        prefixes: vec!["b/".into()],
        keys: vec![],
    };
    let plan = delete::plan_with(&s3, "embedded", &set, &Progress::default())
        .await
        .unwrap();
    store_support::put(&s3, "act-race", "b/6.txt", b"rewritten").await;
    let w = Writer::from_client(s3.clone(), "test");
    let report = delete::apply(&w, &plan, "embedded", &Progress::default())
        .await
        .unwrap();
    assert_eq!(report.count, 1);
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].error.contains("changed since the plan"));
    assert_eq!(keys(&s3, "act-race").await, all_but(&["b/5.txt"]));
}

#[tokio::test]
async fn cancelled_before_the_first_batch_deletes_nothing() {
    let t = store_support::start().await;
    let s3 = store_support::client(&t.server);
    bucket_with_keys(&s3, "act-cancel").await;
    let set = DeleteSet {
        bucket: "act-cancel".into(),
        prefixes: vec![String::new()],
        keys: vec![],
    };
    let plan = delete::plan_with(&s3, "embedded", &set, &Progress::default())
        .await
        .unwrap();
    let progress = Progress::default();
    progress.cancel.cancel();
    let w = Writer::from_client(s3.clone(), "test");
    let report = delete::apply(&w, &plan, "embedded", &progress)
        .await
        .unwrap();
    assert!(report.cancelled);
    assert_eq!((report.count, report.not_sent), (0, KEYS.len() as u64));
    assert_eq!(keys(&s3, "act-cancel").await.len(), KEYS.len());
}

fn rm(
    t: &store_support::TestServer,
    home: &std::path::Path,
    endpoint: &str,
    args: &[&str],
) -> tokio::process::Command {
    let mut cmd = s3scope(home, &t.server.access_key, &t.server.secret_key);
    cmd.args(["--endpoint", endpoint, "--path-style=true", "rm"])
        .args(args);
    cmd
}

#[tokio::test]
async fn rm_cli_deletes_a_prefix_or_a_key_and_asks_first() {
    let t = store_support::start().await;
    let s3 = store_support::client(&t.server);
    bucket_with_keys(&s3, "act-rm").await;
    let proxy = Proxy::start(&t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let ep = proxy.endpoint();
    let home = tempfile::tempdir().unwrap();

    let r = run(rm(&t, home.path(), &ep, &["s3://act-rm/a/"])).await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1);
    assert!(r.stderr.contains("--recursive"), "{}", r.stderr);

    let r = run(rm(
        &t,
        home.path(),
        &ep,
        &[
            "s3://act-rm/a",
            "--recursive",
            "--dry-run",
            "--format",
            "json",
        ],
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let planned: Vec<&str> = plan["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        planned,
        ["a/1.txt", "a/b/2.txt", "a/b/c/3.txt"],
        "a/ only, not a-sibling/"
    );

    // No terminal, no --yes: refused, nothing sent.
    proxy.reset_counts();
    let r = run(rm(&t, home.path(), &ep, &["s3://act-rm/a/", "--recursive"])).await;
    assert_ne!(r.code, 0);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("not a terminal") && r.stderr.contains("--yes"),
        "{}",
        r.stderr
    );
    assert_eq!(proxy.counts().op(S3Op::DeleteObjects), 0);
    assert_eq!(keys(&s3, "act-rm").await, all_but(&[]));

    let r = run(rm(
        &t,
        home.path(),
        &ep,
        &["s3://act-rm/a/", "--recursive", "--yes"],
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("deleted 3 objects"), "{}", r.stdout);
    assert_eq!(
        keys(&s3, "act-rm").await,
        all_but(&["a/1.txt", "a/b/2.txt", "a/b/c/3.txt"])
    );

    let r = run(rm(
        &t,
        home.path(),
        &ep,
        &["s3://act-rm/c/odd name %+ é.txt", "--yes"],
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(rm(
        &t,
        home.path(),
        &ep,
        &["s3://act-rm/c/missing.txt", "--yes"],
    ))
    .await;
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
    assert_eq!(
        keys(&s3, "act-rm").await,
        all_but(&["a/1.txt", "a/b/2.txt", "a/b/c/3.txt", "c/odd name %+ é.txt"])
    );
}

#[tokio::test]
async fn rm_in_a_versioned_bucket_adds_markers_and_keeps_versions() {
    let t = store_support::start().await;
    let s3 = store_support::client(&t.server);
    bucket_with_keys(&s3, "act-rmv").await;
    t.server.store().set_versioning("act-rmv", true).unwrap();
    let before = state(&s3, "act-rmv").await;
    let home = tempfile::tempdir().unwrap();
    let r = run(rm(
        &t,
        home.path(),
        &t.server.endpoint,
        &["s3://act-rmv/b/", "-r", "--dry-run"],
    ))
    .await;
    assert!(
        r.stdout
            .contains("delete markers will be added, versions kept"),
        "{}",
        r.stdout
    );
    let r = run(rm(
        &t,
        home.path(),
        &t.server.endpoint,
        &["s3://act-rmv/b/", "-r", "--yes"],
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(keys(&s3, "act-rmv").await, all_but(&["b/5.txt", "b/6.txt"]));
    let after = state(&s3, "act-rmv").await;
    assert!(before.is_subset(&after), "every version kept");
    assert_eq!(after.len(), before.len() + 2, "two delete markers");
}
