//! Reading a report: data files fetched in parallel to temporary files, each checked against
//! its size and MD5, then decoded and folded batch by batch into a prefix tree.
//!
//! Memory holds the tree plus a few batches of rows: downloads go to disk, decoders stream,
//! and a bounded channel between the decoders and the one folding thread holds them back.

use super::decode::{read_csv, read_parquet};
use super::locate::Report;
use super::manifest::{DataFile, FileFormat};
use super::{InventoryError, Row};
use crate::s3::error::S3Error;
use crate::s3::retry::{self, RetryPolicy, Transience};
use crate::scan::tree::PrefixTree;
use aws_sdk_s3::Client;
use futures::stream::{self, StreamExt, TryStreamExt};
use md5::{Digest, Md5};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use tokio_util::sync::CancellationToken;

/// Rows per batch handed from a decoder to the fold.
const BATCH_ROWS: usize = 8192;
/// Batches waiting for the fold, over all decoders.
const BATCHES_IN_FLIGHT: usize = 8;

/// Live counters of a read.
#[derive(Debug, Default)]
pub struct ReadStats {
    /// Rows decoded (all of them, also outside the prefix).
    pub rows: AtomicU64,
    /// Current objects folded and their bytes.
    pub objects: AtomicU64,
    pub bytes: AtomicU64,
    pub files_done: AtomicU64,
    /// Data-file bytes downloaded.
    pub fetched: AtomicU64,
    /// GetObject calls made.
    pub requests: AtomicU64,
}

/// What reading a report found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadSummary {
    pub rows: u64,
    pub files: u64,
    pub fetched_bytes: u64,
    pub requests: u64,
}

/// Which rows to read and how: the key prefix they must have, data files at once, the
/// counters to update and the token that stops the read.
#[derive(Debug, Clone, Default)]
pub struct ReadHow {
    pub prefix: String,
    pub concurrency: usize,
    pub stats: Arc<ReadStats>,
    pub cancel: CancellationToken,
}

/// Checks that `report` can be read for `bucket`: the right source bucket, a format s3scope reads.
pub fn check(report: &Report, bucket: &str) -> Result<(), InventoryError> {
    let m = &report.manifest;
    if m.source_bucket != bucket {
        return Err(InventoryError::WrongBucket {
            url: report.url(),
            found: m.source_bucket.clone(),
            wanted: bucket.to_string(),
        });
    }
    if m.format == FileFormat::Orc {
        let first = m.files.first().map_or_else(
            || report.url(),
            |f| format!("s3://{}/{}", report.bucket, f.key),
        );
        return Err(InventoryError::Orc { url: first });
    }
    Ok(())
}

/// Streams every row of `report` under `prefix` into `sink`, batch by batch, on one thread.
/// Data files are fetched `concurrency` at a time; a damaged or missing one stops the read
/// with an error naming it.
pub async fn read_rows(
    s3: &Client,
    endpoint: &str,
    report: &Report,
    how: ReadHow,
    mut sink: impl FnMut(Vec<Row>) + Send + 'static,
) -> Result<ReadSummary, InventoryError> {
    let ReadHow {
        prefix,
        concurrency,
        stats,
        cancel,
    } = how;
    let prefix = prefix.as_str();
    let m = &report.manifest;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Row>>(BATCHES_IN_FLIGHT);
    let fold = tokio::task::spawn_blocking(move || {
        while let Ok(batch) = rx.recv() {
            sink(batch);
        }
    });
    let work = stream::iter(m.files.iter().cloned().map(|file| {
        let tx = tx.clone();
        let stats = stats.clone();
        let cancel = cancel.clone();
        let prefix = prefix.to_string();
        async move {
            let url = format!("s3://{}/{}", report.bucket, file.key);
            let path = fetch(s3, endpoint, &report.bucket, &file, &url, &stats).await?;
            let format = m.format;
            let fields = m.fields.clone();
            let columns = m.columns();
            let decode_stats = stats.clone();
            let decoded = tokio::task::spawn_blocking(move || {
                let mut batch = Vec::with_capacity(BATCH_ROWS);
                let mut seen = 0u64;
                let mut push = |row: Row| -> Result<(), String> {
                    seen += 1;
                    if seen.is_multiple_of(BATCH_ROWS as u64) {
                        decode_stats
                            .rows
                            .fetch_add(BATCH_ROWS as u64, Ordering::Relaxed);
                        if cancel.is_cancelled() {
                            return Err("cancelled".into());
                        }
                    }
                    if row.key.starts_with(prefix.as_str()) {
                        batch.push(row);
                    }
                    if batch.len() >= BATCH_ROWS {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                        tx.send(full).map_err(|_| "the fold stopped".to_string())?;
                    }
                    Ok(())
                };
                let result = match format {
                    FileFormat::Csv => std::fs::File::open(&path)
                        .map_err(|e| format!("cannot reopen its download ({e})"))
                        .and_then(|f| read_csv(f, &columns, &mut push)),
                    _ => std::fs::File::open(&path)
                        .map_err(|e| format!("cannot reopen its download ({e})"))
                        .and_then(|f| read_parquet(f, &fields, &mut push)),
                };
                decode_stats
                    .rows
                    .fetch_add(seen % BATCH_ROWS as u64, Ordering::Relaxed);
                if !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                drop(path);
                result
            })
            .await
            .map_err(|e| InventoryError::BadDataFile {
                url: url.clone(),
                reason: format!("its decoder failed ({e})"),
            })?;
            match decoded {
                Ok(rows) => {
                    stats.files_done.fetch_add(1, Ordering::Relaxed);
                    Ok(rows)
                }
                Err(reason) if reason == "cancelled" => Err(InventoryError::Cancelled),
                Err(reason) => Err(InventoryError::BadDataFile {
                    url: crate::text::escape_control(&url).into_owned(),
                    reason,
                }),
            }
        }
    }))
    .buffer_unordered(concurrency.clamp(1, 16));
    let result: Result<Vec<u64>, InventoryError> = work.try_collect().await;
    drop(tx);
    let _ = fold.await;
    let rows = result?.iter().sum();
    Ok(ReadSummary {
        rows,
        files: m.files.len() as u64,
        fetched_bytes: stats.fetched.load(Ordering::Relaxed),
        requests: stats.requests.load(Ordering::Relaxed),
    })
}

