//! Benchmark fixture: the embedded S3 server with generated S3 Inventory reports.
//!
//! `cargo run --release --example bench_inventory -- DIR PORT N SCAN_N` prints `ready` once
//! serving. `inv-big` has a report of N rows (no objects: only the report is read), as CSV.gz
//! (`s3://inv-dest/inv-big/csv/`) and Parquet (`s3://inv-dest/inv-big/parquet/`); `inv-scan`
//! holds SCAN_N real objects and a Parquet report of exactly them
//! (`s3://inv-dest/inv-scan/parquet/`), for a listing beside the report. Data files hold 1M
//! rows each, as AWS cuts them. Generation is skipped when DIR already holds it.

use bytes::Bytes;
use chrono::{TimeZone, Utc};
use s3scope_core::scan::inventory::InventoryError;
use s3scope_core::scan::inventory::generate::{Entry, ReportSpec, write_report};
use s3scope_core::scan::inventory::manifest::FileFormat;
use s3scope_store::{EmbeddedServer, PutOptions, ServerOptions, StorageClass};
use std::str::FromStr;

const CLASSES: [&str; 4] = ["STANDARD", "STANDARD_IA", "GLACIER", "INTELLIGENT_TIERING"];

fn entry(i: usize) -> Entry {
    Entry {
        key: format!(
            "team-{:02}/dataset-{:02}/part-{i:08}.bin",
            i % 20,
            (i / 20) % 10
        ),
        size: 64 + (i % 4096) as u64,
        last_modified: Utc
            .timestamp_opt(1_700_000_000 + (i % 86_400) as i64, 0)
            .single(),
        storage_class: CLASSES[i % 4].to_string(),
        etag: format!("{i:032x}"),
        is_latest: true,
        ..Entry::default()
    }
}

fn report(
    store: &s3scope_store::Store,
    source: &str,
    id: &str,
    format: FileFormat,
    n: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut spec = ReportSpec::new(source, "inv-dest", id, format, Utc::now());
    spec.rows_per_file = 1_000_000;
    let mut failed = None;
    write_report::<InventoryError>(&spec, (0..n).map(entry), |key, body| {
        if let Err(e) = store.put_object("inv-dest", &key, Bytes::from(body), PutOptions::default())
        {
            failed = Some(e.to_string());
        }
        Ok(())
    })?;
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let arg = |i: usize| std::env::args().nth(i);
    let dir = arg(1).ok_or("usage: bench_inventory DIR PORT N SCAN_N")?;
    let port: u16 = arg(2).ok_or("PORT missing")?.parse()?;
    let n: usize = arg(3).ok_or("N missing")?.parse()?;
    let scan_n: usize = arg(4).ok_or("SCAN_N missing")?.parse()?;
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.into(),
        port,
        access_key: "BENCHACCESSKEY".into(),
        secret_key: "bench-secret-key".into(),
        region: "us-east-1".into(),
    })
    .await?;
    let store = server.store();
    if store.create_bucket("inv-dest").is_ok() {
        store.create_bucket("inv-big")?;
        store.create_bucket("inv-scan")?;
        let body = Bytes::from(vec![7u8; 64 + 4096]);
        for i in 0..scan_n {
            let e = entry(i);
            let opts = PutOptions {
                storage_class: StorageClass::from_str(&e.storage_class)?,
                last_modified: e.last_modified,
                ..PutOptions::default()
            };
            store.put_object("inv-scan", &e.key, body.slice(..e.size as usize), opts)?;
        }
        report(&store, "inv-scan", "parquet", FileFormat::Parquet, scan_n)?;
        report(&store, "inv-big", "csv", FileFormat::Csv, n)?;
        report(&store, "inv-big", "parquet", FileFormat::Parquet, n)?;
        store.sync()?;
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
