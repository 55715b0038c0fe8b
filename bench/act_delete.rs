//! Benchmark (prints figures, asserts nothing): deleting 20,000 objects (`rm` / Browse's `D`)
//! and cleaning 20,000 noncurrent versions (`cleanup`) through the fault proxy with 30 ms per
//! request, as against a real S3 endpoint: wall time, requests sent, items per second.
//!
//! Run: `cargo run --example act_delete` (network-bound: debug and release are alike).

use faultproxy::{Faults, Proxy, S3Op};
use s3scope_core::cleanup::{self, CleanupSpec};
use s3scope_core::delete::{self, DeleteSet};
use s3scope_core::job::Progress;
use s3scope_core::s3::write::Writer;
use s3scope_store::{EmbeddedServer, PutOptions, ServerOptions};
use std::time::{Duration, Instant};

const N: usize = 20_000;
const LATENCY: Duration = Duration::from_millis(30);

fn client(endpoint: &str, server: &EmbeddedServer) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::new()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            &server.access_key,
            &server.secret_key,
            None,
            None,
            "bench",
        ))
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.path().to_path_buf(),
        port: 0,
        access_key: "bench".into(),
        secret_key: "bench-secret".into(),
        region: "us-east-1".into(),
    })
    .await
    .expect("server");
    let store = server.store();
    let now = chrono::Utc::now();
    store.create_bucket("rm-bench").expect("bucket");
    store.create_bucket("clean-bench").expect("bucket");
    store
        .set_versioning("clean-bench", true)
        .expect("versioning");
    for i in 0..N {
        let key = format!("p{:02}/k{i:06}", i % 50);
        let body = bytes::Bytes::from_static(b"0123456789");
        store
            .put_object("rm-bench", &key, body.clone(), PutOptions::default())
            .expect("put");
        for days in [100, 50] {
            let options = PutOptions {
                last_modified: Some(now - chrono::TimeDelta::days(days)),
                ..PutOptions::default()
            };
            store
                .put_object("clean-bench", &key, body.clone(), options)
                .expect("put");
        }
    }
    let faults = Faults {
        delay: LATENCY,
        ..Faults::default()
    };
    let proxy = Proxy::start(&server.endpoint, faults).await.expect("proxy");
    let s3 = client(&proxy.endpoint(), &server);
    let w = Writer::from_client(s3.clone(), "bench");
    println!("{N} objects, {} ms per request", LATENCY.as_millis());

    let t = Instant::now();
    let set = DeleteSet {
        bucket: "rm-bench".into(),
        prefixes: vec![String::new()],
        keys: Vec::new(),
    };
    let plan = delete::plan_with(&s3, "bench", &set, &Progress::default())
        .await
        .expect("plan");
    let planned = t.elapsed();
    let report = delete::apply(&w, &plan, "bench", &Progress::default())
        .await
        .expect("apply");
    let c = proxy.counts();
    println!(
        "rm: plan {:.2}s ({} LIST), delete {:.2}s ({} DeleteObjects), {} deleted, {:.0} objects/s overall",
        planned.as_secs_f64(),
        c.op(S3Op::ListObjectsV2),
        (t.elapsed() - planned).as_secs_f64(),
        c.op(S3Op::DeleteObjects),
        report.count,
        report.count as f64 / t.elapsed().as_secs_f64()
    );

    proxy.reset_counts();
    let t = Instant::now();
    let spec = CleanupSpec {
        bucket: "clean-bench".into(),
        prefix: String::new(),
        uploads_older_than: None,
        noncurrent_older_than: Some("30d".parse().expect("age")),
        delete_markers: true,
        as_of: now,
    };
    let plan = cleanup::plan(&s3, "bench", &spec, None, &Progress::default())
        .await
        .expect("plan");
    let planned = t.elapsed();
    let journal = dir.path().join("bench.journal");
    let report = cleanup::apply(&w, &plan, "bench", &journal, &Progress::default())
        .await
        .expect("apply");
    let c = proxy.counts();
    println!(
        "cleanup: plan {:.2}s ({} ListObjectVersions), remove {:.2}s ({} DeleteObjects, journaled), {} versions removed, {:.0} items/s overall",
        planned.as_secs_f64(),
        c.op(S3Op::ListObjectVersions),
        (t.elapsed() - planned).as_secs_f64(),
        c.op(S3Op::DeleteObjects),
        report.versions.count,
        report.versions.count as f64 / t.elapsed().as_secs_f64()
    );
}
