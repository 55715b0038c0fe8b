//! Writing the rollups: one Parquet file per table and day partition (`<table>/dt=D/part-0.parquet`,
//! the dt column lives in the path as Hive, Spark, Trino, Athena and DuckDB expect), and CSV.

use super::rollups::{AgeRow, GrowthRow, PrefixRow, StorageRow, UsageRow};
use crate::pipeline::PipelineError;
use crate::pipeline::parquet_io::ParquetSink;
use crate::pipeline::storage::Storage;
use crate::pipeline::table::Table;
use std::path::Path;

/// The rollup tables, by directory name.
pub const TABLES: [&str; 5] = [
    StorageRow::NAME,
    PrefixRow::NAME,
    GrowthRow::NAME,
    AgeRow::NAME,
    UsageRow::NAME,
];

/// The name of a table's file in one day partition (`<table>/site=S/dt=D/` for a site).
pub fn partition_file(table: &str, site: Option<&str>, dt: &str) -> String {
    match site {
        Some(s) => format!("{table}/site={s}/dt={dt}/part-0.parquet"),
        None => format!("{table}/dt={dt}/part-0.parquet"),
    }
}

/// Writes (or, without rows, removes) the partition `table/[site=S/]dt=D` atomically; returns
/// its name when written. A partition left by an earlier run of the same window is replaced whole.
pub async fn write_partition<R: Table>(
    out: &Storage,
    staging: &Path,
    site: Option<&str>,
    dt: &str,
    rows: &[R],
) -> Result<Option<String>, PipelineError> {
    let table = R::NAME;
    let name = partition_file(table, site, dt);
    if rows.is_empty() {
        out.remove(&name).await?;
        return Ok(None);
    }
    let path = staging.join(format!("{table}-{dt}.parquet"));
    let mut sink = ParquetSink::create(&path, R::schema(false))?;
    sink.write_columns(R::columns(rows, false))?;
    sink.close()?;
    out.put_file(&name, &path).await?;
    let _ = std::fs::remove_file(&path);
    Ok(Some(name))
}

/// Rows as CSV with a header (the declared columns, `dt` first).
pub fn csv_bytes<R: Table>(rows: &[R]) -> Result<Vec<u8>, PipelineError> {
    let err = |e: csv::Error| PipelineError::Other(format!("cannot write CSV: {e}"));
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(R::COLUMNS).map_err(err)?;
    for r in rows {
        w.serialize(r).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| PipelineError::Other(format!("cannot write CSV: {e}")))
}
