//! The listing collector: every object of each bucket streamed into one Parquet file.
//!
//! Pages of the parallel lister arrive through a bounded channel and are appended to column
//! buffers that are flushed every [`ROW_GROUP_ROWS`] rows, so memory stays bounded whatever
//! the number of objects. With `versions`, ListObjectVersions is used (sequentially per
//! bucket) and the version columns are added.

use super::{Collected, Ctx, Staged};
use crate::pipeline::PipelineError;
use crate::pipeline::parquet_io::{ParquetSink, ROW_GROUP_ROWS, i64_of};
use crate::pipeline::table::{Micros, Table};
use crate::pipeline::tables::ListingRow;
use crate::s3::buckets::list_buckets;
use crate::s3::error::S3Error;
use crate::s3::lister::{ListOptions, ListStats, list_parallel};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;

/// Version of the listing collector's output.
pub const LISTING_VERSION: u32 = 1;

/// One row before it goes into the column buffers.
pub(super) struct Row {
    pub(super) key: String,
    pub(super) size: u64,
    pub(super) last_modified: Option<DateTime<Utc>>,
    pub(super) storage_class: String,
    pub(super) etag: Option<String>,
    pub(super) version_id: Option<String>,
    pub(super) is_latest: bool,
    pub(super) is_delete_marker: bool,
}

/// Rows flushed as one batch.
pub(super) struct Buffer {
    versions: bool,
    pub(super) rows: Vec<ListingRow>,
}

impl Buffer {
    pub(super) fn flush(&mut self, sink: &mut ParquetSink) -> Result<(), PipelineError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.rows);
        sink.write_columns(ListingRow::columns(&rows, self.versions))
    }

    pub(super) fn push(&mut self, bucket: &str, row: Row) {
        self.rows.push(ListingRow {
            bucket: bucket.to_string(),
            key: row.key,
            size: i64_of(row.size),
            last_modified: row.last_modified.map(|t| Micros(t.timestamp_micros())),
            storage_class: row.storage_class,
            etag: row.etag,
            version_id: row.version_id,
            is_latest: row.is_latest,
            is_delete_marker: row.is_delete_marker,
        });
    }
}

pub(crate) async fn collect(ctx: &Ctx<'_>) -> Result<Collected, PipelineError> {
    let mut buckets = list_buckets(ctx.clients).await?;
    buckets.retain(|b| ctx.keeps(&b.name));
    let mut out = Collected::default();
    if buckets.is_empty() {
        return Ok(out);
    }
    let path = ctx.staging.join("listing.parquet");
    let mut sink = ParquetSink::create(&path, ListingRow::schema(ctx.req.versions))?;
    let mut buf = Buffer {
        versions: ctx.req.versions,
        rows: Vec::new(),
    };
    let mut listed = Vec::new();
    let mut failures = Vec::new();
    for b in &buckets {
        let mut totals: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        let result = if ctx.req.listing_from_inventory {
            super::listing_inventory::read(ctx, &b.name, &mut buf, &mut sink, &mut totals).await
        } else if ctx.req.versions {
            list_versions(ctx, &b.name, &mut buf, &mut sink, &mut totals).await
        } else {
            list_current(ctx, &b.name, &mut buf, &mut sink, &mut totals).await
        };
        match result {
            Ok(()) => {
                listed.push(b.name.clone());
                out.totals.insert(b.name.clone(), totals);
            }
            Err(PipelineError::Cancelled) => return Err(PipelineError::Cancelled),
            Err(e) => {
                ctx.progress.error(&e.to_string());
                failures.push(format!("bucket {}: {e}", b.name));
            }
        }
    }
    buf.flush(&mut sink)?;
    let rows = sink.close()?;
    if !failures.is_empty() {
        out.error = Some(failures.join("; "));
    }
    if rows > 0 || !listed.is_empty() {
        out.files.push(Staged {
            table: ListingRow::NAME,
            path,
            rows,
            buckets: listed,
        });
    }
    Ok(out)
}

pub(super) fn account(totals: &mut BTreeMap<String, (u64, u64)>, class: &str, size: u64) {
    let t = totals.entry(class.to_string()).or_default();
    t.0 += 1;
    t.1 += size;
}

