//! Files still arriving are left alone: min_age (against a pinned clock), exclude/include globs
//! and recursive=false give too_new / excluded / not_recursive entries that apply never touches,
//! on the embedded store, through the binary's flags, and on the demo's own data.

use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use aws_sdk_s3::Client;
use chrono::TimeDelta;
use s3scope_core::job::Progress;
use s3scope_core::segregate::plan::Status;
use s3scope_core::segregate::{MovePlan, Rule, RuleSpec, make_plan};
use segregate_support::*;
use store_support::create_bucket;

const PART: &str = "incoming/.staging/CHARGINGCDR_4008-BRCCNH-CCNCDR44-01-Blk0Blk-8423-20221231-100511-79.ccn.part";
const TMP: &str =
    "incoming/CHARGINGCDR_4008-BRCCNH-CCNCDR44-01-Blk0Blk-8424-20221231-110511-80.ccn.tmp";

async fn fill(client: &Client, bucket: &str) -> Vec<String> {
    create_bucket(client, bucket).await;
    let keys = vec![
        format!("incoming/{SEED_NAME}"),
        PART.to_string(),
        TMP.to_string(),
        format!("incoming/node45/{}", cdr(7, "20230101", "02")),
    ];
    for k in &keys {
        put_plain(client, bucket, k, k.as_bytes()).await;
    }
    keys
}

async fn plan_at(client: &Client, spec: &RuleSpec, now: chrono::DateTime<chrono::Utc>) -> MovePlan {
    let rule = Rule::compile(spec).expect("rule compiles");
    make_plan(client, &rule, "test", now, &Progress::default())
        .await
        .expect("plan")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn excluded_and_not_recursive_keys_stay_through_apply() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    let keys = fill(&client, "inflight").await;
    let spec = RuleSpec {
        exclude: vec![".staging/**".into(), "*.tmp".into()],
        recursive: false,
        ..seed_rule("inflight")
    };
    let p = plan(&client, &spec).await;
    assert_eq!(entry(&p, &keys[0]).status, Status::Move);
    assert_eq!(entry(&p, PART).status, Status::Excluded);
    assert_eq!(
        entry(&p, PART).target,
        PART,
        "an entry that stays names itself"
    );
    assert_eq!(entry(&p, TMP).status, Status::Excluded);
    assert_eq!(entry(&p, &keys[3]).status, Status::NotRecursive);
    assert_eq!(p.summary.moves.objects, 1);
    assert_eq!(p.summary.excluded.objects, 2);
    assert_eq!(p.summary.not_recursive.objects, 1);
    assert_eq!(p.summary.too_new.objects, 0);
    assert_eq!(p.summary.days.len(), 1, "stayers are in no target day");
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["summary"]["excluded"]["objects"], 2);
    assert!(
        json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["status"] == "not_recursive")
    );

    let before = contents(&client, "inflight").await;
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &p, &options(&dir.path().join("j"))).await;
    assert!(report.ok());
    assert_eq!(report.moved.objects, 1);
    let after = contents(&client, "inflight").await;
    for k in &keys[1..] {
        assert_eq!(after.get(k), before.get(k), "{k} must stay untouched");
    }
    assert!(!after.contains_key(&keys[0]));
    assert!(after.contains_key(&format!("segregated/2022/12/31/{SEED_NAME}")));
    assert_eq!(after.len(), keys.len());

    // include: only *.ccn names move; recursive by default: the sub-prefix moves too.
    let spec = RuleSpec {
        include: vec!["*.ccn".into()],
        ..seed_rule("inflight")
    };
    let p = plan(&client, &spec).await;
    assert_eq!(entry(&p, PART).status, Status::Excluded);
    assert_eq!(entry(&p, TMP).status, Status::Excluded);
    assert_eq!(entry(&p, &keys[3]).status, Status::Move);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn min_age_holds_objects_younger_than_it_on_a_pinned_clock() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    let keys = fill(&client, "young").await;
    let spec = RuleSpec {
        min_age_secs: Some(600),
        ..seed_rule("young")
    };
    // The clock of each plan is pinned relative to the objects' own LastModified.
    let listed = plan(&client, &seed_rule("young")).await;
    let newest = listed
        .entries
        .iter()
        .filter_map(|e| e.last_modified)
        .max()
        .unwrap();
    let oldest = listed
        .entries
        .iter()
        .filter_map(|e| e.last_modified)
        .min()
        .unwrap();
    let early = plan_at(&client, &spec, oldest + TimeDelta::seconds(599)).await;
    assert_eq!(early.summary.too_new.objects, keys.len() as u64);
    assert_eq!(early.summary.moves.objects, 0);
    let later = plan_at(&client, &spec, newest + TimeDelta::seconds(600)).await;
    assert_eq!(later.summary.too_new.objects, 0);
    assert_eq!(later.summary.moves.objects, keys.len() as u64);

    // Too new entries are never touched by apply.
    let before = contents(&client, "young").await;
    let dir = tempfile::tempdir().unwrap();
    let report = run(&client, &early, &options(&dir.path().join("j"))).await;
    assert!(report.ok());
    assert_eq!(report.moved.objects, 0);
    assert_eq!(contents(&client, "young").await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_rule_leaves_its_staging_parts_in_place() {
    let t = store_support::start().await;
    let store = t.server.store();
    tokio::task::spawn_blocking(move || s3scope_store::seed::seed(&store))
        .await
        .unwrap()
        .expect("seed");
    let client = store_support::client(&t.server);
    let spec = RuleSpec::from_config(&s3scope_core::segregate::spec::demo_rule());
    let p = plan(&client, &spec).await;
    let staging: Vec<_> = p
        .entries
        .iter()
        .filter(|e| e.key.starts_with("incoming/.staging/"))
        .collect();
    assert!(!staging.is_empty(), "the demo has staging parts");
    for e in &staging {
        assert_eq!(e.status, Status::Excluded, "{}", e.key);
        assert_eq!(e.target, e.key);
    }
    assert!(
        p.entries
            .iter()
            .filter(|e| e.status == Status::Move || e.status == Status::Error)
            .all(|e| !e.key.ends_with(".part")),
        "no .part file moves"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flags_hold_files_in_flight_through_the_binary() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    let keys = fill(&client, "inflight-cli").await;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let rule = [
        "--bucket",
        "inflight-cli",
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
    let run = |extra: &[&str]| {
        let mut a = vec!["segregate", "plan"];
        a.extend(rule);
        a.extend(extra);
        super::cli::s3scope(&t.server, h, &a)
    };
    let r = run(&["--exclude", ".staging/**,*.tmp", "--recursive=false"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("excluded:      2"), "{}", r.stdout);
    assert!(r.stdout.contains("not_recursive: 1"), "{}", r.stdout);
    assert!(r.stdout.contains("move:          1"), "{}", r.stdout);
    // Just written: a day's min_age holds every one of them.
    let r = run(&["--min-age", "1d", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p: MovePlan = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(p.summary.too_new.objects, keys.len() as u64);
    assert!(p.entries.iter().all(|e| e.status == Status::TooNew));
    let r = run(&["--exclude", "{unclosed"]);
    super::cli::one_line_error(&r, 2, "exclude");
    let r = run(&["--min-age", "3w"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}
