//! `s3scope usage` refusals that need no server: one clear line on stderr, exit 2 for usage
//! and configuration mistakes, 1 for failures while running; nothing written on a refusal.

use crate::support::usage as usage_support;

use std::path::Path;
use usage_support::{run, s3scope, without_progress};

/// A profile on a closed local port: nothing answers there.
fn home_with(extra: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[profiles.logs-test]\nendpoint = \"{endpoint}\"\nrgw_admin = true\naccess_key_id = \"AK\"\n\
             secret_access_key = \"never-printed-secret\"\n{extra}"
        ),
    )
    .unwrap();
    // Kept 0600 as a user keeps it: a secret readable by others gets a warning on stderr.
    std::fs::set_permissions(
        &config,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
    )
    .unwrap();
    (home, config, endpoint)
}

fn usage(config: &Path, home: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = s3scope(config, home);
    cmd.arg("usage").args(args);
    run(&mut cmd)
}

/// One line of error (progress lines of a slow run aside) with exit code `want`.
fn assert_one_line(code: i32, want: i32, err: &str, needle: &str) {
    assert_eq!(code, want, "{err}");
    assert!(!err.contains("never-printed-secret"), "{err}");
    let err = &without_progress(err);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("s3scope: error: "), "{err}");
    assert!(err.contains(needle), "`{needle}` not in: {err}");
}

#[test]
fn bad_windows_are_usage_errors() {
    let (home, config, _) = home_with("");
    let h = home.path();
    let (code, _, err) = usage(
        &config,
        h,
        &[
            "collect",
            "--since",
            "2024-05-10 12:00",
            "--until",
            "2024-05-10 11:00",
        ],
    );
    assert_one_line(code, 2, &err, "--until must be later than --since");
    let (code, _, err) = usage(&config, h, &["collect", "--since", "2999-01-01"]);
    assert_one_line(code, 2, &err, "in the future");
    let (code, _, err) = usage(
        &config,
        h,
        &["collect", "--since", "2024-05-10", "--until", "2999-01-01"],
    );
    assert_one_line(code, 2, &err, "after the hour in progress");
    let (code, _, err) = usage(&config, h, &["collect", "--since", "last tuesday"]);
    assert_one_line(code, 2, &err, "is not a time");
    let (code, _, err) = usage(&config, h, &["collect", "--period", "90m"]);
    assert_one_line(code, 2, &err, "--period `90m` is not a period");
    let (code, _, err) = usage(
        &config,
        h,
        &[
            "collect",
            "--since",
            "2024-05-10",
            "--until",
            "2024-05-11",
            "--period",
            "1h",
        ],
    );
    assert_one_line(code, 2, &err, "give at most two of them");
    assert!(!h.join("results").exists(), "a refused run wrote results");
}

#[test]
fn seed_arguments_are_checked_before_anything_runs() {
    let (home, config, _) = home_with("");
    let h = home.path();
    let (code, _, err) = usage(&config, h, &["collect", "S3_REMOVE_STATS_ITEMS=maybe"]);
    assert_one_line(
        code,
        2,
        &err,
        "S3_REMOVE_STATS_ITEMS=maybe: use TRUE or FALSE",
    );
    let (code, _, err) = usage(&config, h, &["collect", "RESULT_DIR=x"]);
    assert_one_line(code, 2, &err, "unknown argument RESULT_DIR=");
    let (code, _, err) = usage(&config, h, &["collect", "SECRET_S3_KEY=hunter2hunter2"]);
    assert_one_line(code, 2, &err, "without PUBLIC_S3_KEY");
    assert!(!err.contains("hunter2hunter2"));
    let (code, _, err) = usage(&config, h, &["collect", "S3_USAGE_PERIOD=90"]);
    assert_one_line(code, 2, &err, "S3_USAGE_PERIOD `90` is not a period");
}

#[test]
fn sources_settings_and_read_only_profiles_are_checked() {
    let (home, config, _) = home_with("read_only = true\n");
    let h = home.path();
    let (code, _, err) = usage(
        &config,
        h,
        &[
            "collect",
            "--since",
            "2024-05-10",
            "--until",
            "2024-05-10 01:00",
            "--trim",
        ],
    );
    assert_one_line(code, 2, &err, "profile `logs-test` is read-only");
    let (code, _, err) = usage(&config, h, &["collect", "--source", "access-logs"]);
    assert_one_line(
        code,
        2,
        &err,
        "needs the bucket of the logs: pass --log-bucket",
    );
    let this_hour = s3scope_core::instants::this_hour()
        .format("%Y-%m-%d %H:%M")
        .to_string();
    let (home2, config2, _) = home_with("[profiles.logs-test.usage]\nsource = \"cloudwatch\"\n");
    let (code, _, err) = usage(&config2, home2.path(), &["collect"]);
    assert_one_line(
        code,
        2,
        &err,
        "[profiles.logs-test.usage] source = \"cloudwatch\"",
    );
    let (home3, config3, _) = home_with("");
    let (code, _, err) = usage(
        &config3,
        home3.path(),
        &[
            "collect", "--source", "rgw", "--since", &this_hour, "--until", "now", "--trim",
        ],
    );
    assert_one_line(code, 2, &err, "refusing to trim the hour in progress");
}

#[test]
fn an_unreachable_gateway_is_named_and_nothing_is_written() {
    let (home, config, endpoint) = home_with("");
    let h = home.path();
    let (code, _, err) = usage(
        &config,
        h,
        &[
            "collect",
            "--since",
            "2024-05-10",
            "--until",
            "2024-05-10 01:00",
        ],
    );
    assert_one_line(
        code,
        1,
        &err,
        &format!("cannot connect to the RGW admin API at {endpoint}"),
    );
    assert!(err.contains("connection refused"), "{err}");
    assert!(!h.join("results/summarized_data.json").exists());
    assert!(
        !h.join("backups")
            .read_dir()
            .is_ok_and(|mut d| d.next().is_some())
    );
}

#[test]
fn show_needs_a_summary_and_says_how_to_get_one() {
    let (home, config, _) = home_with("");
    let h = home.path();
    let (code, _, err) = usage(&config, h, &["show"]);
    assert_one_line(code, 1, &err, "run `s3scope usage collect` first");
    std::fs::write(h.join("other.json"), "{\"format\":\"something-else/2\"}").unwrap();
    let (code, _, err) = usage(&config, h, &["show", "--file", "other.json"]);
    assert_one_line(code, 1, &err, "is not a usage summary of s3scope");
}
