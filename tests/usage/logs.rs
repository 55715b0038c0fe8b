//! Access-log usage against the embedded S3 server: exact counts in both key layouts, malformed
//! lines skipped and counted, re-runs that never count twice, exact trims, and bad input.

use crate::support::usage as usage_support;

use chrono::Duration;
use s3scope_core::instants::Window;
use s3scope_core::usage::{CollectReport, Source};
use usage_support::fixture::{BUCKET, collect_ok, request, seed, window};
use usage_support::{LogServer, hours_ago, line, log_name};

fn ops(r: &CollectReport, user: &str, category: &str) -> (u64, u64, u64, u64) {
    let c = r.summary.users[user].categories[category];
    (c.ops, c.successful_ops, c.bytes_sent, c.bytes_received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_layouts_are_counted_exactly_and_malformed_lines_are_skipped() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(4);
    seed(&srv, h0);
    let out = tempfile::tempdir().unwrap();
    let r = collect_ok(&srv, &request(out.path(), window(h0), false)).await;
    let t = r.summary.totals;
    assert_eq!(
        (t.ops, t.successful_ops, t.bytes_sent, t.bytes_received),
        (10, 9, 4477, 5_000_000)
    );
    assert_eq!(
        ops(&r, "arn:aws:iam::1:user/alice", "get_obj"),
        (3, 3, 3000, 0)
    );
    assert_eq!(
        ops(&r, "arn:aws:iam::1:user/alice", "put_obj"),
        (1, 1, 0, 5_000_000)
    );
    assert_eq!(ops(&r, "anonymous", "get_obj"), (1, 0, 243, 0));
    assert_eq!(
        ops(&r, "arn:aws:iam::1:user/bob", "list_bucket"),
        (2, 2, 1000, 0)
    );
    assert_eq!(
        ops(&r, "arn:aws:iam::1:user/bob", "copy_obj"),
        (1, 1, 234, 0)
    );
    assert_eq!(
        ops(&r, "arn:aws:iam::1:user/carol", "delete_obj"),
        (2, 2, 0, 0)
    );
    assert_eq!(
        r.summary
            .hours
            .iter()
            .map(|h| h.totals.ops)
            .collect::<Vec<_>>(),
        [5, 5]
    );

    let logs = r.summary.access_logs.clone().expect("access-log details");
    assert_eq!(
        (
            logs.objects_found,
            logs.objects_read,
            logs.objects_already_read
        ),
        (3, 3, 0)
    );
    assert_eq!(
        (
            logs.lines,
            logs.malformed_lines,
            logs.requests_outside_window
        ),
        (13, 2, 1)
    );
    let reasons: Vec<_> = logs
        .malformed_examples
        .iter()
        .map(|m| m.reason.as_str())
        .collect();
    assert!(reasons.contains(&"3 fields, 26 expected"), "{reasons:?}");
    assert_eq!(logs.malformed_examples[0].line, 7);

    // The files of the collector's layout: the summary, and its backup, byte for byte.
    let summary = std::fs::read(out.path().join("results/summarized_data.json")).unwrap();
    assert_eq!(std::fs::read(&r.backup_file).unwrap(), summary);
    let name = r
        .backup_file
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("summarized_data_")
            && name.len() == "summarized_data_2024-05-10_14-05-00.json".len(),
        "{name}"
    );
    let json: serde_json::Value = serde_json::from_slice(&summary).unwrap();
    assert_eq!(json["totals"]["ops"], 10);
    assert_eq!(
        json["users"]["anonymous"]["buckets"]["data"]["categories"]["get_obj"]["successful_ops"],
        0
    );
    assert_eq!(json["source"]["kind"], "access-logs");
    assert_eq!(json["window"]["hours"], 2);
    // Reading never deletes.
    assert_eq!(srv.keys(BUCKET).await.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reruns_never_count_twice_and_late_logs_are_added_to_their_hours() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(4);
    seed(&srv, h0);
    let out = tempfile::tempdir().unwrap();
    let req = request(out.path(), window(h0), false);
    assert_eq!(collect_ok(&srv, &req).await.summary.totals.ops, 10);
    let again = collect_ok(&srv, &req).await;
    assert_eq!(again.summary.totals.ops, 10);
    assert_eq!(again.summary.access_logs.unwrap().objects_already_read, 3);

    // A log delivered late, with one more request of the window.
    let late = line(
        h0 + Duration::minutes(100),
        "arn:aws:iam::1:user/dave",
        "data",
        "REST.GET.OBJECT",
        "x",
        200,
        7,
        7,
    );
    srv.put_log(
        BUCKET,
        &format!("logs/{}", log_name(h0 + Duration::minutes(140), "DDDD")),
        &[late],
    );
    let third = collect_ok(&srv, &req).await;
    assert_eq!(third.summary.totals.ops, 11);
    assert_eq!(third.summary.access_logs.unwrap().objects_read, 1);

    // The early request read with the first object counts in its own hour, not again.
    let before = collect_ok(
        &srv,
        &request(
            out.path(),
            Window::new(h0 - Duration::hours(1), h0).unwrap(),
            false,
        ),
    )
    .await;
    assert_eq!(before.summary.totals.ops, 1);
    assert_eq!(
        before.summary.users["arn:aws:iam::1:user/bob"]
            .totals
            .bytes_sent,
        10
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trim_deletes_exactly_the_read_log_objects() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(4);
    seed(&srv, h0);
    let out = tempfile::tempdir().unwrap();
    let r = collect_ok(&srv, &request(out.path(), window(h0), true)).await;
    assert_eq!(r.trimmed.as_ref().map(|t| t.objects), Some(3));
    let old = format!("logs/{}", log_name(h0 - Duration::hours(48), "OLD0"));
    assert_eq!(srv.keys(BUCKET).await, [old, "logs/readme.txt".to_string()]);
    // What was trimmed stays in the summary of every later run of the window.
    let again = collect_ok(&srv, &request(out.path(), window(h0), true)).await;
    assert_eq!(again.summary.totals.ops, 10);
    assert_eq!(again.trimmed.map(|t| t.objects), Some(0));
    let state: serde_json::Value = serde_json::from_slice(
        &std::fs::read(out.path().join("results/usage-state.json")).unwrap(),
    )
    .unwrap();
    assert!(state["pending"].is_null());
    assert_eq!(
        state["objects"]
            .as_object()
            .unwrap()
            .values()
            .filter(|o| o["deleted"] == true)
            .count(),
        3
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_logs_add_up_to_their_lines() {
    let srv = LogServer::start().await;
    let midnight = s3scope_core::instants::this_day();
    let store = srv.store();
    tokio::task::spawn_blocking(move || s3scope_store::seed::seed_at(&store, midnight).unwrap())
        .await
        .unwrap();
    // Every non-empty line of every log object, counted independently of the parser.
    let s3 = srv.clients().await.s3();
    let mut lines = 0u64;
    for key in srv.keys("demo-logs").await {
        let body = s3
            .get_object()
            .bucket("demo-logs")
            .key(&key)
            .send()
            .await
            .unwrap();
        let bytes = body.body.collect().await.unwrap().into_bytes();
        lines += String::from_utf8_lossy(&bytes)
            .lines()
            .filter(|l| !l.trim().is_empty())
            .count() as u64;
    }
    let out = tempfile::tempdir().unwrap();
    let mut req = request(
        out.path(),
        Window::new(midnight - Duration::days(8), midnight).unwrap(),
        false,
    );
    req.source = Source::AccessLogs {
        bucket: "demo-logs".into(),
        prefix: String::new(),
        lag: Duration::hours(3),
    };
    let r = collect_ok(&srv, &req).await;
    let logs = r.summary.access_logs.clone().unwrap();
    assert_eq!(logs.lines, lines);
    // The demo writes exactly two broken records: a cut-off line and an HTML error page.
    assert_eq!(logs.malformed_lines, 2, "{:#?}", logs.malformed_examples);
    assert_eq!(
        r.summary.totals.ops + logs.requests_outside_window,
        lines - 2
    );
    assert!(r.summary.users.contains_key("anonymous"));
    assert_eq!(r.summary.users["anonymous"].totals.successful_ops, 0);
    assert_eq!(r.summary.buckets.len(), 3, "{:?}", r.summary.buckets.keys());
}
