//! Report rows from a real listing: ListObjectsV2, or ListObjectVersions for a report with versions.

use super::Entry;
use crate::s3::error::S3Error;
use crate::scan::inventory::InventoryError;
use crate::scan::inventory::decode::decode_key;
use aws_sdk_s3::Client;
use aws_sdk_s3::types::EncodingType;
use chrono::{DateTime, Utc};

/// Every object of `bucket` under `prefix` as report rows: ListObjectsV2, or with `versions`
/// ListObjectVersions (every version and delete marker). A real listing, page by page.
pub async fn from_listing(
    s3: &Client,
    endpoint: &str,
    bucket: &str,
    prefix: &str,
    versions: bool,
) -> Result<Vec<Entry>, InventoryError> {
    let time = |t: Option<&aws_sdk_s3::primitives::DateTime>| {
        t.and_then(|t| DateTime::<Utc>::from_timestamp_millis(t.to_millis().ok()?))
    };
    // Keys come URL-encoded (encoding-type=url) so that any byte survives the XML.
    let key = |k: Option<&str>| {
        decode_key(k.unwrap_or_default().as_bytes()).map_err(|reason| InventoryError::Io {
            what: format!("listing s3://{bucket}"),
            detail: reason,
        })
    };
    let mut out = Vec::new();
    if !versions {
        let mut token = None;
        loop {
            let r = s3
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .encoding_type(EncodingType::Url)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| S3Error::classify(&e, endpoint, "ListObjectsV2", bucket))?;
            for o in r.contents() {
                out.push(Entry {
                    key: key(o.key())?,
                    size: u64::try_from(o.size().unwrap_or(0)).unwrap_or(0),
                    last_modified: time(o.last_modified()),
                    storage_class: o
                        .storage_class()
                        .map_or("STANDARD", |c| c.as_str())
                        .to_string(),
                    tier: None,
                    etag: o.e_tag().unwrap_or_default().trim_matches('"').to_string(),
                    version_id: None,
                    is_latest: true,
                    is_delete_marker: false,
                });
            }
            token = r.next_continuation_token().map(str::to_string);
            if token.is_none() {
                return Ok(out);
            }
        }
    }
    let (mut km, mut vm): (Option<String>, Option<String>) = (None, None);
    loop {
        let r = s3
            .list_object_versions()
            .bucket(bucket)
            .prefix(prefix)
            .encoding_type(EncodingType::Url)
            .set_key_marker(km)
            .set_version_id_marker(vm)
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, endpoint, "ListObjectVersions", bucket))?;
        for v in r.versions() {
            out.push(Entry {
                key: key(v.key())?,
                size: u64::try_from(v.size().unwrap_or(0)).unwrap_or(0),
                last_modified: time(v.last_modified()),
                storage_class: v
                    .storage_class()
                    .map_or("STANDARD", |c| c.as_str())
                    .to_string(),
                tier: None,
                etag: v.e_tag().unwrap_or_default().trim_matches('"').to_string(),
                version_id: v.version_id().map(str::to_string),
                is_latest: v.is_latest() == Some(true),
                is_delete_marker: false,
            });
        }
        for m in r.delete_markers() {
            out.push(Entry {
                key: key(m.key())?,
                last_modified: time(m.last_modified()),
                version_id: m.version_id().map(str::to_string),
                is_latest: m.is_latest() == Some(true),
                is_delete_marker: true,
                ..Entry::default()
            });
        }
        if r.is_truncated() != Some(true) {
            break;
        }
        km = r.next_key_marker().map(str::to_string);
        vm = r.next_version_id_marker().map(str::to_string);
        if km.is_none() {
            break;
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}
