//! Writing the rollups: one Parquet file per table and day partition (`<table>/dt=D/part-0.parquet`,
//! the dt column lives in the path as Hive, Spark, Trino, Athena and DuckDB expect), and CSV.

use super::rollups::{AgeRow, GrowthRow, PrefixRow, StorageRow, UsageRow};
use crate::pipeline::PipelineError;
use crate::pipeline::parquet_io::{ParquetSink, int64, int64s, schema, strings, utf8};
use crate::pipeline::storage::Storage;
use arrow_array::ArrayRef;
use arrow_schema::SchemaRef;
use serde::Serialize;
use std::path::Path;

/// The rollup tables, by directory name.
pub const TABLES: [&str; 5] = [
    "storage_daily",
    "prefix_daily",
    "growth_daily",
    "age_histogram",
    "usage_daily",
];

/// The name of a table's file in one day partition.
pub fn partition_file(table: &str, dt: &str) -> String {
    format!("{table}/dt={dt}/part-0.parquet")
}

/// Rows that become one Parquet partition (dt excluded: it is in the path).
pub trait Partition {
    fn schema() -> SchemaRef;
    fn columns(rows: &[Self]) -> Vec<ArrayRef>
    where
        Self: Sized;
}

impl Partition for StorageRow {
    fn schema() -> SchemaRef {
        schema(vec![
            utf8("bucket", false),
            utf8("storage_class", false),
            int64("objects"),
            int64("bytes"),
            utf8("source", false),
        ])
    }
    fn columns(rows: &[Self]) -> Vec<ArrayRef> {
        vec![
            strings(rows.iter().map(|r| r.bucket.as_str())),
            strings(rows.iter().map(|r| r.storage_class.as_str())),
            int64s(rows.iter().map(|r| r.objects)),
            int64s(rows.iter().map(|r| r.bytes)),
            strings(rows.iter().map(|r| r.source.as_str())),
        ]
    }
}

impl Partition for PrefixRow {
    fn schema() -> SchemaRef {
        schema(vec![
            utf8("bucket", false),
            utf8("prefix", false),
            utf8("storage_class", false),
            int64("objects"),
            int64("bytes"),
        ])
    }
    fn columns(rows: &[Self]) -> Vec<ArrayRef> {
        vec![
            strings(rows.iter().map(|r| r.bucket.as_str())),
            strings(rows.iter().map(|r| r.prefix.as_str())),
            strings(rows.iter().map(|r| r.storage_class.as_str())),
            int64s(rows.iter().map(|r| r.objects)),
            int64s(rows.iter().map(|r| r.bytes)),
        ]
    }
}

impl Partition for GrowthRow {
    fn schema() -> SchemaRef {
        schema(vec![
            utf8("bucket", false),
            utf8("storage_class", false),
            utf8("previous_dt", false),
            int64("objects"),
            int64("bytes"),
            int64("objects_delta"),
            int64("bytes_delta"),
        ])
    }
    fn columns(rows: &[Self]) -> Vec<ArrayRef> {
        vec![
            strings(rows.iter().map(|r| r.bucket.as_str())),
            strings(rows.iter().map(|r| r.storage_class.as_str())),
            strings(rows.iter().map(|r| r.previous_dt.as_str())),
            int64s(rows.iter().map(|r| r.objects)),
            int64s(rows.iter().map(|r| r.bytes)),
            int64s(rows.iter().map(|r| r.objects_delta)),
            int64s(rows.iter().map(|r| r.bytes_delta)),
        ]
    }
}

impl Partition for AgeRow {
    fn schema() -> SchemaRef {
        schema(vec![
            utf8("bucket", false),
            int64("age_order"),
            utf8("age", false),
            int64("objects"),
            int64("bytes"),
        ])
    }
    fn columns(rows: &[Self]) -> Vec<ArrayRef> {
        vec![
            strings(rows.iter().map(|r| r.bucket.as_str())),
            int64s(rows.iter().map(|r| r.age_order)),
            strings(rows.iter().map(|r| r.age.as_str())),
            int64s(rows.iter().map(|r| r.objects)),
            int64s(rows.iter().map(|r| r.bytes)),
        ]
    }
}

impl Partition for UsageRow {
    fn schema() -> SchemaRef {
        schema(vec![
            utf8("user", false),
            utf8("bucket", false),
            utf8("category", false),
            int64("ops"),
            int64("successful_ops"),
            int64("bytes_sent"),
            int64("bytes_received"),
        ])
    }
    fn columns(rows: &[Self]) -> Vec<ArrayRef> {
        vec![
            strings(rows.iter().map(|r| r.user.as_str())),
            strings(rows.iter().map(|r| r.bucket.as_str())),
            strings(rows.iter().map(|r| r.category.as_str())),
            int64s(rows.iter().map(|r| r.ops)),
            int64s(rows.iter().map(|r| r.successful_ops)),
            int64s(rows.iter().map(|r| r.bytes_sent)),
            int64s(rows.iter().map(|r| r.bytes_received)),
        ]
    }
}

/// Writes (or, without rows, removes) the partition `table/dt=D` atomically; returns its name
/// when written. A partition left by an earlier run of the same window is replaced whole.
pub async fn write_partition<R: Partition>(
    out: &Storage,
    staging: &Path,
    table: &str,
    dt: &str,
    rows: &[R],
) -> Result<Option<String>, PipelineError> {
    let name = partition_file(table, dt);
    if rows.is_empty() {
        out.remove(&name).await?;
        return Ok(None);
    }
    let path = staging.join(format!("{table}-{dt}.parquet"));
    let mut sink = ParquetSink::create(&path, R::schema())?;
    sink.write_columns(R::columns(rows))?;
    sink.close()?;
    out.put_file(&name, &path).await?;
    let _ = std::fs::remove_file(&path);
    Ok(Some(name))
}

/// Rows as CSV with a header (the field names).
pub fn csv_bytes<R: Serialize>(rows: &[R], headers: &[&str]) -> Result<Vec<u8>, PipelineError> {
    let err = |e: csv::Error| PipelineError::Other(format!("cannot write CSV: {e}"));
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(headers).map_err(err)?;
    for r in rows {
        w.serialize(r).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| PipelineError::Other(format!("cannot write CSV: {e}")))
}
