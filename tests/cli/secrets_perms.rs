//! Secrets on a shared jump host: a config file with a secret that others can read gets one
//! warning line and a flag in `config check` with the chmod to run; the files s3scope creates
//! (logs, snapshots, usage state, summaries and backups, plans, journals) are 0600 in 0700
//! directories, whatever the umask lets through.

use crate::support::usage as usage_support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use usage_support::fixture::{BUCKET, seed};
use usage_support::{LogServer, hours_ago, run, s3scope};

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn chmod(p: &Path, m: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readable_config_with_a_secret_is_warned_once_and_flagged_with_the_chmod() {
    let srv = LogServer::start().await;
    let home = tempfile::tempdir().unwrap();
    let config = srv.config_file(home.path(), "");
    chmod(&config, 0o644);
    let mut check = s3scope(&config, home.path());
    check.args(["config", "check"]);
    let (code, out, err) = tokio::task::spawn_blocking(move || run(&mut check))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    let fix = format!("chmod 600 {}", config.display());
    assert_eq!(err.lines().count(), 1, "one warning line: {err}");
    assert!(err.starts_with("s3scope: warning: config file "), "{err}");
    assert!(
        err.contains("readable by group and others (mode 0644)"),
        "{err}"
    );
    assert!(err.contains(&fix), "{err}");
    assert!(
        err.contains("profiles.logs-test.secret_access_key"),
        "{err}"
    );
    let flagged = out
        .lines()
        .find(|l| l.starts_with("config_file_permissions"))
        .unwrap_or_else(|| panic!("no config_file_permissions row: {out}"));
    assert!(
        flagged.contains("WARNING") && flagged.contains(&fix),
        "{flagged}"
    );
    for text in [&out, &err] {
        assert!(
            !text.contains(usage_support::SECRET_KEY),
            "secret shown: {text}"
        );
    }

    // Group-readable only is named as such; 0600 is quiet and `ok`.
    chmod(&config, 0o640);
    let mut check = s3scope(&config, home.path());
    check.args(["buckets"]);
    let (_, _, err) = tokio::task::spawn_blocking(move || run(&mut check))
        .await
        .unwrap();
    assert!(err.contains("readable by its group (mode 0640)"), "{err}");
    chmod(&config, 0o600);
    let mut check = s3scope(&config, home.path());
    check.args(["config", "check", "--format", "json"]);
    let (code, out, err) = tokio::task::spawn_blocking(move || run(&mut check))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "", "no warning for a 0600 file");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["config_file_permissions"]
            .as_str()
            .unwrap()
            .starts_with("ok"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_s3scope_creates_are_0600_in_0700_directories() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(4);
    seed(&srv, h0);
    let home = tempfile::tempdir().unwrap();
    chmod(home.path(), 0o755);
    let config = srv.config_file(home.path(), "");
    let state = home.path().join("state");
    let since = h0.format("%Y-%m-%d %H:%M").to_string();
    let until = (h0 + chrono::Duration::hours(2))
        .format("%Y-%m-%d %H:%M")
        .to_string();

    // Usage: results dir, state, summary, backups (dirs created by s3scope), and the log.
    let mut collect = s3scope(&config, home.path());
    collect.env("XDG_STATE_HOME", &state).args([
        "usage",
        "collect",
        "--source",
        "access-logs",
        "--log-bucket",
        BUCKET,
        "--since",
        &since,
        "--until",
        &until,
        "--results-dir",
        "out/results",
        "--backup-dir",
        "out/backups",
        "--save-chunks",
    ]);
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut collect))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    let h = home.path();
    for dir in [
        h.join("out"),
        h.join("out/results"),
        h.join("out/backups"),
        state.join("s3scope"),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
    assert_eq!(mode(h), 0o755, "an existing directory keeps its mode");
    let mut files = vec![
        h.join("out/results/summarized_data.json"),
        h.join("out/results/usage-state.json"),
        state.join("s3scope/s3scope.log"),
    ];
    files.extend(
        std::fs::read_dir(h.join("out/backups"))
            .unwrap()
            .map(|e| e.unwrap().path()),
    );
    assert!(files.len() > 3, "a backup was written");
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }

    // A scan snapshot and a segregate plan with its journal.
    srv.bucket("data");
    srv.put_log("data", "incoming/CDR-20260101-01.dat", &["x".to_string()]);
    let snap = h.join("scan.s3snap");
    let mut du = s3scope(&config, h);
    du.args(["du", "s3://data", "--save", snap.to_str().unwrap()]);
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut du))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&snap), 0o600);

    let plan = h.join("plan.json");
    let journal = h.join("journals/plan.journal");
    let rule = [
        "--bucket",
        "data",
        "--source-prefix",
        "incoming/",
        r"--match-pattern=-(\d{8})-(\d{2})",
        "--datetime-format",
        "%Y%m%d%H",
        "--target",
        "segregated/%Y/%m/%d/",
        "--error-prefix",
        "errors/",
    ];
    let mut p = s3scope(&config, h);
    p.args(["segregate", "plan", "--out", plan.to_str().unwrap()])
        .args(rule);
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut p))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(&plan), 0o600);
    let mut a = s3scope(&config, h);
    a.args([
        "segregate",
        "apply",
        "--plan",
        plan.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
    ]);
    let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut a))
        .await
        .unwrap();
    assert_eq!(code, 0, "{err}");
    assert_eq!(mode(journal.parent().unwrap()), 0o700);
    assert_eq!(mode(&journal), 0o600);
}
