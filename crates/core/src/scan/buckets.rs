//! The bucket table (C2): size and objects per bucket and storage class from the cheapest source.
//!
//! Sources: `rgw` (Ceph admin bucket stats: exact, one call), `cloudwatch` (AWS daily
//! metrics: one batch per region), `scan` (listing: exact, O(objects)). `auto` picks rgw when
//! the profile enables the admin API, cloudwatch on AWS, scan otherwise; a bucket the chosen
//! source cannot answer for falls back to a scan. One bucket failing marks only its row.

use super::job::{self, ScanRequest};
use super::report::ClassTotal;
use crate::s3::buckets::{BucketInfo, list_buckets};
use crate::s3::client::Clients;
use crate::s3::cloudwatch::{CwBucket, bucket_metrics};
use crate::s3::error::S3Error;
use crate::s3::rgw::{BucketStats, RgwAdmin};
use chrono::{DateTime, Utc};
use futures::StreamExt as _;
use serde::Serialize;
use std::collections::BTreeMap;

/// Where the numbers come from.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Auto,
    Scan,
    Rgw,
    Cloudwatch,
    /// Each bucket's S3 Inventory report (as of the report; no LIST calls).
    Inventory,
}

/// One row of the bucket table. Unknown values are None, never a made-up zero.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BucketRow {
    pub bucket: String,
    pub region: Option<String>,
    pub objects: Option<u64>,
    pub bytes: Option<u64>,
    /// Per storage class; `objects` is 0 where the source gives bytes only (CloudWatch).
    pub storage_classes: BTreeMap<String, ClassTotal>,
    /// Bytes of incomplete multipart uploads, when the source knows them (RGW).
    pub multipart_bytes: Option<u64>,
    pub created: Option<DateTime<Utc>>,
    pub source: Source,
    pub as_of: Option<DateTime<Utc>>,
    /// Why this row has no numbers (access denied, unreachable region...).
    pub error: Option<String>,
}

impl BucketRow {
    fn empty(b: &BucketInfo, source: Source) -> Self {
        Self {
            bucket: b.name.clone(),
            region: b.region.clone(),
            objects: None,
            bytes: None,
            storage_classes: BTreeMap::new(),
            multipart_bytes: None,
            created: b.created,
            source,
            as_of: None,
            error: None,
        }
    }
}

/// GetBucketLocation calls in flight while the table is built.
const REGION_LOOKUPS_AT_ONCE: usize = 16;
/// Buckets scanned at the same time by the `scan` source.
const SCANS_AT_ONCE: usize = 4;

/// The source `auto` resolves to for a profile.
pub fn auto_source(clients: &Clients) -> Source {
    let p = clients.profile();
    if p.rgw_admin {
        Source::Rgw
    } else if p.endpoint.is_none() {
        Source::Cloudwatch
    } else {
        Source::Scan
    }
}

/// Builds the table for the buckets whose name passes `keep`.
pub async fn bucket_table(
    clients: &Clients,
    source: Source,
    keep: &(dyn Fn(&str) -> bool + Sync),
    concurrency: usize,
) -> Result<Vec<BucketRow>, S3Error> {
    let mut buckets = list_buckets(clients).await?;
    buckets.retain(|b| keep(&b.name));
    let source = if source == Source::Auto {
        auto_source(clients)
    } else {
        source
    };
    let mut rows = Vec::with_capacity(buckets.len());
    // Region lookups at once (a thousand buckets one after another take minutes on AWS).
    let pending: Vec<_> = buckets
        .iter()
        .enumerate()
        .filter(|(_, b)| b.region.is_none())
        .map(|(i, b)| region_of(clients, i, b.name.clone()))
        .collect();
    let lookups: Vec<(usize, Option<String>)> = futures::stream::iter(pending)
        .buffer_unordered(REGION_LOOKUPS_AT_ONCE)
        .collect()
        .await;
    for (i, region) in lookups {
        buckets[i].region = region;
    }
    let mut missing: Vec<usize> = Vec::new();
    match source {
        Source::Rgw => {
            let stats = rgw_stats(clients).await?;
            for (i, b) in buckets.iter().enumerate() {
                match stats.iter().find(|s| s.bucket == b.name) {
                    Some(s) => rows.push(from_rgw(b, s)),
                    None => {
                        rows.push(BucketRow::empty(b, Source::Scan));
                        missing.push(i);
                    }
                }
            }
        }
        Source::Cloudwatch => {
            let metrics = cloudwatch_all(clients, &buckets).await;
            for (i, b) in buckets.iter().enumerate() {
                match metrics.get(&b.name) {
                    Some(Ok(m)) => rows.push(from_cloudwatch(b, m)),
                    Some(Err(e)) => {
                        let mut r = BucketRow::empty(b, Source::Cloudwatch);
                        r.error = Some(e.to_string());
                        rows.push(r);
                    }
                    None => {
                        rows.push(BucketRow::empty(b, Source::Scan));
                        missing.push(i);
                    }
                }
            }
        }
        Source::Inventory => {
            let pending: Vec<_> = buckets
                .iter()
                .map(|b| async {
                    let mut row = BucketRow::empty(b, Source::Inventory);
                    super::inventory::table::fill_row(clients, &mut row, concurrency).await;
                    row
                })
                .collect();
            let filled: Vec<BucketRow> = futures::stream::iter(pending)
                .buffered(SCANS_AT_ONCE)
                .collect()
                .await;
            rows.extend(filled);
        }
        Source::Scan | Source::Auto => {
            for (i, b) in buckets.iter().enumerate() {
                rows.push(BucketRow::empty(b, Source::Scan));
                missing.push(i);
            }
        }
    }
    // Several buckets scanned at once, sharing the LIST concurrency between them: a table of
    // many small buckets is as fast as their pages allow, and the total of requests in flight
    // stays near `concurrency`.
    let at_once = missing.len().clamp(1, SCANS_AT_ONCE);
    let each = concurrency.div_ceil(at_once).max(2);
    let pending: Vec<_> = missing
        .into_iter()
        .map(|i| scanned_row(clients, i, rows[i].clone(), each))
        .collect();
    let scanned: Vec<(usize, BucketRow)> = futures::stream::iter(pending)
        .buffer_unordered(at_once)
        .collect()
        .await;
    for (i, row) in scanned {
        rows[i] = row;
    }
    Ok(rows)
}

