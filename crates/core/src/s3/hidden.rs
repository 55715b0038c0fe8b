//! Hidden costs a plain listing misses: noncurrent versions, delete markers, incomplete uploads.

use super::error::S3Error;
use aws_sdk_s3::Client;
use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};

/// One entry of ListObjectVersions that is not the current object.
#[derive(Debug, Clone, PartialEq)]
pub enum HiddenVersion {
    Noncurrent { key: String, size: u64 },
    DeleteMarker { key: String },
}

/// An incomplete multipart upload and the bytes its parts hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub key: String,
    pub upload_id: String,
    pub initiated: Option<DateTime<Utc>>,
    pub parts: u64,
    pub bytes: u64,
}

/// Every noncurrent version and delete marker under `prefix`, page by page into `f`.
/// Returns the number of LIST calls made.
pub async fn versions(
    client: &Client,
    bucket: &str,
    prefix: &str,
    endpoint: &str,
    mut f: impl FnMut(HiddenVersion),
) -> Result<u64, S3Error> {
    let (mut key_marker, mut version_marker): (Option<String>, Option<String>) = (None, None);
    let mut calls = 0;
    loop {
        let r = client
            .list_object_versions()
            .bucket(bucket)
            .prefix(prefix)
            .set_key_marker(key_marker.clone())
            .set_version_id_marker(version_marker.clone())
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, endpoint, "ListObjectVersions", bucket))?;
        calls += 1;
        for v in r.versions().iter().filter(|v| v.is_latest() == Some(false)) {
            f(HiddenVersion::Noncurrent {
                key: v.key().unwrap_or_default().to_string(),
                size: u64::try_from(v.size().unwrap_or(0)).unwrap_or(0),
            });
        }
        for m in r.delete_markers() {
            f(HiddenVersion::DeleteMarker {
                key: m.key().unwrap_or_default().to_string(),
            });
        }
        if r.is_truncated() != Some(true) {
            return Ok(calls);
        }
        key_marker = r.next_key_marker().map(str::to_string);
        version_marker = r.next_version_id_marker().map(str::to_string);
        if key_marker.is_none() {
            return Ok(calls);
        }
    }
}

/// Incomplete multipart uploads under `prefix`, each with the size of its parts (ListParts,
/// `concurrency` at a time).
pub async fn uploads(
    client: &Client,
    bucket: &str,
    prefix: &str,
    endpoint: &str,
    concurrency: usize,
) -> Result<Vec<Upload>, S3Error> {
    let mut found = Vec::new();
    let (mut key_marker, mut id_marker): (Option<String>, Option<String>) = (None, None);
    loop {
        let r = client
            .list_multipart_uploads()
            .bucket(bucket)
            .prefix(prefix)
            .set_key_marker(key_marker.clone())
            .set_upload_id_marker(id_marker.clone())
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, endpoint, "ListMultipartUploads", bucket))?;
        for u in r.uploads() {
            found.push(Upload {
                key: u.key().unwrap_or_default().to_string(),
                upload_id: u.upload_id().unwrap_or_default().to_string(),
                initiated: u
                    .initiated()
                    .and_then(|d| DateTime::<Utc>::from_timestamp(d.secs(), d.subsec_nanos())),
                parts: 0,
                bytes: 0,
            });
        }
        if r.is_truncated() != Some(true) {
            break;
        }
        key_marker = r.next_key_marker().map(str::to_string);
        id_marker = r.next_upload_id_marker().map(str::to_string);
        if key_marker.is_none() {
            break;
        }
    }
    let sized = stream::iter(
        found
            .into_iter()
            .map(|u| async move { sized(client, bucket, endpoint, u).await }),
    )
    .buffer_unordered(concurrency.max(1))
    .collect::<Vec<_>>()
    .await;
    sized.into_iter().collect()
}

async fn sized(
    client: &Client,
    bucket: &str,
    endpoint: &str,
    mut u: Upload,
) -> Result<Upload, S3Error> {
    let mut marker: Option<String> = None;
    loop {
        let r = client
            .list_parts()
            .bucket(bucket)
            .key(&u.key)
            .upload_id(&u.upload_id)
            .set_part_number_marker(marker.clone())
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, endpoint, "ListParts", bucket))?;
        for p in r.parts() {
            u.parts += 1;
            u.bytes += u64::try_from(p.size().unwrap_or(0)).unwrap_or(0);
        }
        if r.is_truncated() != Some(true) {
            return Ok(u);
        }
        marker = r.next_part_number_marker().map(str::to_string);
        if marker.is_none() {
            return Ok(u);
        }
    }
}
