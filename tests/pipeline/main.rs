//! Integration tests of extract and process: packages, Parquet rollups read back by DuckDB, s3:// storage.

#[path = "../support/mod.rs"]
mod support;

mod extract_ceph;
mod extract_cloudwatch;
mod extract_embedded;
mod extract_logs;
mod extract_s3;
mod process_errors;
mod process_readback;
mod report_xlsx;
mod sites;
mod sites_ceph;
mod sites_layout;
