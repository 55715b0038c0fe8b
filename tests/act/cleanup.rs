//! `cleanup` on the embedded store: the preview is exactly what `--yes` removes, nothing else
//! goes, the preview sends no write, read-only refuses before any request, and faults (503
//! SlowDown, 500 after the work, latency) on the writes change nothing in the outcome.

use crate::fixture::{plan_entries, seed, seed_many, state};
use crate::support::faults::{run, s3scope};
use crate::support::store as store_support;
use faultproxy::{Faults, Proxy, S3Op};
use std::path::Path;
use std::time::Duration;

pub const AGES: [&str; 5] = [
    "--uploads-older-than",
    "7d",
    "--noncurrent-older-than",
    "30d",
    "--delete-markers",
];

/// `s3scope [--read-only] cleanup LOCATION AGES... EXTRA...` against `endpoint`.
pub fn cleanup_cmd(
    home: &Path,
    server: &s3scope_store::EmbeddedServer,
    endpoint: &str,
    location: &str,
    extra: &[&str],
) -> tokio::process::Command {
    let mut cmd = s3scope(home, &server.access_key, &server.secret_key);
    cmd.args([
        "--endpoint",
        endpoint,
        "--path-style=true",
        "cleanup",
        location,
    ])
    .args(AGES)
    .args(extra);
    cmd
}

fn writes(c: &faultproxy::Counts) -> u64 {
    [
        S3Op::DeleteObjects,
        S3Op::DeleteObject,
        S3Op::AbortMultipartUpload,
        S3Op::PutObject,
    ]
    .iter()
    .map(|op| c.op(*op))
    .sum()
}

#[tokio::test]
async fn cleanup_removes_exactly_what_the_preview_showed_and_nothing_else() {
    let t = store_support::start().await;
    let store = t.server.store();
    let now = chrono::Utc::now();
    let goes = seed(&store, "act-clean", "main/", now);
    let others = seed(&store, "act-clean", "other/", now);
    assert!(!others.is_empty());
    let s3 = store_support::client(&t.server);
    let proxy = Proxy::start(&t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();

    let preview = run(cleanup_cmd(
        home.path(),
        &t.server,
        &proxy.endpoint(),
        "s3://act-clean/main/",
        &["--format", "json"],
    ))
    .await;
    assert_eq!(preview.code, 0, "{}", preview.stderr);
    let plan: serde_json::Value = serde_json::from_str(&preview.stdout).unwrap();
    assert_eq!(
        plan_entries(&plan),
        goes,
        "the preview lists exactly the hidden costs"
    );
    assert_eq!(plan["uploads"]["count"], 1);
    assert_eq!(plan["uploads"]["bytes"], 3000);
    assert_eq!(plan["versions"]["count"], 4);
    assert_eq!(plan["delete_markers"]["count"], 2);
    assert!(
        plan["monthly_saving_usd"].is_null(),
        "an S3-compatible profile without prices shows no cost"
    );
    assert_eq!(writes(&proxy.counts()), 0, "a preview only reads");
    let table = run(cleanup_cmd(
        home.path(),
        &t.server,
        &proxy.endpoint(),
        "s3://act-clean/main/",
        &[],
    ))
    .await;
    assert!(
        table.stdout.contains("noncurrent versions (> 30d)"),
        "{}",
        table.stdout
    );
    assert!(table.stderr.contains("--yes"), "{}", table.stderr);

    let before = state(&s3, "act-clean").await;
    proxy.reset_counts();
    let applied = run(cleanup_cmd(
        home.path(),
        &t.server,
        &proxy.endpoint(),
        "s3://act-clean/main/",
        &["--yes", "--format", "json"],
    ))
    .await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert!(
        applied.stderr.contains("applying the preview"),
        "{}",
        applied.stderr
    );
    let after = state(&s3, "act-clean").await;
    let expected: std::collections::BTreeSet<String> = before.difference(&goes).cloned().collect();
    assert_eq!(after, expected, "removed exactly the preview");
    let report: serde_json::Value = serde_json::from_str(&applied.stdout).unwrap();
    assert_eq!(report["failed"].as_array().unwrap().len(), 0);
    assert_eq!(report["uploads"]["count"], 1);
    assert_eq!(report["versions"]["count"], 4);
    assert_eq!(report["delete_markers"]["count"], 2);
    let c = proxy.counts();
    assert_eq!(c.op(S3Op::AbortMultipartUpload), 1);
    assert_eq!(
        c.op(S3Op::DeleteObjects),
        2,
        "versions, then the current markers"
    );
    assert_eq!(
        c.op(S3Op::ListObjectVersions),
        0,
        "the saved preview is applied as it is"
    );

    // The journal and the plan: 0600 in a 0700 dir.
    let dir = home.path().join("state/s3scope/cleanup");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&dir), 0o700);
        for f in std::fs::read_dir(&dir).unwrap() {
            assert_eq!(mode(&f.unwrap().path()), 0o600);
        }
    }
    // Again: planned afresh, nothing left to remove.
    let again = run(cleanup_cmd(
        home.path(),
        &t.server,
        &proxy.endpoint(),
        "s3://act-clean/main/",
        &["--yes", "--format", "json"],
    ))
    .await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(state(&s3, "act-clean").await, expected);
}

