//! Planning a cleanup: ListObjectVersions and ListMultipartUploads (+ ListParts) under the
//! prefix, then a pure selection of what the spec removes.

use super::{CleanupError, CleanupItem, CleanupPlan, CleanupSpec, Tally};
use crate::job::Progress;
use crate::prices::Prices;
use crate::s3::error::S3Error;
use crate::s3::hidden::{self, Upload};
use aws_sdk_s3::Client;
use aws_sdk_s3::types::EncodingType;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// ListParts requests in flight while sizing uploads.
const PARTS_CONCURRENCY: usize = 8;

/// One entry of ListObjectVersions: a version or a delete marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub key: String,
    pub version_id: String,
    pub latest: bool,
    pub last_modified: Option<DateTime<Utc>>,
    /// None for a delete marker.
    pub object: Option<(u64, String)>,
}

/// Lists what `spec` looks at and picks its items. Progress: stage `listing`, entries found,
/// `calls` LIST calls; stops with [`CleanupError::Cancelled`] between pages once cancelled.
pub async fn plan(
    s3: &Client,
    endpoint: &str,
    spec: &CleanupSpec,
    prices: Option<&Prices>,
    progress: &Progress,
) -> Result<CleanupPlan, CleanupError> {
    if spec.is_empty() {
        return Err(CleanupError::Empty);
    }
    progress.stage("listing");
    let versions = if spec.noncurrent_older_than.is_some() || spec.delete_markers {
        list_versions(s3, &spec.bucket, &spec.prefix, endpoint, progress).await?
    } else {
        Vec::new()
    };
    let uploads = if spec.uploads_older_than.is_some() {
        let u =
            hidden::uploads(s3, &spec.bucket, &spec.prefix, endpoint, PARTS_CONCURRENCY).await?;
        progress.add_calls(1 + u.len() as u64);
        progress.add(u.len() as u64, 0);
        u
    } else {
        Vec::new()
    };
    if progress.cancel.is_cancelled() {
        return Err(CleanupError::Cancelled);
    }
    let mut plan = select(spec, &versions, &uploads, prices);
    plan.calls = progress.calls();
    Ok(plan)
}

/// The plan `spec` makes of these listings (pure: the tests feed it made-up listings).
pub fn select(
    spec: &CleanupSpec,
    versions: &[Listed],
    uploads: &[Upload],
    prices: Option<&Prices>,
) -> CleanupPlan {
    let mut items = Vec::new();
    if let Some(age) = spec.uploads_older_than {
        let cutoff = spec.as_of - age.delta();
        let mut old: Vec<&Upload> = uploads
            .iter()
            .filter(|u| u.key.starts_with(&spec.prefix))
            .filter(|u| u.initiated.is_some_and(|i| i <= cutoff))
            .collect();
        old.sort_by(|a, b| (&a.key, &a.upload_id).cmp(&(&b.key, &b.upload_id)));
        for u in old {
            items.push(CleanupItem::Upload {
                key: u.key.clone(),
                upload_id: u.upload_id.clone(),
                initiated: u.initiated.unwrap_or(spec.as_of),
                parts: u.parts,
                bytes: u.bytes,
            });
        }
    }
    let mut by_key: BTreeMap<&str, Vec<&Listed>> = BTreeMap::new();
    for v in versions.iter().filter(|v| v.key.starts_with(&spec.prefix)) {
        by_key.entry(&v.key).or_default().push(v);
    }
    let mut markers = Vec::new();
    for (key, mut entries) in by_key {
        // Newest first; the current one first among equal times.
        entries.sort_by(|a, b| {
            b.last_modified
                .cmp(&a.last_modified)
                .then(b.latest.cmp(&a.latest))
        });
        let mut versions_left = 0;
        let mut current_marker: Option<&Listed> = None;
        for (i, e) in entries.iter().enumerate() {
            if e.latest {
                match e.object {
                    None => current_marker = Some(e),
                    Some(_) => versions_left += 1,
                }
                continue;
            }
            let since = i
                .checked_sub(1)
                .and_then(|j| entries[j].last_modified)
                .or(e.last_modified);
            match &e.object {
                Some((size, class)) => {
                    let old = spec
                        .noncurrent_older_than
                        .is_some_and(|age| since.is_some_and(|s| s <= spec.as_of - age.delta()));
                    if old {
                        items.push(CleanupItem::Version {
                            key: key.to_string(),
                            version_id: e.version_id.clone(),
                            size: *size,
                            storage_class: class.clone(),
                            noncurrent_since: since.unwrap_or(spec.as_of),
                        });
                    } else {
                        versions_left += 1;
                    }
                }
                None if spec.delete_markers => markers.push(CleanupItem::DeleteMarker {
                    key: key.to_string(),
                    version_id: e.version_id.clone(),
                    last_modified: e.last_modified,
                    latest: false,
                }),
                None => {}
            }
        }
        if spec.delete_markers
            && versions_left == 0
            && let Some(m) = current_marker
        {
            markers.push(CleanupItem::DeleteMarker {
                key: key.to_string(),
                version_id: m.version_id.clone(),
                last_modified: m.last_modified,
                latest: true,
            });
        }
    }
    items.extend(markers);
    let (mut up, mut ver, mut mark) = (Tally::default(), Tally::default(), Tally::default());
    let mut saving = 0.0;
    for item in &items {
        match item {
            CleanupItem::Upload { .. } => up.add(item.bytes()),
            CleanupItem::Version { .. } => ver.add(item.bytes()),
            CleanupItem::DeleteMarker { .. } => mark.add(0),
        }
        if let Some(p) = prices {
            saving += p.monthly(item.storage_class(), item.bytes());
        }
    }
    CleanupPlan {
        id: plan_id(spec, &items),
        spec: spec.clone(),
        uploads: up,
        versions: ver,
        delete_markers: mark,
        monthly_saving_usd: prices.map(|_| saving),
        calls: 0,
        items,
    }
}

