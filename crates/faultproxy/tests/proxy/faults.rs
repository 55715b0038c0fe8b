//! Each fault kind as an S3 client sees it (retries off) against the embedded server, what the
//! server did behind it, and the counts (also as JSON).

use crate::support;

use aws_sdk_s3::primitives::ByteStream;
use faultproxy::{Counts, Faults, Proxy, S3Op};
use std::time::{Duration, Instant};
use support::*;

async fn setup(faults: Faults) -> (Server, Proxy, aws_sdk_s3::Client, aws_sdk_s3::Client) {
    let s = server().await;
    let proxy = Proxy::start(&s.server.endpoint, faults)
        .await
        .expect("proxy starts");
    let direct = client(&s.server, &s.server.endpoint);
    let proxied = client(&s.server, &proxy.endpoint());
    bucket(&direct, "bkt").await;
    (s, proxy, direct, proxied)
}

#[tokio::test]
async fn slowdown_answers_503_without_forwarding() {
    let faults = Faults {
        slowdown: 1.0,
        ..Faults::default()
    };
    let (_s, proxy, direct, proxied) = setup(faults).await;
    let err = proxied
        .put_object()
        .bucket("bkt")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .expect_err("SlowDown");
    assert_eq!(failure(&err), (503, "SlowDown".to_string()), "{err:?}");
    assert_eq!(get(&direct, "bkt", "k").await, None, "not forwarded");
    let c = proxy.counts();
    assert_eq!((c.requests, c.forwarded, c.slowdowns), (1, 0, 1), "{c:?}");
    assert_eq!(c.op(S3Op::PutObject), 1);
    let raw = raw(&proxy.endpoint(), "GET", "/bkt/some%20key")
        .await
        .unwrap();
    assert_eq!(raw.status, 503);
    let body = String::from_utf8_lossy(&raw.body);
    assert!(
        body.contains(
            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
        ),
        "{body}"
    );
    assert!(
        body.contains("<Resource>/bkt/some%20key</Resource>"),
        "{body}"
    );
}

#[tokio::test]
async fn error_after_does_the_work_then_answers_500() {
    let faults = Faults {
        error_after: 1.0,
        ..Faults::default()
    };
    let (_s, proxy, direct, proxied) = setup(faults).await;
    let err = proxied
        .put_object()
        .bucket("bkt")
        .key("k")
        .body(ByteStream::from_static(b"done anyway"))
        .send()
        .await
        .expect_err("InternalError");
    assert_eq!(failure(&err), (500, "InternalError".to_string()), "{err:?}");
    assert_eq!(
        get(&direct, "bkt", "k").await.as_deref(),
        Some(&b"done anyway"[..])
    );
    let c = proxy.counts();
    assert_eq!(
        (c.requests, c.forwarded, c.errors_after),
        (1, 1, 1),
        "{c:?}"
    );
}

/// The error kind of reading an answer on a fresh raw connection.
async fn raw_error(endpoint: &str, method: &str, path: &str) -> std::io::ErrorKind {
    match raw(endpoint, method, path).await {
        Ok(answer) => panic!("an answer instead of a reset: {answer:?}"),
        Err(e) => e.kind(),
    }
}

#[tokio::test]
async fn reset_drops_the_connection_without_forwarding() {
    let faults = Faults {
        reset: 1.0,
        ..Faults::default()
    };
    let (_s, proxy, direct, proxied) = setup(faults).await;
    let err = proxied
        .put_object()
        .bucket("bkt")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .expect_err("reset");
    assert!(err.raw_response().is_none(), "no answer: {err:?}");
    assert!(
        matches!(err, aws_sdk_s3::error::SdkError::DispatchFailure(_)),
        "{err:?}"
    );
    assert_eq!(get(&direct, "bkt", "k").await, None, "not forwarded");
    // A reset, not an orderly close.
    let kind = raw_error(&proxy.endpoint(), "GET", "/bkt/k").await;
    assert_eq!(kind, std::io::ErrorKind::ConnectionReset);
    let c = proxy.counts();
    assert_eq!((c.requests, c.forwarded, c.resets), (2, 0, 2), "{c:?}");
}

#[tokio::test]
async fn reset_after_does_the_work_then_resets() {
    let faults = Faults {
        reset_after: 1.0,
        ..Faults::default()
    };
    let (_s, proxy, direct, proxied) = setup(faults).await;
    let err = proxied
        .put_object()
        .bucket("bkt")
        .key("k")
        .body(ByteStream::from_static(b"stored"))
        .send()
        .await
        .expect_err("reset");
    assert!(err.raw_response().is_none(), "no answer: {err:?}");
    assert_eq!(
        get(&direct, "bkt", "k").await.as_deref(),
        Some(&b"stored"[..])
    );
    let kind = raw_error(&proxy.endpoint(), "GET", "/bkt/k").await;
    assert_eq!(kind, std::io::ErrorKind::ConnectionReset);
    let c = proxy.counts();
    assert_eq!(
        (c.requests, c.forwarded, c.resets_after),
        (2, 2, 2),
        "{c:?}"
    );
}

