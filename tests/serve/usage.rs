//! `serve` exports the usage counters of the latest usage summary: access logs collected from
//! the embedded server, scraped over HTTP, equal to the summary per user, bucket and category;
//! a summary that cannot be read keeps the last counters and flips s3scope_usage_up.

use crate::support::usage as usage_support;

use s3scope::cli::serve::{fetcher, table_renderer};
use s3scope_core::scan::buckets::Source;
use s3scope_core::serve::{ServeOptions, Server};
use std::time::Duration;
use usage_support::fixture::{collect_ok, request, seed, window};
use usage_support::{LogServer, hours_ago};

const TOKEN: &str = "0123456789abcdef-usage-serve-token";

async fn scrape(base: &str) -> prometheus_parse::Scrape {
    let body = reqwest::Client::builder()
        .timeout(HANG_GUARD)
        .build()
        .unwrap()
        .get(format!("{base}/metrics"))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines = body.lines().map(|l| Ok(l.to_string()));
    prometheus_parse::Scrape::parse(lines).unwrap()
}

fn value(s: &prometheus_parse::Scrape, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    s.samples
        .iter()
        .find(|x| x.metric == name && labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
        .map(|x| match x.value {
            prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
            ref other => panic!("{name} is {other:?}"),
        })
}

/// Only guards against a hang: the waits end on what the endpoint serves.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// Scrapes until `s3scope_usage_up` has `want` (the refresh that reads the summary is done).
async fn scrape_when(base: &str, want: f64) -> prometheus_parse::Scrape {
    let deadline = tokio::time::Instant::now() + HANG_GUARD;
    while tokio::time::Instant::now() < deadline {
        let s = scrape(base).await;
        if value(&s, "s3scope_usage_up", &[]) == Some(want) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("s3scope_usage_up never became {want}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_counters_equal_the_summary_and_survive_a_bad_summary() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(4);
    seed(&srv, h0);
    let out = tempfile::tempdir().unwrap();
    let report = collect_ok(&srv, &request(out.path(), window(h0), false)).await;
    let summary_file = out.path().join("results").join("summarized_data.json");
    assert!(summary_file.exists());

    let server = Server::start(
        ServeOptions {
            listen: "127.0.0.1:0".parse().unwrap(),
            refresh: Duration::from_secs(3600),
            token: TOKEN.into(),
            max_connections: 4,
            usage_summary: Some(summary_file.clone()),
            allow_query_token: false,
        },
        fetcher(srv.clients().await, Source::Scan, None, 4),
        table_renderer(),
    )
    .await
    .unwrap();
    let base = format!("http://{}", server.addr);
    let s = scrape_when(&base, 1.0).await;

    // Every (user, bucket, category) of the summary is one series with its exact counters.
    let mut series = 0;
    for (user, u) in &report.summary.users {
        for (bucket, b) in &u.buckets {
            for (category, c) in &b.categories {
                let l = [
                    ("user", user.as_str()),
                    ("bucket", bucket.as_str()),
                    ("category", category.as_str()),
                    ("source", "access-logs"),
                ];
                let want = [
                    ("s3scope_usage_ops", c.ops),
                    ("s3scope_usage_successful_ops", c.successful_ops),
                    ("s3scope_usage_sent_bytes", c.bytes_sent),
                    ("s3scope_usage_received_bytes", c.bytes_received),
                ];
                for (name, v) in want {
                    assert_eq!(value(&s, name, &l), Some(v as f64), "{name} {l:?}");
                }
                series += 1;
            }
        }
    }
    assert!(series >= 4, "the fixture has several users and categories");
    let served = s
        .samples
        .iter()
        .filter(|x| x.metric == "s3scope_usage_ops")
        .count();
    assert_eq!(served, series, "one series per user, bucket and category");
    // The known totals of the fixture (tests/usage_logs.rs), summed over the series as PromQL would.
    let sum = |name: &str| -> f64 {
        s.samples
            .iter()
            .filter(|x| x.metric == name)
            .map(|x| match x.value {
                prometheus_parse::Value::Gauge(v) => v,
                _ => 0.0,
            })
            .sum()
    };
    assert_eq!(sum("s3scope_usage_ops"), 10.0);
    assert_eq!(sum("s3scope_usage_successful_ops"), 9.0);
    assert_eq!(sum("s3scope_usage_received_bytes"), 5_000_000.0);
    let since = report.summary.window.since.timestamp() as f64;
    assert_eq!(
        value(&s, "s3scope_usage_window_start_timestamp_seconds", &[]),
        Some(since)
    );

    // The summary is damaged: the counters stay, the health of the usage part says so.
    std::fs::write(&summary_file, b"{ not json").unwrap();
    server.refresh_now();
    let stale = scrape_when(&base, 0.0).await;
    assert_eq!(
        value(&stale, "s3scope_refresh_success", &[]),
        Some(1.0),
        "the bucket table is still fresh"
    );
    let sum_stale: f64 = stale
        .samples
        .iter()
        .filter(|x| x.metric == "s3scope_usage_ops")
        .map(|x| match x.value {
            prometheus_parse::Value::Gauge(v) => v,
            _ => 0.0,
        })
        .sum();
    assert_eq!(sum_stale, 10.0, "the last good counters are kept");
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let text = health.text().await.unwrap();
    assert!(text.contains("usage summary not read"), "{text}");
    assert!(
        !text.contains("summarized_data"),
        "no paths on the open endpoint: {text}"
    );
    server.shutdown().await;
}
