//! Bad input on the command line: each a one-line error and the right exit code (2 config, 1 run time).

use crate::support::cmd::Run;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use std::path::Path;
use std::time::Duration;

/// Runs the binary isolated from this machine: no AWS_*/S3SCOPE_* variables, HOME and XDG
/// dirs in `home`, so no ~/.aws files or user config are read.
fn s3scope(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = crate::support::cmd::s3scope(home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        // Only a hang guard.
        .timeout(Duration::from_secs(120))
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run::of(cmd.output().unwrap())
}

fn assert_one_line_error(r: &Run, code: i32, needle: &str) {
    assert_eq!(r.code, code, "exit code; stderr: {}", r.stderr);
    assert_eq!(
        r.stderr.lines().count(),
        1,
        "one line expected: {:?}",
        r.stderr
    );
    assert!(r.stderr.starts_with("s3scope: error: "), "{}", r.stderr);
    assert!(
        r.stderr.contains(needle),
        "{needle:?} not in {:?}",
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

#[test]
fn unknown_profile_is_a_config_error() {
    let home = tempfile::tempdir().unwrap();
    let cfg = write(
        home.path(),
        "c.toml",
        "[profiles.ceph]\nendpoint = \"http://127.0.0.1:1\"\n",
    );
    let r = s3scope(
        home.path(),
        &["--config", &cfg, "--profile", "nope", "buckets"],
        &[],
    );
    assert_one_line_error(&r, 2, "unknown profile `nope`; known profiles: ceph");
}

#[test]
fn malformed_toml_names_the_line() {
    let home = tempfile::tempdir().unwrap();
    let cfg = write(
        home.path(),
        "c.toml",
        "[profiles.a]\nendpoint = \"http://x\"\nregion = \n",
    );
    let r = s3scope(home.path(), &["--config", &cfg, "config", "check"], &[]);
    assert_one_line_error(&r, 2, "line 3");
}

#[test]
fn unknown_config_key_names_key_and_line() {
    let home = tempfile::tempdir().unwrap();
    let cfg = write(
        home.path(),
        "c.toml",
        "default_profile = \"a\"\n[profiles.a]\nendpont = \"http://x\"\n",
    );
    let r = s3scope(home.path(), &["--config", &cfg, "config", "check"], &[]);
    assert_one_line_error(&r, 2, "line 3");
    assert!(r.stderr.contains("endpont"), "{}", r.stderr);
}

#[test]
fn config_check_masks_secrets() {
    let home = tempfile::tempdir().unwrap();
    let cfg = write(
        home.path(),
        "c.toml",
        "[profiles.lab]\nendpoint = \"http://127.0.0.1:9000\"\naccess_key_id = \"AKLAB\"\nsecret_access_key = \"supersecretvalue\"\n",
    );
    let r = s3scope(
        home.path(),
        &["--config", &cfg, "--profile", "lab", "config", "check"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("AKLAB"));
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("path_style ") && l.ends_with(" true")),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("supersecretvalue") && !r.stderr.contains("supersecretvalue"));
    // The flag beats the file.
    let r = s3scope(
        home.path(),
        &[
            "--config",
            &cfg,
            "--profile",
            "lab",
            "--region",
            "eu-west-3",
            "config",
            "check",
            "--format",
            "json",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["profile"]["region"], "eu-west-3");
}

/// Retry settings layer flag > env > profile > [s3] > default, and `config check` shows them.
#[test]
fn retry_settings_layer_and_show_in_config_check() {
    let home = tempfile::tempdir().unwrap();
    let cfg = write(
        home.path(),
        "c.toml",
        "[s3]\nmax_attempts = 7\nattempt_timeout_secs = 30\nretry_mode = \"standard\"\n[profiles.lab]\nendpoint = \"http://127.0.0.1:9000\"\nread_timeout_secs = 11\n[profiles.other]\nmax_attempts = 3\n",
    );
    let check = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["--config", cfg.as_str()];
        all.extend_from_slice(args);
        all.extend_from_slice(&["config", "check", "--format", "json"]);
        let r = s3scope(home.path(), &all, env);
        assert_eq!(r.code, 0, "{}", r.stderr);
        serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["s3"].clone()
    };
    let s = check(&["--profile", "lab"], &[]);
    assert_eq!(s["max_attempts"], 7);
    assert_eq!(s["read_timeout_secs"], 11);
    assert_eq!(s["attempt_timeout_secs"], 30);
    assert_eq!(s["connect_timeout_secs"], 5);
    assert_eq!(s["initial_backoff_ms"], 200);
    assert_eq!(s["retry_mode"], "standard");
    assert_eq!(check(&["--profile", "other"], &[])["max_attempts"], 3);
    let env = [
        ("S3SCOPE_MAX_ATTEMPTS", "12"),
        ("S3SCOPE_RETRY_MODE", "adaptive"),
    ];
    let s = check(&["--profile", "other"], &env);
    assert_eq!(
        (s["max_attempts"].clone(), s["retry_mode"].clone()),
        (12.into(), "adaptive".into())
    );
    let s = check(&["--profile", "other", "--max-attempts", "20"], &env);
    assert_eq!(s["max_attempts"], 20);
    // Without any config: the defaults that finish the fault mix.
    let r = s3scope(home.path(), &["config", "check", "--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["s3"]["max_attempts"], 10);
    assert_eq!(v["s3"]["retry_mode"], "adaptive");
}

/// A bad retry value, from a flag, a variable or the file: one line naming it, exit 2.
#[test]
fn bad_retry_settings_are_one_line_config_errors() {
    let home = tempfile::tempdir().unwrap();
    let r = s3scope(home.path(), &["--max-attempts", "zero", "buckets"], &[]);
    assert_one_line_error(&r, 2, "--max-attempts `zero`: must be a whole number");
    let r = s3scope(
        home.path(),
        &["--attempt-timeout", "0", "du", "s3://b"],
        &[],
    );
    assert_one_line_error(&r, 2, "--attempt-timeout `0`");
    let r = s3scope(
        home.path(),
        &["buckets"],
        &[("S3SCOPE_RETRY_MODE", "turbo")],
    );
    assert_one_line_error(&r, 2, "$S3SCOPE_RETRY_MODE `turbo`: the retry mode is");
    let cfg = write(home.path(), "c.toml", "[s3]\nmax_backoff_ms = \"long\"\n");
    let r = s3scope(home.path(), &["--config", &cfg, "config", "check"], &[]);
    assert_one_line_error(&r, 2, "line 2");
    let cfg = write(home.path(), "d.toml", "[s3]\nmax_attempts = 500\n");
    let r = s3scope(home.path(), &["--config", &cfg, "config", "check"], &[]);
    assert_one_line_error(
        &r,
        2,
        "s3.max_attempts `500`: must be a whole number of attempts from 1 to 50",
    );
}

#[test]
fn endpoint_refusing_connections_fails_fast() {
    let home = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    // Fast means the refusal itself ends the run: the error names it (not a timeout), and
    // `s3scope()`'s hang guard catches a run that never ends. How long it takes is not
    // asserted: that is the machine's speed.
    let r = s3scope(
        home.path(),
        &["--endpoint", &endpoint, "buckets"],
        &[("AWS_ACCESS_KEY_ID", "AK"), ("AWS_SECRET_ACCESS_KEY", "SK")],
    );
    assert_one_line_error(&r, 1, "connection refused");
    assert!(!r.stderr.contains("did not answer"), "{}", r.stderr);
}

#[test]
fn print_policy_is_valid_json() {
    let home = tempfile::tempdir().unwrap();
    let r = s3scope(
        home.path(),
        &["print-policy", "--feature", "segregate", "--bucket", "cdr"],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["Version"], "2012-10-17");
    assert!(r.stdout.contains("arn:aws:s3:::cdr/*"));
    let r = s3scope(
        home.path(),
        &["print-policy", "--ceph", "--uid", "ops"],
        &[],
    );
    assert!(r.stdout.contains("radosgw-admin caps add --uid=ops"));
}

#[test]
fn malformed_s3_url_is_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let r = s3scope(home.path(), &["head", "bucket/key"], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("s3://BUCKET"), "{}", r.stderr);
}

/// Wrong secret, missing bucket and the happy path against the embedded server.
#[test]
fn against_the_embedded_server() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let data = tempfile::tempdir().unwrap();
    let server = rt
        .block_on(EmbeddedServer::start(ServerOptions {
            dir: data.path().to_path_buf(),
            port: 0,
            access_key: "TESTAK".into(),
            secret_key: "test-secret".into(),
            region: "us-east-1".into(),
        }))
        .unwrap();
    let store = server.store();
    store.create_bucket("alpha").unwrap();
    store.create_bucket("beta-logs").unwrap();
    store
        .put_object(
            "beta-logs",
            "2026/a.log",
            bytes::Bytes::from_static(b"hello"),
            s3scope_store::PutOptions::default(),
        )
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let ep = server.endpoint.clone();
    let good = [
        ("AWS_ACCESS_KEY_ID", "TESTAK"),
        ("AWS_SECRET_ACCESS_KEY", "test-secret"),
    ];

    let r = s3scope(
        home.path(),
        &[
            "--endpoint",
            &ep,
            "buckets",
            "--format",
            "json",
            "--sort",
            "name",
        ],
        &good,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let names: Vec<&str> = v["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bucket"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["alpha", "beta-logs"]);

    let r = s3scope(
        home.path(),
        &[
            "--endpoint",
            &ep,
            "buckets",
            "--filter",
            "*-logs",
            "--format",
            "csv",
        ],
        &good,
    );
    assert_eq!(
        r.stdout.lines().next(),
        Some("bucket,region,objects,bytes,STANDARD,multipart,created,source,as_of,error")
    );
    assert!(
        r.stdout.contains("\nbeta-logs,us-east-1,1,5,5,-,") && !r.stdout.contains("alpha"),
        "{}",
        r.stdout
    );

    let wrong = [
        ("AWS_ACCESS_KEY_ID", "TESTAK"),
        ("AWS_SECRET_ACCESS_KEY", "not-the-secret"),
    ];
    let r = s3scope(home.path(), &["--endpoint", &ep, "buckets"], &wrong);
    assert_one_line_error(&r, 1, "secret key does not match");
    assert!(!r.stderr.contains("not-the-secret"));

    let r = s3scope(
        home.path(),
        &["--endpoint", &ep, "head", "s3://no-such-bucket"],
        &good,
    );
    assert_one_line_error(&r, 1, "bucket `no-such-bucket` does not exist");
    let r = s3scope(
        home.path(),
        &["--endpoint", &ep, "head", "s3://alpha/missing key"],
        &good,
    );
    assert_one_line_error(&r, 1, "no object at s3://alpha/missing key");
    rt.block_on(server.shutdown());
}
