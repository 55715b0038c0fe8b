//! `usage collect` from S3 access logs through the fault proxy, with the default retry settings:
//! the same summary as a run without faults (nothing lost, nothing counted twice), a re-run
//! through faults adds nothing, and a trim through faults deletes exactly the objects read.

use crate::support::faults as faults_support;
use crate::support::usage as usage_support;

use chrono::Duration;
use faultproxy::{Proxy, S3Op};
use faults_support::{assert_all_kinds, mix};
use std::path::Path;
use usage_support::{LogServer, hours_ago, line, log_name, run, s3scope};

const BUCKET: &str = "fault-logs";
const OBJECTS: i64 = 160;

/// `OBJECTS` log objects delivered over the window `[h0, h0 + 2h)`, 3-12 requests each, by
/// three users and of several kinds.
fn seed(srv: &LogServer, h0: chrono::DateTime<chrono::Utc>) {
    srv.bucket(BUCKET);
    let users = ["arn:aws:iam::1:user/alice", "arn:aws:iam::1:user/bob", "-"];
    let ops = [
        "REST.GET.OBJECT",
        "REST.PUT.OBJECT",
        "REST.GET.BUCKET",
        "REST.DELETE.OBJECT",
    ];
    for n in 0..OBJECTS {
        let delivered = h0 + Duration::seconds(n * 44 + 30);
        let lines: Vec<String> = (0..3 + n % 10)
            .map(|i| {
                let at = delivered - Duration::seconds(20 + i);
                let k = (n * 7 + i) as usize;
                let status = if k.is_multiple_of(13) { 403 } else { 200 };
                line(
                    at,
                    users[k % 3],
                    "data",
                    ops[k % 4],
                    &format!("k{k}"),
                    status,
                    (k as u64 * 37) % 5000,
                    (k as u64 * 91) % 7000,
                )
            })
            .collect();
        let key = format!("logs/{}", log_name(delivered, &format!("U{n:04}")));
        srv.put_log(BUCKET, &key, &lines);
    }
}

/// What two collections must agree on: the counters of the summary file (not when or from
/// where it was made, nor how many objects this run read).
fn summary(results: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(results.join("summarized_data.json")).expect("summary");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keep = [
        "window",
        "totals",
        "users",
        "buckets",
        "categories",
        "hours",
        "records",
    ];
    serde_json::Value::Object(
        keep.iter()
            .map(|k| (k.to_string(), v[*k].clone()))
            .collect(),
    )
}

/// Panics unless the two summaries agree, naming the first part that differs.
fn assert_same(got: &serde_json::Value, want: &serde_json::Value, when: &str) {
    for (k, w) in want.as_object().unwrap() {
        assert!(
            &got[k] == w,
            "{when}: `{k}` differs:\n{:#}\nexpected:\n{w:#}",
            got[k]
        );
    }
}

/// `usage collect` of the window; through `endpoint` when given.
async fn collect(
    config: &Path,
    home: &Path,
    results: &str,
    endpoint: Option<&str>,
    window: (&str, &str),
    trim: bool,
) -> serde_json::Value {
    let mut cmd = s3scope(config, home);
    if let Some(e) = endpoint {
        cmd.args(["--endpoint", e]);
    }
    cmd.args([
        "usage",
        "collect",
        "--source",
        "access-logs",
        "--log-bucket",
        BUCKET,
    ])
    .args(["--since", window.0, "--until", window.1])
    .args(["--results-dir", results, "--format", "json"]);
    if trim {
        cmd.arg("--trim");
    }
    let (code, out, err) = tokio::task::spawn_blocking(move || run(&mut cmd))
        .await
        .unwrap();
    assert_eq!(code, 0, "stdout: {out}\nstderr: {err}");
    serde_json::from_str(&out).expect("JSON report")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_logs_through_faults_count_nothing_lost_or_twice() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(5);
    seed(&srv, h0);
    let home = tempfile::tempdir().unwrap();
    let config = srv.config_file(home.path(), "");
    let since = h0.format("%Y-%m-%d %H:%M").to_string();
    let until = (h0 + Duration::hours(2))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let window = (since.as_str(), until.as_str());

    let clean = collect(&config, home.path(), "clean", None, window, false).await;
    assert_eq!(clean["access_logs"]["objects_read"], OBJECTS, "{clean:#}");

    let proxy = Proxy::start(&srv.server.endpoint, mix(7)).await.unwrap();
    let ep = proxy.endpoint();
    let faulty = collect(&config, home.path(), "faulty", Some(&ep), window, false).await;
    assert_eq!(faulty["totals"], clean["totals"], "{faulty:#}");
    assert_eq!(faulty["access_logs"], clean["access_logs"]);
    let want = summary(&home.path().join("clean"));
    assert_same(
        &summary(&home.path().join("faulty")),
        &want,
        "through faults",
    );

    // Again through faults, on the state of the first: nothing is counted twice.
    let again = collect(&config, home.path(), "faulty", Some(&ep), window, false).await;
    assert_eq!(again["totals"], clean["totals"], "{again:#}");
    assert_eq!(again["access_logs"]["objects_read"], 0, "{again:#}");
    assert_same(&summary(&home.path().join("faulty")), &want, "again");

    // A trim through faults deletes exactly the objects read, and the counts stay.
    let trimmed = collect(&config, home.path(), "faulty", Some(&ep), window, true).await;
    assert_eq!(trimmed["totals"], clean["totals"], "{trimmed:#}");
    assert_eq!(trimmed["trimmed"]["log_objects"], OBJECTS, "{trimmed:#}");
    assert!(srv.keys(BUCKET).await.is_empty(), "log objects left");
    assert_same(
        &summary(&home.path().join("faulty")),
        &want,
        "after the trim",
    );

    let counts = proxy.counts();
    eprintln!("{counts:?}");
    assert_all_kinds(&counts);
    assert!(counts.op(S3Op::GetObject) > OBJECTS as u64, "{counts:?}");
    assert!(counts.op(S3Op::DeleteObjects) > 0, "{counts:?}");
}
