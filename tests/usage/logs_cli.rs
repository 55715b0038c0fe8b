//! `s3scope usage collect|show` on access logs as a user runs them: a missing log bucket and an
//! unwritable results directory are one clear line and trim nothing; `show` reads the result.

use crate::support::usage as usage_support;

use chrono::Duration;
use usage_support::fixture::{BUCKET, seed};
use usage_support::{LogServer, hours_ago, run, s3scope, without_progress};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_missing_bucket_and_unwritable_results_are_clear_and_trim_nothing() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(4);
    seed(&srv, h0);
    let home = tempfile::tempdir().unwrap();
    let config = srv.config_file(home.path(), "");
    let since = h0.format("%Y-%m-%d %H:%M").to_string();
    let until = (h0 + Duration::hours(2))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let base = |extra: &[&str]| {
        let mut cmd = s3scope(&config, home.path());
        cmd.args([
            "usage",
            "collect",
            "--source",
            "access-logs",
            "--since",
            &since,
            "--until",
            &until,
        ]);
        cmd.args(extra);
        cmd
    };
    let mut missing = base(&["--log-bucket", "no-such-logs"]);
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut missing))
        .await
        .unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("bucket `no-such-logs` does not exist"),
        "{err}"
    );
    assert_eq!(without_progress(&err).lines().count(), 1, "{err}");

    std::fs::write(
        home.path().join("blocker"),
        "a file where a directory should be",
    )
    .unwrap();
    let mut blocked = base(&[
        "--log-bucket",
        BUCKET,
        "--trim",
        "--results-dir",
        "blocker/results",
    ]);
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut blocked))
        .await
        .unwrap();
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("nothing was trimmed"), "{err}");
    assert_eq!(srv.keys(BUCKET).await.len(), 5);

    // The same run with a writable directory works, and `usage show` reads what it wrote.
    let mut ok = base(&["--log-bucket", BUCKET, "--format", "json"]);
    let (code, out, err) = tokio::task::spawn_blocking(move || run(&mut ok))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["totals"]["ops"], 10);
    assert_eq!(report["access_logs"]["malformed_lines"], 2);
    let mut show = s3scope(&config, home.path());
    show.args(["usage", "show", "--by", "user", "--format", "csv"]);
    let (code, out, err) = tokio::task::spawn_blocking(move || run(&mut show))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.lines().next(),
        Some("user,ops,successful,success,bytes_in,bytes_out")
    );
    assert!(
        out.contains("arn:aws:iam::1:user/alice,4,4,100.0%,5000000,3000"),
        "{out}"
    );
}
