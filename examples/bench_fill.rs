//! Benchmark fixture for another S3 server (the Ceph RGW of bench/scan.sh): PUTs the same two
//! buckets (nested, flat, Hive) that examples/bench_server.rs seeds in-process, over HTTP with bounded concurrency.
//!
//!   bench_fill N [CONCURRENCY]   (endpoint and keys from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
//!                                 AWS_SECRET_ACCESS_KEY; buckets already holding N are skipped)

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use futures::StreamExt as _;
use std::time::Instant;

/// The key of object `i` in a bucket's layout.
type KeyOf = fn(usize) -> String;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .ok_or("usage: bench_fill N [CONCURRENCY]")?
        .parse()?;
    let concurrency: usize = args.next().map_or(Ok(64), |s| s.parse())?;
    let env = |k: &str| std::env::var(k).map_err(|_| format!("{k} is not set"));
    let conf = aws_sdk_s3::config::Builder::new()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(env("AWS_ENDPOINT_URL")?)
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            env("AWS_ACCESS_KEY_ID")?,
            env("AWS_SECRET_ACCESS_KEY")?,
            None,
            None,
            "bench",
        ))
        .force_path_style(true)
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(conf);
    let layouts: [(&str, KeyOf); 3] = [
        ("bench-nested", |i| {
            format!(
                "team-{:02}/dataset-{:02}/part-{i:07}.bin",
                i % 20,
                (i / 20) % 10
            )
        }),
        ("bench-flat", |i| format!("flat/obj-{i:07}.bin")),
        ("bench-hive", |i| {
            let leaf = i % 8760;
            let day = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default()
                + chrono::Days::new((leaf / 24) as u64);
            format!(
                "events/dt={}/hour={:02}/part-{:05}.parquet",
                day.format("%Y-%m-%d"),
                leaf % 24,
                i / 8760
            )
        }),
    ];
    let classes = ["STANDARD", "STANDARD_IA", "GLACIER"];
    for (bucket, key) in layouts {
        let _ = s3.create_bucket().bucket(bucket).send().await;
        // Already filled by an earlier run: the last key exists.
        if s3
            .head_object()
            .bucket(bucket)
            .key(key(n - 1))
            .send()
            .await
            .is_ok()
        {
            eprintln!("{bucket}: already holds {n} objects");
            continue;
        }
        let t0 = Instant::now();
        let puts = futures::stream::iter(0..n).map(|i| {
            let s3 = s3.clone();
            let k = key(i);
            async move {
                // RGW accepts only the classes of its placement; fall back to STANDARD.
                let r = s3
                    .put_object()
                    .bucket(bucket)
                    .key(&k)
                    .storage_class(classes[i % 3].into())
                    .body(ByteStream::from_static(&[7u8; 64]))
                    .send()
                    .await;
                if r.is_err() {
                    s3.put_object()
                        .bucket(bucket)
                        .key(&k)
                        .body(ByteStream::from_static(&[7u8; 64]))
                        .send()
                        .await
                        .map(drop)
                } else {
                    Ok(())
                }
            }
        });
        let mut stream = puts.buffer_unordered(concurrency);
        let mut done = 0usize;
        while let Some(r) = stream.next().await {
            r?;
            done += 1;
            if done.is_multiple_of(20_000) {
                eprintln!(
                    "{bucket}: {done}/{n} ({:.0}/s)",
                    done as f64 / t0.elapsed().as_secs_f64()
                );
            }
        }
        eprintln!(
            "{bucket}: {n} objects in {:.1}s",
            t0.elapsed().as_secs_f64()
        );
    }
    Ok(())
}
