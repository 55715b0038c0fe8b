//! `extract --sources listing --from inventory`: a bucket's rows from its S3 Inventory report
//! (found through its inventory configuration), streamed into the same listing Parquet.
//!
//! The report's data files are checked and decoded on blocking threads; their rows come back
//! through a bounded channel, so memory stays bounded as with a listing.

use super::Ctx;
use super::listing::{Buffer, Row, account};
use crate::pipeline::PipelineError;
use crate::pipeline::parquet_io::{ParquetSink, ROW_GROUP_ROWS};
use crate::scan::inventory::read::{ReadHow, ReadStats, read_rows};
use crate::scan::inventory::{InventoryError, Row as InventoryRow, open};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::mpsc;

fn failed(bucket: &str) -> impl FnOnce(InventoryError) -> PipelineError + '_ {
    move |e| match e {
        InventoryError::S3(e) => PipelineError::S3(e),
        InventoryError::Cancelled => PipelineError::Cancelled,
        other => PipelineError::Other(format!("bucket {bucket}: {other}")),
    }
}

/// Appends the rows of `bucket`'s newest report (current objects; with `versions`, every
/// version and delete marker the report lists).
pub(super) async fn read(
    ctx: &Ctx<'_>,
    bucket: &str,
    buf: &mut Buffer,
    sink: &mut ParquetSink,
    totals: &mut BTreeMap<String, (u64, u64)>,
) -> Result<(), PipelineError> {
    let report = open::find_report(ctx.clients, bucket, "", None)
        .await
        .map_err(failed(bucket))?;
    let s3 = ctx.clients.s3_for_bucket(&report.bucket).await?;
    let endpoint = ctx.clients.endpoint_label();
    let (tx, mut rx) = mpsc::channel::<Vec<InventoryRow>>(8);
    let cancel = ctx.progress.cancel.child_token();
    let concurrency = ctx.req.concurrency.clamp(1, 16);
    let how = ReadHow {
        prefix: String::new(),
        concurrency,
        stats: Arc::new(ReadStats::default()),
        cancel,
    };
    let reading = read_rows(&s3, &endpoint, &report, how, move |batch| {
        let _ = tx.blocking_send(batch);
    });
    let versions = ctx.req.versions;
    let consume = async {
        while let Some(batch) = rx.recv().await {
            let (mut n, mut bytes) = (0, 0);
            for r in batch {
                let current = r.latest && !r.delete_marker;
                if !versions && !current {
                    continue;
                }
                if current {
                    account(totals, &r.class, r.size);
                }
                n += 1;
                bytes += r.size;
                buf.push(
                    bucket,
                    Row {
                        last_modified: r.mtime.and_then(|t| DateTime::<Utc>::from_timestamp(t, 0)),
                        storage_class: if r.delete_marker {
                            String::new()
                        } else {
                            r.class
                        },
                        etag: None,
                        is_latest: r.latest,
                        is_delete_marker: r.delete_marker,
                        key: r.key,
                        size: r.size,
                        version_id: r.version_id,
                    },
                );
                if buf.rows.len() >= ROW_GROUP_ROWS {
                    buf.flush(sink)?;
                }
            }
            ctx.progress.add(n, bytes);
        }
        Ok::<(), PipelineError>(())
    };
    let (read, consumed) = tokio::join!(reading, consume);
    consumed?;
    read.map_err(failed(bucket))?;
    if ctx.progress.cancel.is_cancelled() {
        return Err(PipelineError::Cancelled);
    }
    Ok(())
}
