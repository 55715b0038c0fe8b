//! Benchmark fixture: the embedded S3 server seeded with a nested and a flat bucket of N objects.
//!
//! `cargo run --release --example bench_server -- DIR PORT N` prints `ready` once serving;
//! bucket `bench-nested` holds N objects over ~200 prefixes (2 levels), `bench-flat` N objects
//! in one prefix, `bench-hive` N objects Hive-partitioned as
//! `events/dt=YYYY-MM-DD/hour=HH/part-N.parquet` over 365 days x 24 hours (8,760 leaf
//! prefixes). Seeding is skipped when DIR already holds them. Stops on Ctrl-C / SIGTERM.

use bytes::Bytes;
use s3scope_store::{EmbeddedServer, PutOptions, ServerOptions, StorageClass};

fn arg(i: usize) -> Option<String> {
    std::env::args().nth(i)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = arg(1).ok_or("usage: bench_server DIR PORT N")?;
    let port: u16 = arg(2).ok_or("PORT missing")?.parse()?;
    let n: usize = arg(3).ok_or("N missing")?.parse()?;
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.into(),
        port,
        access_key: "BENCHACCESSKEY".into(),
        secret_key: "bench-secret-key".into(),
        region: "us-east-1".into(),
    })
    .await?;
    let store = server.store();
    let body = Bytes::from_static(&[7u8; 64]);
    let classes = [
        StorageClass::Standard,
        StorageClass::StandardIa,
        StorageClass::Glacier,
    ];
    if store.create_bucket("bench-hive").is_ok() {
        let start = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).ok_or("date")?;
        for i in 0..n {
            let leaf = i % 8760;
            let day = start + chrono::Days::new((leaf / 24) as u64);
            let key = format!(
                "events/dt={}/hour={:02}/part-{:05}.parquet",
                day.format("%Y-%m-%d"),
                leaf % 24,
                i / 8760
            );
            let opts = PutOptions {
                storage_class: classes[i % 3],
                ..PutOptions::default()
            };
            store.put_object("bench-hive", &key, body.clone(), opts)?;
        }
    }
    if store.create_bucket("bench-nested").is_ok() {
        store.create_bucket("bench-flat")?;
        for i in 0..n {
            let opts = PutOptions {
                storage_class: classes[i % 3],
                ..PutOptions::default()
            };
            let nested = format!(
                "team-{:02}/dataset-{:02}/part-{i:07}.bin",
                i % 20,
                (i / 20) % 10
            );
            store.put_object("bench-nested", &nested, body.clone(), opts.clone())?;
            store.put_object(
                "bench-flat",
                &format!("flat/obj-{i:07}.bin"),
                body.clone(),
                opts,
            )?;
        }
    }
    println!("ready {}", server.endpoint);
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    server.shutdown().await;
    Ok(())
}
