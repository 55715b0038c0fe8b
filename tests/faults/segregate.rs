//! `segregate apply` through the fault proxy, with the default retry settings, in ONE run: every
//! object moved exactly once with identical bytes, no upload left, and a retried step that had
//! already succeeded (CopyObject, UploadPartCopy, CompleteMultipartUpload, DeleteObjects
//! answered 500 or reset after the work) counted as done, not as a conflict or a failure.

use crate::support::faults as faults_support;
use crate::support::segregate as segregate_support;
use crate::support::store as store_support;

use faultproxy::{Faults, Hold, Proxy, S3Op};
use faults_support::{after_success, assert_all_kinds, mix, run, s3scope};
use s3scope_core::segregate::planfile;
use segregate_support::{cdr, contents, plan, put_plain, seed_rule};
use std::collections::BTreeMap;
use store_support::create_bucket;

/// Objects copied whole, and objects above the lowered multipart threshold (3 parts each).
const SMALL: u32 = 240;
const BIG: u32 = 3;
const BIG_SIZE: usize = 11 * 1024 * 1024;

fn body(i: u32, big: bool) -> Vec<u8> {
    let n = if big {
        BIG_SIZE
    } else {
        32 + (i as usize * 53) % 2000
    };
    (0..n)
        .map(|j| (j as u32 ^ i.wrapping_mul(2_654_435_761)) as u8)
        .collect()
}

/// A bucket of `small` + `big` objects under `incoming/`, its plan saved in `home`.
struct Setup {
    t: store_support::TestServer,
    client: aws_sdk_s3::Client,
    home: tempfile::TempDir,
    bucket: String,
    plan: s3scope_core::segregate::MovePlan,
    original: BTreeMap<String, Vec<u8>>,
}

async fn setup(bucket: &str, small: u32, big: u32) -> Setup {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    create_bucket(&client, bucket).await;
    let mut original = BTreeMap::new();
    for i in 0..small + big {
        let key = if i % 25 == 24 {
            format!("incoming/odd name {i} %+ é.txt")
        } else {
            let day = format!("202301{:02}", 1 + i % 28);
            format!("incoming/{}", cdr(i, &day, &format!("{:02}", i % 24)))
        };
        let b = body(i, i >= small);
        put_plain(&client, bucket, &key, &b).await;
        original.insert(key, b);
    }
    let home = tempfile::tempdir().unwrap();
    let plan = plan(&client, &seed_rule(bucket)).await;
    assert_eq!(plan.entries.len(), original.len());
    planfile::save(&plan, &home.path().join("plan.json")).unwrap();
    Setup {
        t,
        client,
        home,
        bucket: bucket.to_string(),
        plan,
        original,
    }
}

impl Setup {
    /// `segregate apply` of the plan through `proxy`, with `extra` flags.
    fn apply(&self, proxy: &Proxy, extra: &[&str]) -> tokio::process::Command {
        let server = &self.t.server;
        let mut cmd = s3scope(self.home.path(), &server.access_key, &server.secret_key);
        cmd.args(["--endpoint", &proxy.endpoint(), "--path-style=true"])
            .args(extra)
            .args(["segregate", "apply", "--plan"])
            .arg(self.home.path().join("plan.json"))
            .args(["--workers", "8", "--format", "json"])
            .args(["--multipart-threshold", "8388608", "--part-size", "5242880"]);
        cmd
    }

