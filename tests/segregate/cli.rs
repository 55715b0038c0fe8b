//! `s3scope segregate plan|apply` as a user runs it: bad input is one line and exit 2, a dry run
//! changes nothing, formats parse, apply moves and reports (also to the log file), a read-only
//! profile is refused, and keys are printed escaped.

use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use crate::support::cmd::Run;
use s3scope_core::segregate::MovePlan;
use s3scope_store::EmbeddedServer;
use segregate_support::*;
use std::path::Path;
use std::time::Duration;
use store_support::create_bucket;

/// The binary against `server`, isolated from this machine's AWS and s3scope settings.
pub(crate) fn s3scope(server: &EmbeddedServer, home: &Path, args: &[&str]) -> Run {
    let mut cmd = crate::support::cmd::s3scope(home);
    let config = home.join("config.toml");
    if !config.exists() {
        std::fs::write(&config, "").unwrap();
    }
    cmd.env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_ACCESS_KEY_ID", &server.access_key)
        .env("AWS_SECRET_ACCESS_KEY", &server.secret_key)
        .env("AWS_REGION", &server.region)
        .timeout(Duration::from_secs(120))
        .arg("--config")
        .arg(&config)
        .args(["--endpoint", &server.endpoint])
        .args(args);
    Run::of(cmd.output().unwrap())
}

pub(crate) fn one_line_error(r: &Run, code: i32, needle: &str) {
    assert_eq!(r.code, code, "exit code; stderr: {}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{:?}", r.stderr);
    assert!(r.stderr.starts_with("s3scope: error: "), "{}", r.stderr);
    assert!(
        r.stderr.contains(needle),
        "{needle:?} not in {:?}",
        r.stderr
    );
}

/// The seed's rule as flags, with `extra` appended; a flag of `extra` replaces the rule's.
fn rule_args<'a>(bucket: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&'a str> = vec![
        "--bucket",
        bucket,
        "--source-prefix",
        "incoming/",
        "--match-pattern",
        SEED_PATTERN,
        "--datetime-format",
        "%Y%m%d%H",
        "--target",
        "segregated/%Y/%m/%d/",
        "--error-prefix",
        "errors/",
    ];
    for pair in extra.chunks(2) {
        match v.iter().position(|a| *a == pair[0]) {
            Some(i) if pair.len() == 2 => v[i + 1] = pair[1],
            _ => v.extend_from_slice(pair),
        }
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_one_line_and_exit_2() {
    let t = store_support::start().await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let run = |args: Vec<&str>| s3scope(&t.server, h, &args);
    let plan = |extra: &[&str]| {
        let mut a = vec!["segregate", "plan"];
        a.extend(rule_args("no-such-bucket", extra));
        run(a)
    };
    one_line_error(
        &plan(&["--match-pattern", "(\\d{8}"]),
        2,
        "invalid regex: unclosed group",
    );
    one_line_error(&plan(&["--match-pattern", "\\d{8}"]), 2, "no capture group");
    one_line_error(
        &plan(&["--datetime-format", "%H%M"]),
        2,
        "can never give a date",
    );
    one_line_error(
        &plan(&["--datetime-format", "%Y%m%Q"]),
        2,
        "unknown or incomplete",
    );
    one_line_error(
        &plan(&["--target", "seg/%Y/%K/"]),
        2,
        "unknown or incomplete",
    );
    one_line_error(
        &plan(&["--target", "incoming/%Y/"]),
        2,
        "inside the source prefix",
    );
    one_line_error(
        &plan(&["--error-prefix", "incoming/bad/"]),
        2,
        "overlaps the source",
    );
    one_line_error(&plan(&["--source-prefix", ""]), 2, "source_prefix");
    one_line_error(&plan(&["--page-size", "5000"]), 2, "1 to 1000");
    one_line_error(&plan(&["--datetime", "someday"]), 2, "not a date");
    let r = plan(&["--time-delay", "3w"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("use s, m, h or d"), "{}", r.stderr);
    one_line_error(&run(vec!["segregate", "plan"]), 2, "give --rule NAME");
    one_line_error(
        &run(vec!["segregate", "plan", "--rule", "nope"]),
        2,
        "no segregate rule named `nope`",
    );
    let bad = h.join("bad.json");
    std::fs::write(&bad, "{\"version\": 1,\n \"id\": ").unwrap();
    let bad = bad.to_str().unwrap();
    one_line_error(&run(vec!["segregate", "apply", "--plan", bad]), 2, "line 2");
    one_line_error(
        &run(vec!["segregate", "apply", "--plan", "/nonexistent/p.json"]),
        2,
        "cannot read plan file",
    );
    one_line_error(
        &run(vec!["segregate", "apply", "--plan", bad, "--bucket", "x"]),
        2,
        "--bucket cannot change it",
    );
    // A missing bucket is a run-time failure.
    one_line_error(&plan(&[]), 1, "bucket `no-such-bucket` does not exist");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_plan_formats_apply_and_report() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, "cli").await;
    put_plain(&client, "cli", &format!("incoming/{SEED_NAME}"), b"cdr").await;
    put_plain(&client, "cli", "incoming/evil\x1b[2Jname.txt", b"odd").await;
    let before = contents(&client, "cli").await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let run = |args: Vec<&str>| s3scope(&t.server, h, &args);

    // apply without --yes: the plan, nothing changed, the hint on stderr.
    let mut a = vec!["segregate", "apply"];
    a.extend(rule_args("cli", &[]));
    let r = run(a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("dry run: nothing was changed"),
        "{}",
        r.stderr
    );
    assert!(
        r.stdout
            .contains(&format!("segregated/2022/12/31/{SEED_NAME}"))
    );
    assert!(r.stdout.contains("evil\\x1b[2Jname.txt") && !r.stdout.contains('\x1b'));
    assert_eq!(contents(&client, "cli").await, before);

    let mut a = vec!["segregate", "plan", "--format", "json"];
    a.extend(rule_args("cli", &[]));
    let plan: MovePlan = serde_json::from_str(&run(a).stdout).expect("plan JSON");
    assert_eq!(plan.entries.len(), 2);
    let mut a = vec!["segregate", "plan", "--format", "csv"];
    a.extend(rule_args("cli", &[]));
    let csv = run(a).stdout;
    assert!(csv.starts_with("key,size,etag,storage_class,date,target,status,reason,detail\n"));
    assert_eq!(csv.lines().count(), 3);

    // Read-only: refused before anything happens.
    let mut a = vec!["--read-only", "segregate", "apply", "--yes"];
    a.extend(rule_args("cli", &[]));
    one_line_error(&run(a), 2, "read-only");

    let log = h.join("segregate.log");
    let journal = h.join("j");
    let mut a = vec![
        "--log-file",
        log.to_str().unwrap(),
        "segregate",
        "apply",
        "--yes",
        "--format",
        "json",
    ];
    a.extend(rule_args("cli", &["--journal", journal.to_str().unwrap()]));
    let r = run(a);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("report JSON");
    assert_eq!(report["moved"]["objects"], 1);
    assert_eq!(report["moved_to_errors"]["objects"], 1);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("segregate apply s3://cli"), "{logged}");
    let after: Vec<String> = contents(&client, "cli").await.into_keys().collect();
    assert_eq!(
        after,
        [
            "errors/evil\x1b[2Jname.txt".to_string(),
            format!("segregated/2022/12/31/{SEED_NAME}")
        ]
    );

    // Nothing left: a plan of an empty source says so and succeeds.
    let mut a = vec!["segregate", "plan"];
    a.extend(rule_args("cli", &[]));
    let r = run(a);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("nothing to do"), "{}", r.stderr);
}
