//! The seed's per-run bound, (n_keys - 1) x n_loops keys, through the fault proxy: exactly the
//! first keys in key order are planned and moved, the directory marker stays, at most n_loops
//! LIST calls reach the source (a page retried after a 503 SlowDown is not a new round), and
//! the next run takes the next keys.

use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use aws_credential_types::Credentials;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::retry::RetryConfig;
use aws_sdk_s3::config::{BehaviorVersion, Region};
use faultproxy::{Faults, Hold, Proxy, S3Op};
use s3scope_core::job::Progress;
use s3scope_core::segregate::seedxml::SeedConfig;
use s3scope_core::segregate::{MovePlan, PLAN_STAGES, Rule, RuleSpec, make_plan};
use segregate_support::*;
use std::sync::Arc;
use std::time::Duration;
use store_support::create_bucket;

/// n_keys = 5, n_loops = 3: (5 - 1) x 3 keys per run.
const BOUND: usize = 12;
const KEYS: u32 = 40;

/// The seed's config.xml with n_keys 5, n_loops 3 and more workers than pages, so that a
/// parallel listing would have every chance to show.
fn seed_spec(bucket: &str) -> RuleSpec {
    let xml = format!(
        r#"<config>
    <log_file>/dev/null</log_file>
    <match_pattern>^CHARGINGCDR_.*-(\d{{8}})-?(\d{{2}}).*</match_pattern>
    <datetime_format>%Y%m%d%H</datetime_format>
    <s3_dir>s3://{bucket}/incoming/</s3_dir>
    <s3_segregated_dir>s3://{bucket}/segregated/%Y/%m/%d/</s3_segregated_dir>
    <s3_error_dir>s3://{bucket}/errors/</s3_error_dir>
    <n_keys>5</n_keys>
    <n_loops>3</n_loops>
    <n_workers>16</n_workers>
</config>"#
    );
    let spec = SeedConfig::parse(&xml).unwrap().to_spec();
    assert_eq!(spec.max_keys, Some(BOUND as u64));
    spec
}

/// A client through `endpoint` whose own retries are quick (the proxy decides the faults).
fn quick_client(endpoint: &str) -> Client {
    let config = aws_sdk_s3::config::Builder::new()
        .endpoint_url(endpoint)
        .region(Region::new(store_support::REGION))
        .force_path_style(true)
        .credentials_provider(Credentials::new(
            store_support::ACCESS_KEY,
            store_support::SECRET_KEY,
            None,
            None,
            "test",
        ))
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(2)
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(50)),
        )
        .behavior_version(BehaviorVersion::latest())
        .build();
    Client::from_conf(config)
}

/// What reached the source while a plan listed it.
#[derive(Debug)]
struct SourceCalls {
    /// LIST requests the proxy received before the plan checked its destinations.
    requests: u64,
    /// Of those, answered 503 SlowDown (and so asked again).
    slowdowns: u64,
}

/// Makes the plan through `proxy`, holding every LIST request in turn until the plan has moved
/// on to its destinations (its stage is set before their first LIST), so that each source LIST
/// is seen one at a time and counted exactly.
async fn plan_counting(proxy: &Proxy, client: &Client, spec: &RuleSpec) -> (MovePlan, SourceCalls) {
    proxy.reset_counts();
    let mut hold = proxy.hold(Hold::new(S3Op::ListObjectsV2));
    let progress = Arc::new(Progress::new(&PLAN_STAGES));
    let rule = Rule::compile(spec).expect("rule compiles");
    let task = {
        let (client, progress) = (client.clone(), Arc::clone(&progress));
        tokio::spawn(async move {
            make_plan(&client, &rule, "test", fixed_now(), &progress)
                .await
                .expect("plan")
        })
    };
    let mut calls = SourceCalls {
        requests: 0,
        slowdowns: 0,
    };
    loop {
        hold.triggered().await;
        if progress.snapshot().stage == PLAN_STAGES[1] {
            break;
        }
        let seen = proxy.counts();
        calls.requests = seen.op(S3Op::ListObjectsV2);
        calls.slowdowns = seen.slowdowns;
        // Setting the next hold releases this request, which passes it (its one skip); the
        // next LIST is held in its turn.
        hold = proxy.hold(Hold::new(S3Op::ListObjectsV2).skip(1));
    }
    hold.release();
    (task.await.unwrap(), calls)
}