async fn list_current(
    ctx: &Ctx<'_>,
    bucket: &str,
    buf: &mut Buffer,
    sink: &mut ParquetSink,
    totals: &mut BTreeMap<String, (u64, u64)>,
) -> Result<(), PipelineError> {
    let client = ctx.clients.s3_for_bucket(bucket).await?;
    // Flat like `du`: LIST calls follow the objects, key ranges give the parallelism.
    let mut opts = ListOptions::new(bucket, "");
    opts.concurrency = ctx.req.concurrency.max(1);
    let stats = Arc::new(ListStats::default());
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = ctx.progress.cancel.child_token();
    let lister = tokio::spawn(list_parallel(
        client,
        opts,
        Arc::clone(&stats),
        tx,
        cancel,
        ctx.clients.endpoint_label(),
    ));
    let mut calls = 0;
    // Rows of a bucket that fails are discarded by `process` (the manifest lists only the
    // buckets that were listed completely).
    while let Some(page) = rx.recv().await {
        let n = page.objects.len() as u64;
        let mut bytes = 0;
        for o in page.objects {
            bytes += o.size;
            account(totals, &o.storage_class, o.size);
            buf.push(
                bucket,
                Row {
                    key: o.key,
                    size: o.size,
                    last_modified: o.last_modified,
                    storage_class: o.storage_class,
                    etag: o.etag,
                    version_id: None,
                    is_latest: true,
                    is_delete_marker: false,
                },
            );
            if buf.rows.len() >= ROW_GROUP_ROWS {
                buf.flush(sink)?;
            }
        }
        ctx.progress.add(n, bytes);
        ctx.progress
            .add_calls_since(&mut calls, stats.list_calls.load(Ordering::Relaxed));
    }
    let result = lister
        .await
        .map_err(|e| PipelineError::Other(format!("listing {bucket} stopped: {e}")))?;
    ctx.progress
        .add_calls_since(&mut calls, stats.list_calls.load(Ordering::Relaxed));
    if ctx.progress.cancel.is_cancelled() {
        return Err(PipelineError::Cancelled);
    }
    result.map_err(PipelineError::S3)
}

async fn list_versions(
    ctx: &Ctx<'_>,
    bucket: &str,
    buf: &mut Buffer,
    sink: &mut ParquetSink,
    totals: &mut BTreeMap<String, (u64, u64)>,
) -> Result<(), PipelineError> {
    let client = ctx.clients.s3_for_bucket(bucket).await?;
    let endpoint = ctx.clients.endpoint_label();
    let (mut key_marker, mut version_marker): (Option<String>, Option<String>) = (None, None);
    let time = |d: Option<&aws_sdk_s3::primitives::DateTime>| {
        d.and_then(|d| DateTime::<Utc>::from_timestamp(d.secs(), d.subsec_nanos()))
    };
    loop {
        if ctx.progress.cancel.is_cancelled() {
            return Err(PipelineError::Cancelled);
        }
        let r = client
            .list_object_versions()
            .bucket(bucket)
            .set_key_marker(key_marker.clone())
            .set_version_id_marker(version_marker.clone())
            .encoding_type(aws_sdk_s3::types::EncodingType::Url)
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, &endpoint, "ListObjectVersions", bucket))?;
        let mut n = 0;
        let mut bytes = 0;
        for v in r.versions() {
            let size = u64::try_from(v.size().unwrap_or(0)).unwrap_or(0);
            let class = v
                .storage_class()
                .map_or("STANDARD", |c| c.as_str())
                .to_string();
            let is_latest = v.is_latest() == Some(true);
            if is_latest {
                account(totals, &class, size);
            }
            n += 1;
            bytes += size;
            buf.push(
                bucket,
                Row {
                    key: decode(v.key().unwrap_or_default()),
                    size,
                    last_modified: time(v.last_modified()),
                    storage_class: class,
                    etag: v.e_tag().map(str::to_string),
                    version_id: v.version_id().map(str::to_string),
                    is_latest,
                    is_delete_marker: false,
                },
            );
        }
        for m in r.delete_markers() {
            n += 1;
            buf.push(
                bucket,
                Row {
                    key: decode(m.key().unwrap_or_default()),
                    size: 0,
                    last_modified: time(m.last_modified()),
                    storage_class: String::new(),
                    etag: None,
                    version_id: m.version_id().map(str::to_string),
                    is_latest: m.is_latest() == Some(true),
                    is_delete_marker: true,
                },
            );
        }
        ctx.progress.add(n, bytes);
        if buf.rows.len() >= ROW_GROUP_ROWS {
            buf.flush(sink)?;
        }
        if r.is_truncated() != Some(true) {
            return Ok(());
        }
        key_marker = r.next_key_marker().map(decode);
        version_marker = r.next_version_id_marker().map(str::to_string);
        if key_marker.is_none() {
            return Ok(());
        }
    }
}

/// Keys come URL-encoded (`encoding-type=url`, so that any byte survives XML): `+` is a space,
/// a literal `+` arrives as `%2B`.
fn decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}
