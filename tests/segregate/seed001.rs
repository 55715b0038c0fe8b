//! Coming from the date segregation script (seed 001): its config.xml and command line work
//! as they are through the real binary on the embedded store: plan, apply of exactly the
//! planned keys, the (n_keys - 1) x n_loops bound, -d/--datetime, -v, log_file, and one-line
//! errors naming the element.

use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use super::cli::{one_line_error, s3scope};
use s3scope_core::segregate::MovePlan;
use segregate_support::*;
use std::path::Path;
use store_support::create_bucket;

/// The script's config.xml.example filled in with its README's own example values.
fn config_xml(dir: &Path, bucket: &str, extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<config>
    <log_file>{log}</log_file>
    <match_pattern>^CHARGINGCDR_.*-(\d{{8}})-?(\d{{2}}).*</match_pattern>
    <datetime_format>%Y%m%d%H</datetime_format>
    <time_delay>86400</time_delay>
    <s3_dir>s3://{bucket}/incoming/</s3_dir>
    <s3_segregated_dir>s3://{bucket}/segregated/%Y/%m/%d/</s3_segregated_dir>
    <s3_error_dir>s3://{bucket}/errors/</s3_error_dir>
{extra}</config>
"#,
        log = dir.join("segregate.log").display()
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_config_plans_and_applies_within_its_bound() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    let bucket = "seed001";
    create_bucket(&client, bucket).await;
    put_plain(&client, bucket, "incoming/", b"").await;
    put_plain(&client, bucket, &format!("incoming/{SEED_NAME}"), b"seed").await;
    for seq in 1..=6 {
        let k = format!("incoming/{}", cdr(seq, "20230101", &format!("0{seq}")));
        put_plain(&client, bucket, &k, b"x").await;
    }
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let bounded = config_xml(
        h,
        bucket,
        "    <n_keys>3</n_keys>\n    <n_loops>2</n_loops>\n",
    );
    let cfg = write(h, "config.xml", &bounded);

    // plan: at most (3 - 1) x 2 = 4 keys; the directory marker is not one of them.
    let r = s3scope(
        &t.server,
        h,
        &[
            "segregate",
            "plan",
            "--seed-config",
            &cfg,
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: MovePlan = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(plan.entries.len(), 4, "{:#?}", plan.entries);
    assert!(!plan.listing.complete);
    assert_eq!(plan.rule.page_size, 3);
    assert_eq!(plan.rule.max_pages, Some(2));
    assert!(plan.entries.iter().all(|e| e.key != "incoming/"));
    assert!(
        plan.entries
            .iter()
            .all(|e| e.target.starts_with("segregated/20"))
    );

    // The table lists the keys and the counts; -c is the script's short spelling.
    let r = s3scope(&t.server, h, &["segregate", "plan", "-c", &cfg]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("move:          4"), "{}", r.stdout);

    // apply -v: the keys listed, exactly the planned ones moved, the report in log_file.
    let before = contents(&client, bucket).await;
    let r = s3scope(
        &t.server,
        h,
        &["segregate", "apply", "--seed-config", &cfg, "--yes", "-v"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = contents(&client, bucket).await;
    let moved: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    let planned: Vec<&String> = plan.entries.iter().map(|e| &e.key).collect();
    assert_eq!(moved, planned);
    for e in &plan.entries {
        assert!(r.stdout.contains(&e.key), "-v lists {}", e.key);
        assert_eq!(after.get(&e.target), before.get(&e.key));
    }
    let log = std::fs::read_to_string(h.join("segregate.log")).unwrap();
    assert!(log.contains(&plan.id), "the report is in log_file: {log}");

    // -d: every key is dated as given (the script's "date that current files will move into").
    let r = s3scope(
        &t.server,
        h,
        &[
            "segregate",
            "plan",
            "--seed-config",
            &cfg,
            "-d",
            "2023020304",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let forced: MovePlan = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(forced.entries.len(), 3);
    assert!(
        forced
            .entries
            .iter()
            .all(|e| e.target.starts_with("segregated/2023/02/03/")),
        "{:#?}",
        forced.entries
    );
    let r = s3scope(
        &t.server,
        h,
        &[
            "segregate",
            "apply",
            "--seed-config",
            &cfg,
            "--datetime",
            "2023020304",
            "--yes",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done = contents(&client, bucket).await;
    assert_eq!(
        done.keys().filter(|k| k.starts_with("incoming/")).count(),
        1,
        "only the marker"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_seed_configs_are_one_line_naming_the_element() {
    let t = store_support::start().await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let good = config_xml(h, "seed001-bad", "");
    let run = |name: &str, text: String| {
        let cfg = write(h, name, &text);
        s3scope(&t.server, h, &["segregate", "plan", "--seed-config", &cfg])
    };
    one_line_error(
        &run(
            "unknown.xml",
            good.replace("</config>", "<n_threads>4</n_threads></config>"),
        ),
        2,
        "unknown element <n_threads>",
    );
    let no_format = good.replace("<datetime_format>%Y%m%d%H</datetime_format>", "");
    one_line_error(
        &run("missing.xml", no_format),
        2,
        "<datetime_format> is missing",
    );
    one_line_error(
        &run(
            "bad.xml",
            good.replace("</config>", "<n_keys>5000</n_keys></config>"),
        ),
        2,
        "<n_keys> is `5000`",
    );
    one_line_error(
        &run(
            "loops.xml",
            good.replace("</config>", "<n_loops>many</n_loops></config>"),
        ),
        2,
        "<n_loops> is `many`",
    );
    one_line_error(
        &run(
            "bare.xml",
            good.replace("s3://seed001-bad/incoming/", "incoming/"),
        ),
        2,
        "give --bucket",
    );
    one_line_error(&run("broken.xml", "<config><log_file>".into()), 2, "XML");
    one_line_error(
        &s3scope(
            &t.server,
            h,
            &[
                "segregate",
                "plan",
                "--seed-config",
                "/nonexistent/config.xml",
            ],
        ),
        2,
        "cannot read it",
    );
}
