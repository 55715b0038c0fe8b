//! Crash safety of `s3scope usage collect --trim`: the process is SIGKILLed at each step, then
//! run again. After the second run the summary holds every request exactly once (nothing lost,
//! nothing counted twice) and the source is trimmed; a third run changes nothing.
//! Access logs run against the embedded server; RGW against the real Ceph RGW when available.
//! The killed run is this test binary running the CLI in a child process of its own
//! ([`usage_kill_child_process`]), with a step hook installed in the core: the product reads
//! no test switch from its environment.

use crate::support;
use crate::support::usage as usage_support;

use chrono::Duration;
use s3scope_core::s3::rgw::{UsageQuery, UsageResponse};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use support::rgw::{admin, bucket_with_objects, eventually, s3_client};
use support::servers;
use usage_support::{LogServer, hours_ago, line, log_name, run, s3scope};

/// Every step of a run, in order.
const STEPS: [&str; 6] = [
    "read",
    "committed",
    "backup",
    "saved",
    "trimming",
    "trimmed-one",
];

/// Where the child process learns its step and the CLI's arguments (read by this test only).
const CHILD_STEP: &str = "S3SCOPE_TEST_CHILD_STEP";
const CHILD_ARGS: &str = "S3SCOPE_TEST_CHILD_ARGS";

/// The child: installs a hook that stops the run at the step (after saying so on stderr),
/// then runs the CLI with the parent's arguments. Does nothing in a normal test run.
#[test]
fn usage_kill_child_process() {
    let (Ok(step), Ok(args)) = (std::env::var(CHILD_STEP), std::env::var(CHILD_ARGS)) else {
        return;
    };
    let args: Vec<String> = serde_json::from_str(&args).expect("child arguments");
    s3scope_core::usage::hooks::install(Box::new(move |name| {
        if name == step {
            eprintln!("s3scope: usage kill point `{name}` reached; waiting to be killed");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
    }));
    let code = s3scope::cli::main_from(std::iter::once("s3scope".to_string()).chain(args));
    std::process::exit(if code == std::process::ExitCode::SUCCESS {
        0
    } else {
        1
    });
}

/// `cmd` (an `s3scope` command) as this test binary's child process with a step hook.
fn child(cmd: &Command, step: &str) -> Command {
    let args: Vec<String> = cmd
        .get_args()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut c = Command::new(std::env::current_exe().expect("test binary"));
    c.args([
        "usage_kill_child_process",
        "--nocapture",
        "--test-threads=1",
    ])
    .env_clear();
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            c.env(k, v);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        c.current_dir(dir);
    }
    c.env(CHILD_STEP, step)
        .env(CHILD_ARGS, serde_json::to_string(&args).expect("json"));
    c
}

/// Runs `cmd` until it reports `step` on stderr, then kills it with SIGKILL.
fn kill_at(cmd: Command, step: &str) {
    let mut cmd = child(&cmd, step);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("s3scope starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut seen = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap_or_default();
        if line.contains(&format!("kill point `{step}` reached")) {
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
            return;
        }
        seen.push(line);
    }
    let status = child.wait().expect("reaped");
    panic!(
        "step `{step}` never reached ({status}): {}",
        seen.join("\n")
    );
}

/// Ops in the summary file, and in every backup (none may hold more than the truth).
fn summary_ops(results: &Path) -> (u64, Vec<u64>) {
    let read = |p: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    };
    let summary = read(&results.join("results/summarized_data.json"))["totals"]["ops"]
        .as_u64()
        .unwrap();
    let backups = std::fs::read_dir(results.join("backups"))
        .map(|d| {
            d.flatten()
                .map(|e| read(&e.path())["totals"]["ops"].as_u64().unwrap())
                .collect()
        })
        .unwrap_or_default();
    (summary, backups)
}

