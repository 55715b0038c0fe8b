//! The small collectors: bucket stats (bucket table sources), CloudWatch datapoints, RGW usage.

use super::{Collected, Ctx, Staged};
use crate::pipeline::PipelineError;
use crate::pipeline::parquet_io::{ParquetSink, i64_of};
use crate::pipeline::table::{Micros, Table};
use crate::pipeline::tables::{BucketStatsRow, CloudwatchRow, UsageHourRow};
use crate::s3::buckets::{list_buckets, resolve_regions};
use crate::s3::cloudwatch::bucket_metrics;
use crate::scan::buckets::{Source as TableSource, auto_source, bucket_table};
use crate::usage::Source;
use std::collections::BTreeMap;

type Totals = BTreeMap<String, BTreeMap<String, (u64, u64)>>;

/// Bucket stats: RGW admin stats or CloudWatch where the profile has them; otherwise the
/// totals of this run's listing, or a scan when the listing did not run.
pub(crate) async fn bucket_stats(
    ctx: &Ctx<'_>,
    listed: &Totals,
) -> Result<Collected, PipelineError> {
    let now = chrono::Utc::now().timestamp_micros();
    let mut rows = Vec::new();
    if auto_source(ctx.clients) == TableSource::Scan && !listed.is_empty() {
        let mut buckets = list_buckets(ctx.clients).await?;
        buckets.retain(|b| listed.contains_key(&b.name));
        let _ = resolve_regions(ctx.clients, &mut buckets).await;
        for b in buckets {
            for (class, (objects, bytes)) in &listed[&b.name] {
                rows.push(BucketStatsRow {
                    bucket: b.name.clone(),
                    region: b.region.clone(),
                    source: "listing".into(),
                    storage_class: class.clone(),
                    objects: Some(i64_of(*objects)),
                    bytes: Some(i64_of(*bytes)),
                    multipart_bytes: None,
                    as_of: Some(Micros(now)),
                    error: None,
                });
            }
        }
    } else {
        let keep = |name: &str| ctx.keeps(name);
        let table =
            bucket_table(ctx.clients, TableSource::Auto, &keep, ctx.req.concurrency).await?;
        for r in table {
            let source = serde_json::to_value(r.source)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let base =
                |storage_class: String, objects: Option<u64>, bytes: Option<u64>| BucketStatsRow {
                    bucket: r.bucket.clone(),
                    region: r.region.clone(),
                    source: source.clone(),
                    storage_class,
                    objects: objects.map(i64_of),
                    bytes: bytes.map(i64_of),
                    multipart_bytes: r.multipart_bytes.map(i64_of),
                    as_of: r.as_of.map(|t| Micros(t.timestamp_micros())),
                    error: r.error.clone(),
                };
            if r.storage_classes.is_empty() {
                rows.push(base(String::new(), r.objects, r.bytes));
            }
            for (class, t) in &r.storage_classes {
                rows.push(base(class.clone(), Some(t.objects), Some(t.bytes)));
            }
        }
    }
    ctx.progress.add(rows.len() as u64, 0);
    if rows.is_empty() {
        return Ok(Collected::default());
    }
    let path = ctx.staging.join("bucket_stats.parquet");
    let mut sink = ParquetSink::create(&path, BucketStatsRow::schema(false))?;
    sink.write_columns(BucketStatsRow::columns(&rows, false))?;
    let n = sink.close()?;
    let mut buckets: Vec<String> = rows.iter().map(|r| r.bucket.clone()).collect();
    buckets.dedup();
    Ok(Collected {
        files: vec![Staged {
            table: BucketStatsRow::NAME,
            path,
            rows: n,
            buckets,
        }],
        ..Default::default()
    })
}

/// CloudWatch: the newest daily storage datapoints up to the window's end, per region.
pub(crate) async fn cloudwatch(ctx: &Ctx<'_>) -> Result<Collected, PipelineError> {
    // A custom S3 endpoint has no CloudWatch, unless one is configured for the SDK by
    // AWS_ENDPOINT_URL_CLOUDWATCH (e.g. a test server, or a proxy).
    let cw_endpoint = std::env::var_os("AWS_ENDPOINT_URL_CLOUDWATCH").is_some();
    if ctx.clients.profile().endpoint.is_some() && !cw_endpoint {
        return Err(PipelineError::Other(
            "CloudWatch storage metrics exist on AWS only; this profile has a custom endpoint \
             (use bucket-stats or listing instead)"
                .into(),
        ));
    }
    let mut buckets = list_buckets(ctx.clients).await?;
    buckets.retain(|b| ctx.keeps(&b.name));
    let _ = resolve_regions(ctx.clients, &mut buckets).await;
    let mut by_region: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in &buckets {
        let region = b
            .region
            .clone()
            .unwrap_or_else(|| ctx.clients.default_region().to_string());
        by_region.entry(region).or_default().push(b.name.clone());
    }
    let days = ctx.window.duration().num_days().clamp(1, 455) + 2;
    let mut rows: Vec<CloudwatchRow> = Vec::new();
    for (region, names) in by_region {
        let cw = ctx.clients.cloudwatch_in(&region);
        let label = format!("CloudWatch ({region})");
        let found = bucket_metrics(&cw, &names, ctx.window.until, days, &label).await?;
        for (bucket, m) in found {
            let row = |metric: &str, storage_class: &str, value: u64| CloudwatchRow {
                bucket: bucket.clone(),
                region: region.clone(),
                metric: metric.to_string(),
                storage_class: storage_class.to_string(),
                value: i64_of(value),
                timestamp: m.as_of.map(|t| Micros(t.timestamp_micros())),
            };
            for (class, bytes) in &m.bytes_by_class {
                rows.push(row("BucketSizeBytes", class, *bytes));
            }
            if let Some(objects) = m.objects {
                rows.push(row("NumberOfObjects", "AllStorageTypes", objects));
            }
        }
    }
    ctx.progress.add(rows.len() as u64, 0);
    if rows.is_empty() {
        return Ok(Collected::default());
    }
    let path = ctx.staging.join("cloudwatch.parquet");
    let mut sink = ParquetSink::create(&path, CloudwatchRow::schema(false))?;
    sink.write_columns(CloudwatchRow::columns(&rows, false))?;
    let n = sink.close()?;
    Ok(Collected {
        files: vec![Staged {
            table: CloudwatchRow::NAME,
            path,
            rows: n,
            buckets: Vec::new(),
        }],
        ..Default::default()
    })
}