    /// Panics unless the run moved every object exactly once, to its planned destination,
    /// with its bytes, and left nothing else behind.
    async fn check(&self, ran: &faults_support::Ran) {
        assert_eq!(
            ran.code, 0,
            "stdout: {}\nstderr: {}",
            ran.stdout, ran.stderr
        );
        let report: serde_json::Value = serde_json::from_str(&ran.stdout).expect("JSON report");
        let moved = report["moved"]["objects"].as_u64().unwrap()
            + report["moved_to_errors"]["objects"].as_u64().unwrap();
        assert_eq!(moved, self.original.len() as u64, "{report:#}");
        for kind in [
            "failed",
            "changed",
            "conflicts",
            "not_started",
            "already_there",
        ] {
            assert_eq!(report[kind]["objects"], 0, "{kind}: {report:#}");
        }
        let now = contents(&self.client, &self.bucket).await;
        let expected: BTreeMap<&String, &Vec<u8>> = self
            .plan
            .entries
            .iter()
            .map(|e| (&e.target, &self.original[&e.key]))
            .collect();
        assert_eq!(
            now.keys().collect::<Vec<_>>(),
            expected.keys().copied().collect::<Vec<_>>(),
            "the bucket holds other keys than the planned destinations"
        );
        for (k, want) in &expected {
            assert!(now[*k] == **want, "{k} does not hold the source's bytes");
        }
        let uploads = self
            .client
            .list_multipart_uploads()
            .bucket(&self.bucket)
            .send()
            .await
            .unwrap();
        assert!(uploads.uploads().is_empty(), "uploads left: {uploads:?}");
    }
}

/// Fills a bucket and applies its plan through a proxy with `faults`; checks the end state.
async fn apply_through(name: &str, faults: Faults) -> faultproxy::Counts {
    let s = setup(name, SMALL, BIG).await;
    let proxy = Proxy::start(&s.t.server.endpoint, faults).await.unwrap();
    let ran = run(s.apply(&proxy, &[])).await;
    let counts = proxy.counts();
    eprintln!("{name}: {counts:?}");
    s.check(&ran).await;
    counts
}

/// `op`'s first request is done by the server but its answer never reaches apply (held until
/// apply's attempt timeout gave up on it): the retry meets the work already done.
async fn lost_answer(name: &str, op: S3Op, big: u32) {
    let s = setup(name, 12, big).await;
    let proxy = Proxy::start(&s.t.server.endpoint, Faults::default())
        .await
        .unwrap();
    let hold = proxy.hold(Hold::new(op).after_forward());
    let child = tokio::spawn(run(s.apply(&proxy, &["--attempt-timeout", "2"])));
    hold.frozen().await;
    // The retry arrives once the attempt timed out; it is held too, until the release.
    let mut polls = 0;
    while proxy.counts().op(op) < 2 {
        polls += 1;
        assert!(
            polls < 6000,
            "{op:?} was never retried: {:?}",
            proxy.counts()
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    hold.release();
    let ran = child.await.unwrap();
    eprintln!("{name}: {:?}", proxy.counts());
    s.check(&ran).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fault_mix_needs_no_second_run() {
    let counts = apply_through("mix", mix(12)).await;
    assert_all_kinds(&counts);
    for op in [
        S3Op::CopyObject,
        S3Op::UploadPartCopy,
        S3Op::CompleteMultipartUpload,
        S3Op::DeleteObjects,
    ] {
        assert!(counts.op(op) > 0, "{op:?} never sent: {counts:?}");
    }
    // More requests than objects reached the proxy than went through: some were retried.
    assert!(counts.requests > counts.forwarded, "{counts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steps_retried_after_they_succeeded_count_as_done() {
    let ops = [
        S3Op::CopyObject,
        S3Op::UploadPartCopy,
        S3Op::CompleteMultipartUpload,
        S3Op::DeleteObjects,
        S3Op::AbortMultipartUpload,
    ];
    let counts = apply_through("after", after_success(34, &ops)).await;
    assert!(
        counts.errors_after > 10 && counts.resets_after > 3,
        "too few faults after the work to tell: {counts:?}"
    );
    // Retries of CopyObject after it had copied: more CopyObject requests than small objects.
    assert!(counts.op(S3Op::CopyObject) > u64::from(SMALL), "{counts:?}");
    assert!(
        counts.op(S3Op::CompleteMultipartUpload) >= u64::from(BIG),
        "{counts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complete_whose_answer_was_lost_is_checked_against_the_target() {
    lost_answer("complete", S3Op::CompleteMultipartUpload, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_whose_answer_was_lost_counts_its_keys_deleted() {
    lost_answer("delete", S3Op::DeleteObjects, 0).await;
}
