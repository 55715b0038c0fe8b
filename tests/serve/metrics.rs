//! The exposition itself: label escaping whatever the names contain, OpenMetrics framing, and
//! validity as judged by Prometheus's own parser (`promtool check metrics`, Debian `prometheus`).

use chrono::{TimeZone, Utc};
use s3scope_core::scan::buckets::{BucketRow, Source};
use s3scope_core::scan::report::ClassTotal;
use s3scope_core::serve::metrics::{Exposition, escape_label, render};
use s3scope_core::serve::usage::{UsageMetrics, UsageSeries, UsageState};
use s3scope_core::serve::{Cache, Snapshot, TableFormat};
use s3scope_core::usage::model::Counters;
use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

const NASTY: &str = "we\"ird\\na\nme,x=\"y\"}";

fn row(name: &str, classes: &[(&str, u64, u64)]) -> BucketRow {
    BucketRow {
        bucket: name.into(),
        region: Some("eu-\"west\"-1".into()),
        objects: Some(classes.iter().map(|c| c.1).sum()),
        bytes: Some(classes.iter().map(|c| c.2).sum()),
        storage_classes: classes
            .iter()
            .map(|(c, o, b)| {
                (
                    c.to_string(),
                    ClassTotal {
                        objects: *o,
                        bytes: *b,
                    },
                )
            })
            .collect::<BTreeMap<_, _>>(),
        multipart_bytes: Some(77),
        created: Some(Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap()),
        source: Source::Rgw,
        as_of: Some(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()),
        error: None,
    }
}

fn snapshot() -> Snapshot {
    let mut failed = row("denied", &[]);
    failed.error = Some("access denied".into());
    failed.objects = None;
    failed.bytes = None;
    failed.multipart_bytes = None;
    Snapshot {
        rows: vec![
            row(NASTY, &[("STANDARD", 3, 3000), ("GLACIER", 1, 10)]),
            row("plain", &[("STANDARD", 1, 5)]),
            failed,
        ],
        refreshed_at: Some(Utc::now()),
        attempted_at: Some(Utc::now()),
        duration: Some(Duration::from_millis(1500)),
        last_error: None,
        failures: 2,
        usage: Some(UsageState {
            metrics: Some(UsageMetrics {
                source: "rgw",
                since: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
                until: Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap(),
                generated_at: Utc.with_ymd_and_hms(2026, 1, 2, 0, 5, 0).unwrap(),
                series: vec![
                    UsageSeries {
                        user: NASTY.into(),
                        bucket: "plain".into(),
                        category: "get_obj".into(),
                        counters: Counters {
                            ops: 5,
                            successful_ops: 4,
                            bytes_sent: 4096,
                            bytes_received: 0,
                        },
                    },
                    UsageSeries {
                        user: "anonymous".into(),
                        bucket: String::new(),
                        category: "list_buckets".into(),
                        counters: Counters {
                            ops: 1,
                            successful_ops: 1,
                            bytes_sent: 300,
                            bytes_received: 0,
                        },
                    },
                ],
            }),
            error: None,
        }),
    }
}

#[test]
fn label_values_are_escaped() {
    assert_eq!(escape_label(NASTY), "we\\\"ird\\\\na\\nme,x=\\\"y\\\"}");
    let text = render(&snapshot(), Exposition::Prometheus);
    let line = "s3scope_bucket_size_bytes{bucket=\"we\\\"ird\\\\na\\nme,x=\\\"y\\\"}\",\
                storage_class=\"GLACIER\",region=\"eu-\\\"west\\\"-1\",source=\"rgw\"} 10";
    assert!(text.lines().any(|l| l == line), "{text}");
    assert!(!text.contains("access denied"), "error text is not a label");
    let usage = "s3scope_usage_ops{user=\"we\\\"ird\\\\na\\nme,x=\\\"y\\\"}\",\
                 bucket=\"plain\",category=\"get_obj\",source=\"rgw\"} 5";
    assert!(text.lines().any(|l| l == usage), "{text}");
    assert!(text.contains(
        "s3scope_bucket_up{bucket=\"denied\",region=\"eu-\\\"west\\\"-1\",source=\"rgw\"} 0\n"
    ));
    assert!(text.contains("\ns3scope_refresh_failures_total 2\n"));
    assert!(text.contains("\n# TYPE s3scope_refresh_failures_total counter\n"));
    assert!(!text.contains("# EOF"));
}

#[test]
fn openmetrics_names_counters_without_total_and_ends_with_eof() {
    let text = render(&snapshot(), Exposition::OpenMetrics);
    assert!(
        text.contains(
            "\n# TYPE s3scope_refresh_failures counter\ns3scope_refresh_failures_total 2\n"
        )
    );
    assert!(text.ends_with("# EOF\n"));
    assert_eq!(
        Exposition::negotiate(Some(
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5"
        )),
        Exposition::OpenMetrics
    );
    assert_eq!(
        Exposition::negotiate(Some("text/plain")),
        Exposition::Prometheus
    );
    assert_eq!(Exposition::negotiate(None), Exposition::Prometheus);
}

#[test]
fn a_failed_refresh_keeps_rows_and_flips_success() {
    let cache = Cache::new(Box::new(|rows, f| {
        format!("{f:?}:{}", rows.len()).into_bytes()
    }));
    assert!(
        cache
            .get()
            .prometheus
            .ends_with(b"s3scope_refresh_failures_total 0\n")
    );
    cache.succeeded(snapshot().rows, Duration::from_secs(1));
    let ok = cache.get();
    assert!(ok.snapshot.healthy());
    assert_eq!(&ok.table(TableFormat::Csv)[..], b"Csv:3");
    cache.failed("endpoint unreachable".into(), Duration::from_secs(2));
    let stale = cache.get();
    assert!(!stale.snapshot.healthy());
    assert_eq!(stale.snapshot.rows, ok.snapshot.rows);
    assert_eq!(stale.snapshot.refreshed_at, ok.snapshot.refreshed_at);
    let text = std::str::from_utf8(&stale.prometheus).unwrap();
    assert!(text.contains("\ns3scope_refresh_success 0\n"));
    assert!(text.contains("\ns3scope_refresh_failures_total 1\n"));
    assert!(!text.contains("unreachable"));
}

/// `promtool check metrics` parses with Prometheus's own text parser and lints names (it reads
/// the classic text format only, so the OpenMetrics variant is covered by the test above).
#[test]
fn promtool_accepts_the_exposition() {
    if Command::new("promtool").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "promtool (Debian package prometheus) is required under CI"
        );
        eprintln!("skipped: promtool not installed (apt-get install prometheus)");
        return;
    }
    let text = render(&snapshot(), Exposition::Prometheus);
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}