/// Usage of the window by hour: RGW admin usage entries, or S3 server access logs.
pub(crate) async fn usage(ctx: &Ctx<'_>) -> Result<Collected, PipelineError> {
    let other = |e: crate::usage::UsageError| PipelineError::Other(e.to_string());
    let hours = match &ctx.req.usage_source {
        Some(Source::AccessLogs {
            bucket,
            prefix,
            lag,
        }) => access_logs(ctx, bucket, prefix, *lag).await?,
        Some(Source::Rgw { uid, bucket }) => {
            let admin = crate::usage::rgw::admin(ctx.clients).await.map_err(other)?;
            let answer =
                crate::usage::rgw::read(&admin, uid.as_deref(), bucket.as_deref(), &ctx.window)
                    .await
                    .map_err(other)?;
            crate::usage::rgw::to_hours(&answer, &ctx.window).hours
        }
        None if ctx.clients.profile().rgw_admin => {
            let admin = crate::usage::rgw::admin(ctx.clients).await.map_err(other)?;
            let answer = crate::usage::rgw::read(&admin, None, None, &ctx.window)
                .await
                .map_err(other)?;
            crate::usage::rgw::to_hours(&answer, &ctx.window).hours
        }
        None => {
            return Err(PipelineError::Other(format!(
                "the usage source needs the Ceph RGW admin API (set rgw_admin = true in profile \
                 `{}`) or access logs (--log-bucket, or log_bucket in [profiles.{}.usage])",
                ctx.clients.profile().name,
                ctx.clients.profile().name
            )));
        }
    };
    let mut rows = Vec::new();
    for (hour, hrows) in &hours {
        for (k, c) in hrows {
            if !k.bucket.is_empty() && !ctx.keeps(&k.bucket) {
                continue;
            }
            rows.push(UsageHourRow {
                hour: Micros(hour.timestamp_micros()),
                user: k.user.clone(),
                bucket: k.bucket.clone(),
                category: k.category.clone(),
                ops: i64_of(c.ops),
                successful_ops: i64_of(c.successful_ops),
                bytes_sent: i64_of(c.bytes_sent),
                bytes_received: i64_of(c.bytes_received),
            });
        }
    }
    ctx.progress.add(rows.len() as u64, 0);
    if rows.is_empty() {
        return Ok(Collected::default());
    }
    let path = ctx.staging.join("usage.parquet");
    let mut sink = ParquetSink::create(&path, UsageHourRow::schema(false))?;
    sink.write_columns(UsageHourRow::columns(&rows, false))?;
    let n = sink.close()?;
    Ok(Collected {
        files: vec![Staged {
            table: UsageHourRow::NAME,
            path,
            rows: n,
            buckets: Vec::new(),
        }],
        ..Default::default()
    })
}

/// The access-log objects delivered for the window (up to `lag` after it), read and summed;
/// only requests inside the window count.
async fn access_logs(
    ctx: &Ctx<'_>,
    bucket: &str,
    prefix: &str,
    lag: chrono::Duration,
) -> Result<crate::usage::model::Hours, PipelineError> {
    let other = |e: crate::usage::UsageError| PipelineError::Other(e.to_string());
    let s3 = ctx.clients.s3_for_bucket(bucket).await?;
    let endpoint = ctx.clients.endpoint_label();
    // The objects are counted apart: the stage counts the rows it extracts.
    let progress = crate::job::Progress::default().with_cancel(ctx.progress.cancel.child_token());
    let objects = crate::usage::logs::list::list_log_objects(
        &s3,
        &endpoint,
        bucket,
        prefix,
        ctx.window.since,
        ctx.window.until + lag,
        &progress,
    )
    .await?;
    let reader = crate::usage::logs::read::Reader {
        s3: &s3,
        endpoint: &endpoint,
        bucket,
        concurrency: ctx.req.concurrency.clamp(1, 64),
        progress: &progress,
        cancel: &ctx.progress.cancel,
        chunks: None,
    };
    let batch = reader.read(objects).await.map_err(other)?;
    let mut hours = batch.tally.into_hours();
    hours.retain(|h, _| ctx.window.contains(*h));
    Ok(hours)
}
