//! extract's usage source on S3 server access logs (the embedded server holds them), then
//! process: requests per day, user, bucket and category; requests outside the window excluded.

use crate::support::usage as usage_support;

use chrono::Duration;
use usage_support::fixture::{BUCKET, seed};
use usage_support::{LogServer, hours_ago, run, s3scope};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_from_access_logs_into_a_package_and_rollups() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(4);
    seed(&srv, h0);
    let home = tempfile::tempdir().unwrap();
    let config = srv.config_file(home.path(), "");
    let since = h0.format("%Y-%m-%d %H:%M").to_string();
    let until = (h0 + Duration::hours(2))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let data = home.path().join("data");
    let out = home.path().join("out");
    let mut extract = s3scope(&config, home.path());
    extract
        .args([
            "extract",
            "--sources",
            "usage",
            "--since",
            &since,
            "--until",
            &until,
        ])
        .args([
            "--log-bucket",
            BUCKET,
            "--log-prefix",
            "logs/",
            "--format",
            "json",
        ])
        .arg("--data-dir")
        .arg(&data);
    let (code, stdout, err) = tokio::task::spawn_blocking(move || run(&mut extract))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let file = &report["manifest"]["files"][0];
    assert_eq!(file["table"], "usage", "{report:#}");
    assert!(file["rows"].as_u64().unwrap() >= 3, "{report:#}");

    let day = h0.format("%Y-%m-%d").to_string();
    let mut process = s3scope(&config, home.path());
    process
        .args(["process", "--since", &since, "--until", &until])
        .arg("--data-dir")
        .arg(&data)
        .arg("--output")
        .arg(&out);
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut process))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    let reports = std::fs::read_dir(out.join("reports"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let csv = std::fs::read_to_string(reports.path().join("usage_daily.csv")).unwrap();
    let alice_get = csv
        .lines()
        .find(|l| l.contains("alice") && l.contains(",get_obj,"))
        .unwrap_or_else(|| panic!("no alice get_obj in {csv}"));
    let cols: Vec<&str> = alice_get.split(',').collect();
    assert_eq!(
        (cols[0], cols[2], cols[4]),
        (day.as_str(), "data", "3"),
        "{csv}"
    );
    // bob's only GETs: one 30 minutes before the window, one cut in half (malformed).
    assert!(
        !csv.lines()
            .any(|l| l.contains("bob") && l.contains(",get_obj,")),
        "{csv}"
    );
    assert!(
        out.join(format!("usage_daily/dt={day}/part-0.parquet"))
            .exists()
            || (h0 + Duration::hours(2)).date_naive() != h0.date_naive()
    );
}