fn state_pending(results: &Path) -> serde_json::Value {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(results.join("results/usage-state.json")).unwrap())
            .unwrap();
    v["pending"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_logs_survive_a_kill_at_every_step() {
    let srv = LogServer::start().await;
    let h0 = hours_ago(3);
    let since = h0.format("%Y-%m-%d %H:%M").to_string();
    let until = (h0 + Duration::hours(1))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    for step in STEPS {
        let bucket = format!("logs-{step}");
        srv.bucket(&bucket);
        for (i, n) in [3usize, 4, 5].into_iter().enumerate() {
            let t = h0 + Duration::minutes(10 * i as i64 + 1);
            let lines = vec![
                line(
                    t,
                    "arn:aws:iam::1:user/u",
                    "data",
                    "REST.GET.OBJECT",
                    "k",
                    200,
                    100,
                    100
                );
                n
            ];
            srv.put_log(
                &bucket,
                &format!(
                    "logs/{}",
                    log_name(t + Duration::minutes(5), &format!("X{i}"))
                ),
                &lines,
            );
        }
        let home = tempfile::tempdir().unwrap();
        let config = srv.config_file(home.path(), "");
        let cmd = || {
            let mut c = s3scope(&config, home.path());
            c.args([
                "usage",
                "collect",
                "--source",
                "access-logs",
                "--log-bucket",
                &bucket,
            ]);
            c.args(["--since", &since, "--until", &until, "--trim"]);
            c
        };
        let killed = cmd();
        tokio::task::spawn_blocking(move || kill_at(killed, step))
            .await
            .unwrap();
        let left = srv.keys(&bucket).await.len();
        let expect_left = if step == "trimmed-one" { 0 } else { 3 };
        assert_eq!(
            left, expect_left,
            "{step}: objects deleted before the summary was saved"
        );

        let mut again = cmd();
        let (code, out, err) = tokio::task::spawn_blocking(move || run(&mut again))
            .await
            .unwrap();
        assert_eq!(code, 0, "{step}: {err}");
        if step != "read" {
            assert!(out.contains("recovered:"), "{step}: {out}");
        }
        let (ops, backups) = summary_ops(home.path());
        assert_eq!(ops, 12, "{step}: summary");
        assert!(
            backups.iter().all(|b| *b == 12),
            "{step}: backups {backups:?}"
        );
        assert!(srv.keys(&bucket).await.is_empty(), "{step}: not trimmed");
        assert!(state_pending(home.path()).is_null(), "{step}");

        let mut third = cmd();
        let (code, out, err) = tokio::task::spawn_blocking(move || run(&mut third))
            .await
            .unwrap();
        assert_eq!(code, 0, "{step}: {err}");
        assert!(!out.contains("recovered:"), "{step}: {out}");
        assert_eq!(summary_ops(home.path()).0, 12, "{step}: third run");
    }
}

fn usage_of(u: &UsageResponse, bucket: &str) -> (u64, u64) {
    u.entries
        .iter()
        .flat_map(|e| &e.buckets)
        .filter(|b| b.bucket == bucket)
        .flat_map(|b| &b.categories)
        .fold((0, 0), |(o, r), c| (o + c.ops, r + c.bytes_received))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rgw_usage_survives_a_kill_at_every_step() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let rgw = admin(&env.endpoint, &env.access_key, &env.secret_key);
    for step in STEPS {
        // create_bucket + three puts of 100, 200 and 300 bytes.
        let bucket = bucket_with_objects(&s3, &format!("kill-{step}"), &[100, 200, 300]).await;
        let query = UsageQuery {
            uid: Some(env.uid.clone()),
            bucket: Some(bucket.clone()),
            start: Some(s3scope_core::instants::this_hour() - Duration::hours(1)),
            end: Some(s3scope_core::instants::this_hour() + Duration::hours(1)),
            ..Default::default()
        };
        let q = query.clone();
        let rgw2 = rgw.clone();
        eventually(
            "4 requests in the usage log",
            move || {
                let (rgw, q) = (rgw2.clone(), q.clone());
                async move { rgw.usage(&q).await.expect("GET /admin/usage") }
            },
            |u| usage_of(u, &bucket) == (4, 600),
        )
        .await;

        // From the hour before: a run that crosses an hour boundary still covers the traffic.
        let since = (s3scope_core::instants::this_hour() - Duration::hours(1))
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("config.toml");
        std::fs::write(
            &config,
            format!(
                "[profiles.logs-test]\nendpoint = \"{}\"\nrgw_admin = true\naccess_key_id = \"{}\"\nsecret_access_key = \"{}\"\n",
                env.endpoint, env.access_key, env.secret_key
            ),
        )
        .unwrap();
        // Kept 0600 as a user keeps it: a secret readable by others gets a warning on stderr.
        std::fs::set_permissions(
            &config,
            <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
        )
        .unwrap();
        let cmd = || {
            let mut c = s3scope(&config, home.path());
            c.args([
                "usage", "collect", "--source", "rgw", "--uid", &env.uid, "--bucket", &bucket,
            ]);
            c.args([
                "--since",
                &since,
                "--until",
                "now",
                "--trim",
                "--trim-current-hour",
            ]);
            c
        };
        let killed = cmd();
        tokio::task::spawn_blocking(move || kill_at(killed, step))
            .await
            .unwrap();
        let (ops_left, _) = usage_of(&rgw.usage(&query).await.unwrap(), &bucket);
        let expect_left = if step == "trimmed-one" { 0 } else { 4 };
        assert_eq!(
            ops_left, expect_left,
            "{step}: usage trimmed before the summary was saved"
        );

        let mut again = cmd();
        let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut again))
            .await
            .unwrap();
        assert_eq!(code, 0, "{step}: {err}");
        let (ops, backups) = summary_ops(home.path());
        assert_eq!(ops, 4, "{step}: summary");
        assert!(
            backups.iter().all(|b| *b == 4),
            "{step}: backups {backups:?}"
        );
        assert_eq!(
            usage_of(&rgw.usage(&query).await.unwrap(), &bucket),
            (0, 0),
            "{step}: not trimmed"
        );
        assert!(state_pending(home.path()).is_null(), "{step}");

        let mut third = cmd();
        let (code, _, err) = tokio::task::spawn_blocking(move || run(&mut third))
            .await
            .unwrap();
        assert_eq!(code, 0, "{step}: {err}");
        assert_eq!(summary_ops(home.path()).0, 4, "{step}: third run");
    }
}
