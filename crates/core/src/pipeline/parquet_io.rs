//! Parquet files through Arrow: Snappy, bounded row groups, types every engine reads.
//!
//! Integers are signed 64-bit and timestamps microseconds in UTC: Spark, Trino and Athena
//! read those everywhere (unsigned 64-bit and nanosecond timestamps are not portable). The
//! columns of each file are declared in [`super::tables`] (see [`super::table`]).

use super::PipelineError;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use std::fs::File;
use std::path::Path;
use std::sync::Arc;

/// Rows per row group and per batch written: bounds the writer's memory (~10 MB per group
/// of listing rows) while keeping groups large enough for fast scans.
pub const ROW_GROUP_ROWS: usize = 128 * 1024;
/// Rows per batch read back.
pub const READ_BATCH_ROWS: usize = 64 * 1024;

/// A Parquet file being written batch by batch.
pub struct ParquetSink {
    writer: ArrowWriter<File>,
    schema: SchemaRef,
    rows: u64,
    what: String,
}

impl ParquetSink {
    pub fn create(path: &Path, schema: SchemaRef) -> Result<Self, PipelineError> {
        let what = path.display().to_string();
        let file =
            File::create(path).map_err(PipelineError::io(format!("cannot create {what}")))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(format!("s3scope {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(props))
            .map_err(|e| PipelineError::parquet(format!("writing {what}"))(e.to_string()))?;
        Ok(Self {
            writer,
            schema,
            rows: 0,
            what,
        })
    }

    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// Appends columns (in schema order) as one batch.
    pub fn write_columns(&mut self, columns: Vec<ArrayRef>) -> Result<(), PipelineError> {
        let batch = RecordBatch::try_new(self.schema.clone(), columns)
            .map_err(|e| PipelineError::parquet(format!("writing {}", self.what))(e.to_string()))?;
        self.write(&batch)
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), PipelineError> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        self.rows += batch.num_rows() as u64;
        self.writer
            .write(batch)
            .map_err(|e| PipelineError::parquet(format!("writing {}", self.what))(e.to_string()))
    }

    /// Writes the footer; returns the number of rows.
    pub fn close(self) -> Result<u64, PipelineError> {
        let what = self.what;
        self.writer
            .close()
            .map_err(|e| PipelineError::parquet(format!("closing {what}"))(e.to_string()))?;
        Ok(self.rows)
    }
}

/// Reads a Parquet file batch by batch.
pub fn read_batches(path: &Path, what: &str) -> Result<ParquetRecordBatchReader, PipelineError> {
    let file = File::open(path).map_err(PipelineError::io(format!("cannot open {what}")))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .and_then(|b| b.with_batch_size(READ_BATCH_ROWS).build())
        .map_err(|e| PipelineError::parquet(format!("reading {what}"))(e.to_string()))
}

/// A column of a batch by name and type, or a clear error naming the file.
pub fn column<'a, T: 'static>(
    batch: &'a RecordBatch,
    name: &str,
    what: &str,
) -> Result<&'a T, PipelineError> {
    batch
        .column_by_name(name)
        .and_then(|c| c.as_any().downcast_ref::<T>())
        .ok_or_else(|| PipelineError::Parquet {
            what: format!("reading {what}"),
            detail: format!("column `{name}` is missing or of the wrong type"),
        })
}

/// A schema from fields.
pub fn schema(fields: Vec<Field>) -> SchemaRef {
    Arc::new(Schema::new(fields))
}

/// Saturating conversion for byte and object counts.
pub fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