async fn rgw_stats(clients: &Clients) -> Result<Vec<BucketStats>, S3Error> {
    let endpoint = clients
        .profile()
        .endpoint
        .as_ref()
        .ok_or_else(|| S3Error::Other {
            operation: "RGW admin API".into(),
            detail: "rgw_admin needs an endpoint in the profile".into(),
        })?;
    let (ak, sk) = clients.static_credentials().await?;
    // The profile's retry policy, attempt timeout and limiter, like every other call.
    let b = clients.configure_rgw(RgwAdmin::builder(endpoint.as_str(), ak, sk.expose()));
    let rgw_err = |e: crate::s3::rgw::RgwError| S3Error::Other {
        operation: "GET /admin/bucket".into(),
        detail: e.to_string(),
    };
    let admin = b.build().map_err(rgw_err)?;
    admin.bucket_stats(None).await.map_err(rgw_err)
}

fn from_rgw(b: &BucketInfo, s: &BucketStats) -> BucketRow {
    let main = s.main();
    let mut row = BucketRow::empty(b, Source::Rgw);
    row.objects = Some(main.num_objects);
    row.bytes = Some(main.size);
    if main.num_objects > 0 {
        // RGW reports one pool per placement; its bucket stats do not split by class.
        row.storage_classes.insert(
            "STANDARD".into(),
            ClassTotal {
                objects: main.num_objects,
                bytes: main.size,
            },
        );
    }
    let mp = s.multipart_meta();
    row.multipart_bytes = Some(mp.size);
    row.as_of = Some(Utc::now());
    row
}

/// CloudWatch per region: the buckets of each region in one batched read.
async fn cloudwatch_all(
    clients: &Clients,
    buckets: &[BucketInfo],
) -> BTreeMap<String, Result<CwBucket, S3Error>> {
    let mut by_region: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in buckets {
        let region = b
            .region
            .clone()
            .unwrap_or_else(|| clients.default_region().to_string());
        by_region.entry(region).or_default().push(b.name.clone());
    }
    let mut out = BTreeMap::new();
    let now = Utc::now();
    for (region, names) in by_region {
        let cw = clients.cloudwatch_in(&region);
        match bucket_metrics(&cw, &names, now, 3, &format!("CloudWatch ({region})")).await {
            Ok(found) => {
                for (name, m) in found {
                    out.insert(name, Ok(m));
                }
            }
            Err(e) => {
                for name in names {
                    out.insert(name, Err(e.clone()));
                }
            }
        }
    }
    out
}

fn from_cloudwatch(b: &BucketInfo, m: &CwBucket) -> BucketRow {
    let mut row = BucketRow::empty(b, Source::Cloudwatch);
    row.objects = m.objects;
    row.bytes = Some(m.bytes_by_class.values().sum());
    for (class, bytes) in &m.bytes_by_class {
        row.storage_classes.insert(
            class.clone(),
            ClassTotal {
                objects: 0,
                bytes: *bytes,
            },
        );
    }
    row.as_of = m.as_of;
    row
}

async fn region_of(clients: &Clients, i: usize, bucket: String) -> (usize, Option<String>) {
    (i, clients.bucket_region(&bucket).await.ok())
}

async fn scanned_row(
    clients: &Clients,
    i: usize,
    mut row: BucketRow,
    concurrency: usize,
) -> (usize, BucketRow) {
    scan_into(clients, &mut row, concurrency).await;
    (i, row)
}

async fn scan_into(clients: &Clients, row: &mut BucketRow, concurrency: usize) {
    let scan = job::start(ScanRequest {
        bucket: row.bucket.clone(),
        prefix: String::new(),
        concurrency,
        versions: false,
        multipart: false,
        hints: Vec::new(),
    });
    match job::run(&scan, clients).await {
        Ok(_) => {
            let tree = scan
                .tree
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let total = &tree.node(0).total;
            row.objects = Some(total.objects());
            row.bytes = Some(total.bytes());
            for (i, c) in total
                .classes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.objects > 0)
            {
                row.storage_classes.insert(
                    tree.classes[i].clone(),
                    ClassTotal {
                        objects: c.objects,
                        bytes: c.bytes,
                    },
                );
            }
            row.as_of = Some(Utc::now());
        }
        Err(e) => row.error = Some(e.to_string()),
    }
}