#[tokio::test]
async fn read_only_refuses_with_one_line_before_any_request() {
    let t = store_support::start().await;
    let store = t.server.store();
    seed(&store, "act-ro", "", chrono::Utc::now());
    let proxy = Proxy::start(&t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["cleanup", "s3://act-ro"]
            .into_iter()
            .chain(AGES)
            .chain(["--yes"])
            .collect::<Vec<_>>(),
        vec!["rm", "s3://act-ro/docs/", "--recursive", "--yes"],
        vec!["rm", "s3://act-ro/keep/current.txt", "--yes"],
    ] {
        let mut cmd = s3scope(home.path(), &t.server.access_key, &t.server.secret_key);
        cmd.args([
            "--read-only",
            "--endpoint",
            &proxy.endpoint(),
            "--path-style=true",
        ])
        .args(&args);
        let r = run(cmd).await;
        assert_ne!(r.code, 0, "{args:?}");
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("read-only"), "{}", r.stderr);
        assert_eq!(
            proxy.counts().requests,
            0,
            "{args:?}: {:?}",
            proxy.counts().by_op
        );
    }
}

#[tokio::test]
async fn faults_on_the_writes_change_nothing_in_the_outcome() {
    let t = store_support::start().await;
    let store = t.server.store();
    let now = chrono::Utc::now();
    let mut goes = seed(&store, "act-faults", "", now);
    goes.extend(seed_many(&store, "act-faults", "", 1500, now));
    let s3 = store_support::client(&t.server);
    let before = state(&s3, "act-faults").await;
    let faults = Faults {
        delay: Duration::from_millis(20),
        slowdown: 0.2,
        error_after: 0.2,
        seed: 16,
        only: Some(vec![S3Op::DeleteObjects, S3Op::AbortMultipartUpload]),
        ..Faults::default()
    };
    let proxy = Proxy::start(&t.server.endpoint, faults).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let r = run(cleanup_cmd(
        home.path(),
        &t.server,
        &proxy.endpoint(),
        "s3://act-faults",
        &["--yes", "--format", "json"],
    ))
    .await;
    let c = proxy.counts();
    assert_eq!(r.code, 0, "{}\n{:?}", r.stderr, c);
    assert!(
        c.slowdowns > 0 && c.errors_after > 0,
        "faults were injected: {c:?}"
    );
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["versions"]["count"], 4 + 1500);
    let expected: std::collections::BTreeSet<String> = before.difference(&goes).cloned().collect();
    assert_eq!(state(&s3, "act-faults").await, expected);
}

#[tokio::test]
async fn the_preview_shows_the_monthly_saving_when_prices_are_set() {
    let t = store_support::start().await;
    let store = t.server.store();
    let goes = seed(&store, "act-cost", "", chrono::Utc::now());
    let home = tempfile::tempdir().unwrap();
    // The config the harness passes: prices for this S3-compatible endpoint.
    std::fs::write(
        home.path().join("empty-config.toml"),
        "[prices]\nstandard = 1000.0\n",
    )
    .unwrap();
    let r = run(cleanup_cmd(
        home.path(),
        &t.server,
        &t.server.endpoint,
        "s3://act-cost",
        &["--format", "json"],
    ))
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(plan_entries(&plan), goes);
    let bytes =
        plan["uploads"]["bytes"].as_u64().unwrap() + plan["versions"]["bytes"].as_u64().unwrap();
    let usd = plan["monthly_saving_usd"].as_f64().unwrap();
    let want = bytes as f64 / 1_073_741_824.0 * 1000.0;
    assert!(
        (usd - want).abs() < 1e-9,
        "{usd} for {bytes} bytes, want {want}"
    );
    let r = run(cleanup_cmd(
        home.path(),
        &t.server,
        &t.server.endpoint,
        "s3://act-cost",
        &[],
    ))
    .await;
    let total = r
        .stdout
        .lines()
        .find(|l| l.starts_with("total"))
        .unwrap_or_default()
        .to_string();
    assert!(total.contains('$'), "{}", r.stdout);
}