fn plan_id(spec: &CleanupSpec, items: &[CleanupItem]) -> String {
    use md5::{Digest, Md5};
    let mut h = Md5::new();
    h.update(serde_json::to_vec(spec).unwrap_or_default());
    for i in items {
        h.update(i.id().as_bytes());
        h.update([1u8]);
    }
    hex::encode(&h.finalize()[..8])
}

/// Every version and delete marker under `prefix` (keys URL-encoded on the wire, so any key
/// survives the XML).
pub async fn list_versions(
    s3: &Client,
    bucket: &str,
    prefix: &str,
    endpoint: &str,
    progress: &Progress,
) -> Result<Vec<Listed>, CleanupError> {
    let (mut key_marker, mut version_marker): (Option<String>, Option<String>) = (None, None);
    let mut out = Vec::new();
    loop {
        if progress.cancel.is_cancelled() {
            return Err(CleanupError::Cancelled);
        }
        let r = s3
            .list_object_versions()
            .bucket(bucket)
            .prefix(prefix)
            .encoding_type(EncodingType::Url)
            .set_key_marker(key_marker.clone())
            .set_version_id_marker(version_marker.clone())
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, endpoint, "ListObjectVersions", bucket))?;
        progress.add_calls(1);
        let time = |d: Option<&aws_sdk_s3::primitives::DateTime>| {
            d.and_then(|d| DateTime::<Utc>::from_timestamp(d.secs(), d.subsec_nanos()))
        };
        for v in r.versions() {
            let size = u64::try_from(v.size().unwrap_or(0)).unwrap_or(0);
            progress.add(1, size);
            out.push(Listed {
                key: decode(v.key().unwrap_or_default()),
                version_id: v.version_id().unwrap_or("null").to_string(),
                latest: v.is_latest() == Some(true),
                last_modified: time(v.last_modified()),
                object: Some((
                    size,
                    v.storage_class()
                        .map_or("STANDARD", |c| c.as_str())
                        .to_string(),
                )),
            });
        }
        for m in r.delete_markers() {
            progress.add(1, 0);
            out.push(Listed {
                key: decode(m.key().unwrap_or_default()),
                version_id: m.version_id().unwrap_or("null").to_string(),
                latest: m.is_latest() == Some(true),
                last_modified: time(m.last_modified()),
                object: None,
            });
        }
        if r.is_truncated() != Some(true) {
            return Ok(out);
        }
        // The markers come back encoded too (when the server encodes).
        key_marker = r.next_key_marker().map(decode);
        version_marker = r.next_version_id_marker().map(str::to_string);
        if key_marker.is_none() {
            return Ok(out);
        }
    }
}

fn decode(s: &str) -> String {
    let plus = s.replace('+', " ");
    percent_encoding::percent_decode_str(&plus)
        .decode_utf8_lossy()
        .into_owned()
}