fn incoming(seq: u32) -> String {
    let day = format!("202301{:02}", 1 + seq % 9);
    format!("incoming/{}", cdr(seq, &day, &format!("{:02}", seq % 24)))
}

/// The marker and 40 keys, put in an order unlike their key order.
async fn fill(client: &Client, bucket: &str) -> Vec<String> {
    create_bucket(client, bucket).await;
    put_plain(client, bucket, "incoming/", b"").await;
    let mut keys = Vec::new();
    for i in 0..KEYS {
        let seq = (i * 17) % KEYS + 1;
        put_plain(client, bucket, &incoming(seq), format!("{seq}").as_bytes()).await;
        keys.push(incoming(seq));
    }
    keys.sort();
    keys
}

fn planned(plan: &MovePlan) -> Vec<String> {
    plan.entries.iter().map(|e| e.key.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_run_moves_the_next_keys_in_key_order_within_n_loops_lists() {
    let t = store_support::start().await;
    let direct = store_support::client(&t.server);
    let bucket = "bound";
    let keys = fill(&direct, bucket).await;
    let proxy = Proxy::start(&t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let through = quick_client(&proxy.endpoint());
    let spec = seed_spec(bucket);
    let home = tempfile::tempdir().unwrap();
    for run_no in 0..4 {
        let (plan, calls) = plan_counting(&proxy, &through, &spec).await;
        let from = run_no * BOUND;
        let want = &keys[from..(from + BOUND).min(keys.len())];
        assert_eq!(planned(&plan), want, "run {run_no}");
        // The last run finds fewer keys than one page holds: the listing ends there.
        let pages = if run_no == 3 { 1 } else { 3 };
        assert_eq!(calls.requests, pages, "run {run_no}: {calls:?}");
        assert_eq!(calls.slowdowns, 0);
        assert_eq!(plan.listing.list_calls, pages, "run {run_no}");
        assert_eq!(plan.listing.complete, run_no == 3, "run {run_no}");

        let before = contents(&direct, bucket).await;
        let report = run(
            &direct,
            &plan,
            &options(&home.path().join(format!("j{run_no}"))),
        )
        .await;
        assert!(report.ok(), "{report:#?}");
        assert_eq!(report.moved.objects as usize, want.len(), "{report:#?}");
        let after = contents(&direct, bucket).await;
        let gone: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
        assert_eq!(gone, want.iter().collect::<Vec<_>>(), "run {run_no}");
        assert!(after.contains_key("incoming/"), "the marker stays");
    }
    let left = contents(&direct, bucket).await;
    assert_eq!(
        left.keys().filter(|k| k.starts_with("incoming/")).count(),
        1,
        "only the marker is left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_retried_after_slowdown_is_not_a_new_round() {
    let t = store_support::start().await;
    let direct = store_support::client(&t.server);
    let bucket = "bound-slow";
    let keys = fill(&direct, bucket).await;
    let faults = Faults {
        delay: Duration::from_millis(30),
        slowdown: 0.4,
        seed: 5,
        only: Some(vec![S3Op::ListObjectsV2]),
        ..Faults::default()
    };
    let proxy = Proxy::start(&t.server.endpoint, faults).await.unwrap();
    let through = quick_client(&proxy.endpoint());
    let (plan, calls) = plan_counting(&proxy, &through, &seed_spec(bucket)).await;
    assert_eq!(planned(&plan), &keys[..BOUND]);
    assert!(
        calls.slowdowns > 0,
        "the seed must put a SlowDown on a source page: {calls:?}"
    );
    assert_eq!(
        calls.requests - calls.slowdowns,
        3,
        "n_loops pages reached the source, each once: {calls:?}"
    );
    assert!(!plan.listing.complete);
}