#[tokio::test]
async fn only_limits_faults_and_the_delay_applies_to_all() {
    let delay = Duration::from_millis(30);
    let faults = Faults {
        delay,
        slowdown: 1.0,
        only: Some(vec![S3Op::PutObject]),
        ..Faults::default()
    };
    let (_s, proxy, direct, proxied) = setup(faults).await;
    put(&direct, "bkt", "k", b"x").await;
    let t0 = Instant::now();
    let listed = proxied
        .list_objects_v2()
        .bucket("bkt")
        .send()
        .await
        .unwrap();
    // A lower bound only: the delay is a sleep before forwarding.
    assert!(t0.elapsed() >= delay);
    assert_eq!(listed.key_count(), Some(1));
    assert_eq!(get(&proxied, "bkt", "k").await.as_deref(), Some(&b"x"[..]));
    let err = proxied
        .put_object()
        .bucket("bkt")
        .key("k2")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .expect_err("SlowDown");
    assert_eq!(failure(&err).1, "SlowDown");
    let c = proxy.counts();
    assert_eq!(
        (c.requests, c.delayed, c.forwarded, c.slowdowns),
        (3, 3, 2, 1),
        "{c:?}"
    );
    assert_eq!(
        (
            c.op(S3Op::ListObjectsV2),
            c.op(S3Op::GetObject),
            c.op(S3Op::PutObject)
        ),
        (1, 1, 1)
    );
    // set_faults takes effect for the next request.
    proxy.set_faults(Faults::default());
    put(&proxied, "bkt", "k2", b"y").await;
}

/// Statuses of `n` GETs of `/` through a fresh proxy with these faults.
async fn statuses(upstream: &str, faults: Faults, n: usize) -> Vec<u16> {
    let proxy = Proxy::start(upstream, faults).await.unwrap();
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(raw(&proxy.endpoint(), "GET", "/").await.unwrap().status);
    }
    out
}

#[tokio::test]
async fn the_same_seed_fails_the_same_requests() {
    let s = server().await;
    let faults = |seed| Faults {
        slowdown: 0.5,
        seed,
        ..Faults::default()
    };
    let a = statuses(&s.server.endpoint, faults(42), 40).await;
    assert_eq!(a, statuses(&s.server.endpoint, faults(42), 40).await);
    assert_ne!(a, statuses(&s.server.endpoint, faults(43), 40).await);
    // Forwarded unsigned requests are refused by the server; the others are SlowDown.
    assert!(a.contains(&503) && a.iter().any(|&s| s != 503), "{a:?}");
}

#[tokio::test]
async fn counts_are_served_as_json_and_reset() {
    let (_s, proxy, _direct, proxied) = setup(Faults::default()).await;
    put(&proxied, "bkt", "k", b"x").await;
    proxied
        .head_object()
        .bucket("bkt")
        .key("k")
        .send()
        .await
        .unwrap();
    let answer = raw(&proxy.endpoint(), "GET", "/__faultproxy/counts")
        .await
        .unwrap();
    assert_eq!(answer.status, 200);
    let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(json["requests"], 2, "{json}");
    assert_eq!(json["forwarded"], 2, "{json}");
    assert_eq!(json["by_op"]["PutObject"], 1, "{json}");
    assert_eq!(json["by_op"]["HeadObject"], 1, "{json}");
    for field in [
        "delayed",
        "slowdowns",
        "errors_after",
        "resets",
        "resets_after",
        "held",
    ] {
        assert_eq!(json[field], 0, "{field}: {json}");
    }
    let reset = raw(&proxy.endpoint(), "POST", "/__faultproxy/reset")
        .await
        .unwrap();
    assert_eq!(reset.status, 204);
    assert_eq!(
        proxy.counts(),
        Counts::default(),
        "the reserved paths are not counted"
    );
    proxied
        .head_object()
        .bucket("bkt")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(proxy.counts().requests, 1);
    proxy.reset_counts();
    assert_eq!(proxy.counts(), Counts::default());
    let other = raw(&proxy.endpoint(), "GET", "/__faultproxy/nope")
        .await
        .unwrap();
    assert_eq!(other.status, 404);
}
