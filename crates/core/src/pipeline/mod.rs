//! Extract and process (C6): raw snapshots into packages on a data dir, then Parquet rollups.
//!
//! `extract` runs collectors (object listings, bucket stats, CloudWatch datapoints, RGW usage)
//! for a window `[since, until)` and writes one package per run under
//! `<data_dir>/dt=YYYY-MM-DD/<run-id>/` with `manifest.json` and `collection_status.csv`.
//! `process` reads the packages of a window day by day and writes rollups as Parquet with
//! Hive-style `dt=` partitions, CSV and JSON summaries and one HTML report.

mod error; // PipelineError: what went wrong and what to do
pub mod extract; // collectors and the package writer
pub mod manifest; // manifest.json and collection_status.csv
pub mod parquet_io; // Arrow schemas and bounded-memory Parquet writers/readers
pub mod process; // rollups per day partition
pub mod report; // the self-contained HTML report and the XLSX workbook
pub mod settings; // [pipeline]: profiles (sites) and the data dir
pub mod sites; // several profiles in one run: site=<profile>/ partitions and the combined summary
pub mod storage; // one interface over a local directory and s3://bucket/prefix
pub mod table; // the table! declaration: schema, CSV header, columns and reader from one list
pub mod tables; // every extract and rollup table, declared once

pub use error::PipelineError;