/// Adds one row to the tree: current objects to the per-class aggregates, noncurrent
/// versions and delete markers to the hidden costs.
pub fn apply(tree: &mut PrefixTree, row: &Row) {
    if row.delete_marker {
        tree.add_delete_marker(&row.key);
    } else if !row.latest {
        tree.add_noncurrent(&row.key, row.size);
    } else {
        tree.add(&row.key, row.size, &row.class, row.mtime);
    }
}

/// Reads `report` into `tree` (rows under the tree's root prefix).
pub async fn read_into_tree(
    s3: &Client,
    endpoint: &str,
    report: &Report,
    tree: Arc<RwLock<PrefixTree>>,
    concurrency: usize,
    stats: Arc<ReadStats>,
    cancel: CancellationToken,
) -> Result<ReadSummary, InventoryError> {
    let prefix = tree
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .root_prefix
        .clone();
    let fold_stats = stats.clone();
    let sink = move |batch: Vec<Row>| {
        let mut t = tree
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (mut objects, mut bytes) = (0, 0);
        for row in &batch {
            apply(&mut t, row);
            if row.latest && !row.delete_marker {
                objects += 1;
                bytes += row.size;
            }
        }
        fold_stats.objects.fetch_add(objects, Ordering::Relaxed);
        fold_stats.bytes.fetch_add(bytes, Ordering::Relaxed);
    };
    let how = ReadHow {
        prefix,
        concurrency,
        stats,
        cancel,
    };
    read_rows(s3, endpoint, report, how, sink).await
}

enum Fetch {
    Request(InventoryError),
    Body(InventoryError),
}

impl std::fmt::Display for Fetch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Request(e) | Self::Body(e) => e.fmt(f),
        }
    }
}

/// Downloads one data file to a temporary file, checking its size and MD5 on the way.
async fn fetch(
    s3: &Client,
    endpoint: &str,
    bucket: &str,
    file: &DataFile,
    url: &str,
    stats: &ReadStats,
) -> Result<tempfile::TempPath, InventoryError> {
    let shown = crate::text::escape_control(url).into_owned();
    let damaged = |reason: String| InventoryError::BadDataFile {
        url: shown.clone(),
        reason,
    };
    let attempt = |_| async {
        stats.requests.fetch_add(1, Ordering::Relaxed);
        let out = s3
            .get_object()
            .bucket(bucket)
            .key(&file.key)
            .send()
            .await
            .map_err(|e| {
                Fetch::Request(match S3Error::classify(&e, endpoint, "GetObject", url) {
                    S3Error::NoSuchKey { .. } => {
                        damaged("it is missing although the manifest lists it".into())
                    }
                    other => other.into(),
                })
            })?;
        let io = |e: std::io::Error| {
            Fetch::Request(InventoryError::io("cannot write a temporary file")(e))
        };
        let mut tmp = tempfile::Builder::new()
            .prefix("s3scope-inventory-")
            .tempfile()
            .map_err(io)?;
        let mut hasher = Md5::new();
        let mut size = 0u64;
        let mut body = out.body;
        while let Some(chunk) = body.try_next().await.map_err(|e| {
            Fetch::Body(InventoryError::S3(S3Error::Unreachable {
                endpoint: endpoint.to_string(),
                detail: format!("the download of {shown} broke off ({e})"),
            }))
        })? {
            hasher.update(&chunk);
            size += chunk.len() as u64;
            stats
                .fetched
                .fetch_add(chunk.len() as u64, Ordering::Relaxed);
            tmp.write_all(&chunk).map_err(io)?;
        }
        tmp.flush().map_err(io)?;
        Ok((tmp.into_temp_path(), size, hex::encode(hasher.finalize())))
    };
    let classify = |f: &Fetch| match f {
        Fetch::Request(_) => Transience::Permanent,
        Fetch::Body(_) => Transience::Transient,
    };
    let (path, size, md5) = retry::run(&RetryPolicy::of_client(s3), None, url, attempt, classify)
        .await
        .map_err(|f| match f {
            Fetch::Request(e) | Fetch::Body(e) => e,
        })?;
    if size != file.size {
        return Err(damaged(format!(
            "it has {size} bytes but the manifest says {}",
            file.size
        )));
    }
    if !md5.eq_ignore_ascii_case(file.md5.trim()) {
        return Err(damaged(format!(
            "its MD5 is {md5} but the manifest says {}",
            crate::text::escape_control(file.md5.trim())
        )));
    }
    Ok(path)
}
