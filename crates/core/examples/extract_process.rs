//! The seeds' extract/process pair with the core alone: snapshot the demo store's listings into a package, then roll them up into Parquet.
//!
//! `cargo run -p s3scope-core --example extract_process [DATA_DIR]`: the package and the rollups
//! are written under DATA_DIR (a temporary directory by default); DuckDB reads them with
//! `SELECT * FROM 'DATA_DIR/reports/**/*.parquet'`.

mod common;

use s3scope_core::instants::{Period, WindowRequest};
use s3scope_core::job::Progress;
use s3scope_core::pipeline::extract::{self, ExtractRequest, SourceName};
use s3scope_core::pipeline::process::{self, ProcessRequest};
use s3scope_core::pipeline::storage::Storage;
use std::error::Error;

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let store_dir = tempfile::tempdir()?;
    let (_server, clients) = common::demo_store(store_dir.path()).await?;
    let data_dir = match std::env::args().nth(1) {
        Some(d) => std::path::PathBuf::from(d),
        None => store_dir.path().join("data"),
    };
    std::fs::create_dir_all(&data_dir)?;
    // Storage is a local directory or s3://bucket/prefix, behind one interface.
    let data = Storage::open(&data_dir.to_string_lossy(), Some(&clients)).await?;

    // The window of the last full day: since inclusive, until exclusive.
    let window = WindowRequest {
        since: None,
        until: None,
        period: None,
    }
    .resolve(Period::DAY, chrono::Utc::now())?;

    // Collectors (here: object listings and bucket stats) write one package per run.
    let req = ExtractRequest {
        window,
        sources: vec![SourceName::Listing, SourceName::BucketStats],
        buckets: None,
        versions: false,
        concurrency: 8,
        usage_source: None,
        listing_from_inventory: false,
    };
    let progress = Progress::new(&extract::stages(&req));
    let extracted = extract::extract(&clients, &data, &req, &progress).await?;
    println!(
        "package {} in {:.1} s",
        extracted.package, extracted.elapsed_secs
    );

    // Process reads the packages of the window and writes the rollups beside them.
    let req = ProcessRequest {
        window,
        prefix_depth: 1,
        reports: vec![s3scope_core::pipeline::report::ReportFormat::Html],
    };
    let processed = process::process(
        &data,
        &data,
        &req,
        &Progress::new(&["storage", "usage", "summaries"]),
    )
    .await?;
    println!(
        "{} package(s), {} file(s) read; rollups under {}",
        processed.packages,
        processed.files_read,
        data_dir.display()
    );
    Ok(())
}
