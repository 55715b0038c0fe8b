//! A bucket's report from a profile's clients: find it (given or discovered), read it into a
//! tree, and say when it is older than the bucket's newest objects.

use super::InventoryError;
use super::locate::{self, ConfigRoot, Report};
use super::read::{self, ReadStats, ReadSummary};
use crate::s3::client::Clients;
use crate::s3::error::S3Error;
use crate::scan::tree::PrefixTree;
use chrono::{DateTime, Utc};
use std::sync::{Arc, RwLock};
use tokio_util::sync::CancellationToken;

/// The report to read for `prefix` of `bucket`: under `root` when given, else the
/// configuration ListBucketInventoryConfigurations names. Checked: its source bucket, a format
/// s3scope reads, its manifest's checksum.
pub async fn find_report(
    clients: &Clients,
    bucket: &str,
    prefix: &str,
    root: Option<ConfigRoot>,
) -> Result<Report, InventoryError> {
    let ep = clients.endpoint_label();
    let root = match root {
        Some(r) => r,
        None => discover(clients, bucket, prefix).await?,
    };
    let s3 = clients.s3_for_bucket(&root.bucket).await?;
    let report = locate::newest(&s3, &ep, &root).await?;
    read::check(&report, bucket)?;
    Ok(report)
}

/// The folder of the configuration to read, from the bucket's inventory configurations.
pub async fn discover(
    clients: &Clients,
    bucket: &str,
    prefix: &str,
) -> Result<ConfigRoot, InventoryError> {
    let ep = clients.endpoint_label();
    let s3 = clients.s3_for_bucket(bucket).await?;
    let hint =
        format!("give the report's folder with --inventory s3://DEST/PREFIX/{bucket}/CONFIG-ID/");
    let configs = locate::configurations(&s3, &ep, bucket)
        .await
        .map_err(|e| InventoryError::NotFound {
            url: format!("s3://{bucket}"),
            reason: format!("its inventory configurations cannot be read ({e}); {hint}"),
        })?;
    locate::pick(&configs, prefix)
        .map(|c| c.root.clone())
        .ok_or_else(|| InventoryError::NotFound {
            url: format!("s3://{bucket}"),
            reason: format!(
                "it has no enabled inventory configuration covering `{}`; {hint}",
                crate::text::escape_control(prefix)
            ),
        })
}

/// Reads `report` into a new tree rooted at `prefix`, shared so that it can be shown while it grows.
pub async fn read_tree(
    clients: &Clients,
    report: &Report,
    tree: Arc<RwLock<PrefixTree>>,
    concurrency: usize,
    stats: Arc<ReadStats>,
    cancel: CancellationToken,
) -> Result<ReadSummary, InventoryError> {
    let s3 = clients.s3_for_bucket(&report.bucket).await?;
    let ep = clients.endpoint_label();
    let summary =
        read::read_into_tree(&s3, &ep, report, tree, concurrency, stats, cancel.clone()).await?;
    if cancel.is_cancelled() {
        return Err(InventoryError::Cancelled);
    }
    Ok(summary)
}

/// Reasons to doubt that a report is current: objects of the location changed after it (one
/// LIST page of up to 1000 keys is looked at: a cheap sample, not a scan), and its age.
pub async fn staleness(
    clients: &Clients,
    report: &Report,
    bucket: &str,
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, S3Error> {
    let as_of = report.manifest.created;
    let mut out = Vec::new();
    let s3 = clients.s3_for_bucket(bucket).await?;
    let page = s3
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .max_keys(1000)
        .encoding_type(aws_sdk_s3::types::EncodingType::Url)
        .send()
        .await
        .map_err(|e| S3Error::classify(&e, &clients.endpoint_label(), "ListObjectsV2", bucket))?;
    let newer: Vec<(String, DateTime<Utc>)> = page
        .contents()
        .iter()
        .filter_map(|o| {
            let t = DateTime::<Utc>::from_timestamp_millis(o.last_modified()?.to_millis().ok()?)?;
            let key = super::decode::decode_key(o.key().unwrap_or_default().as_bytes())
                .unwrap_or_else(|_| o.key().unwrap_or_default().to_string());
            (t > as_of).then_some((key, t))
        })
        .collect();
    if let Some((key, t)) = newer.iter().max_by_key(|(_, t)| *t) {
        out.push(format!(
            "the report is older than the bucket's newest objects: {} of the first {} objects listed changed after {} (newest: {} at {}); they are missing from it or counted as they were",
            newer.len(),
            page.contents().len(),
            as_of.format("%Y-%m-%d %H:%M UTC"),
            crate::text::escape_control(key),
            t.format("%Y-%m-%d %H:%M UTC"),
        ));
    }
    let age = now - as_of;
    if age > chrono::Duration::hours(48) {
        out.push(format!(
            "the report is {} days old; a daily report should be at most a day old: is the inventory configuration still enabled?",
            age.num_days()
        ));
    }
    Ok(out)
}
