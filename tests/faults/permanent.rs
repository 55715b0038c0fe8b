//! Permanent errors stop a command at once, retries or not: a wrong secret or a missing bucket
//! costs exactly one request at the proxy (one more per fault injected into it, never more),
//! ends in the usual one-line error, exit 1.

use crate::support::faults as faults_support;
use crate::support::store as store_support;

use faultproxy::{Faults, Proxy};
use faults_support::{Ran, mix, run, s3scope};

fn assert_one_line(r: &Ran, needle: &str) {
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{:?}", r.stderr);
    assert!(r.stderr.starts_with("s3scope: error: "), "{}", r.stderr);
    assert!(
        r.stderr.contains(needle),
        "{needle:?} not in {:?}",
        r.stderr
    );
}

/// Runs `args` through a fresh proxy with `faults`; returns the run and the proxy's counts.
async fn through(
    t: &store_support::TestServer,
    faults: Faults,
    secret: &str,
    args: &[&str],
) -> (Ran, faultproxy::Counts) {
    let proxy = Proxy::start(&t.server.endpoint, faults).await.unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = s3scope(home.path(), &t.server.access_key, secret);
    cmd.args(["--endpoint", &proxy.endpoint(), "--path-style=true"])
        .args(args);
    let ran = run(cmd).await;
    let counts = proxy.counts();
    (ran, counts)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_secret_and_missing_bucket_cost_one_request() {
    let t = store_support::start().await;
    let client = store_support::client(&t.server);
    store_support::create_bucket(&client, "present").await;
    let secret = t.server.secret_key.clone();

    let (r, c) = through(&t, Faults::default(), "wrong", &["buckets"]).await;
    assert_one_line(&r, "SignatureDoesNotMatch");
    assert_eq!(c.requests, 1, "{c:?}");

    let (r, c) = through(&t, Faults::default(), "wrong", &["du", "s3://present"]).await;
    assert_one_line(&r, "SignatureDoesNotMatch");
    assert_eq!(c.requests, 1, "{c:?}");

    let (r, c) = through(&t, Faults::default(), &secret, &["du", "s3://missing"]).await;
    assert_one_line(&r, "bucket `missing` does not exist");
    assert_eq!(c.requests, 1, "{c:?}");

    let usage = [
        "usage",
        "collect",
        "--source",
        "access-logs",
        "--log-bucket",
        "missing",
        "--results-dir",
        "results",
    ];
    let (r, c) = through(&t, Faults::default(), &secret, &usage).await;
    assert_one_line(&r, "bucket `missing` does not exist");
    assert_eq!(c.requests, 1, "{c:?}");
}

/// Through the fault mix, each injected fault costs one retry, and the permanent answer then
/// ends the command: never a retry of the permanent error itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_faults_only_the_faults_are_retried() {
    let t = store_support::start().await;
    let mut faulted = 0;
    for seed in 0..12 {
        let (r, c) = through(&t, mix(seed), "wrong", &["buckets"]).await;
        assert_one_line(&r, "SignatureDoesNotMatch");
        let injected = c.slowdowns + c.resets + c.errors_after + c.resets_after;
        assert_eq!(c.requests, 1 + injected, "seed {seed}: {c:?}");
        faulted += injected;
    }
    eprintln!("faults injected: {faulted}");
    assert!(
        faulted > 0,
        "no seed injected a fault into the first request"
    );
}
