//! Details of one bucket or object from HEAD requests (the object details view and `s3scope head`).

use super::client::Clients;
use super::error::S3Error;
use super::location::S3Location;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

/// What HEAD tells about one object (plus its tag count).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ObjectDetails {
    pub bucket: String,
    pub key: String,
    pub size: i64,
    pub storage_class: String,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
    pub version_id: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub tag_count: Option<i32>,
}

/// What s3scope can tell about a bucket cheaply.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BucketDetails {
    pub bucket: String,
    pub region: String,
    pub versioning: String,
}

/// HEAD of a bucket: it exists and is reachable, its region, its versioning status.
pub async fn head_bucket(clients: &Clients, bucket: &str) -> Result<BucketDetails, S3Error> {
    let region = clients
        .bucket_region(bucket)
        .await
        .map_err(|e| not_found(e, bucket))?;
    let s3 = clients.s3_in(&region);
    let ep = clients.endpoint_label();
    s3.head_bucket()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| not_found(S3Error::classify(&e, &ep, "HeadBucket", bucket), bucket))?;
    let versioning = match s3.get_bucket_versioning().bucket(bucket).send().await {
        Ok(v) => v
            .status()
            .map_or("never enabled", |s| s.as_str())
            .to_string(),
        Err(e) => format!(
            "unknown ({})",
            S3Error::classify(&e, &ep, "GetBucketVersioning", bucket)
        ),
    };
    Ok(BucketDetails {
        bucket: bucket.to_string(),
        region,
        versioning,
    })
}

/// HEAD of an object in its bucket's region.
pub async fn head_object(clients: &Clients, loc: &S3Location) -> Result<ObjectDetails, S3Error> {
    let s3 = clients
        .s3_for_bucket(&loc.bucket)
        .await
        .map_err(|e| not_found(e, &loc.bucket))?;
    let ep = clients.endpoint_label();
    let what = loc.to_string();
    let h = s3
        .head_object()
        .bucket(&loc.bucket)
        .key(&loc.key)
        .send()
        .await
        .map_err(|e| match S3Error::classify(&e, &ep, "HeadObject", &what) {
            S3Error::Service { code, .. } if code == "NotFound" => {
                S3Error::NoSuchKey { what: what.clone() }
            }
            other => other,
        })?;
    Ok(ObjectDetails {
        bucket: loc.bucket.clone(),
        key: loc.key.clone(),
        size: h.content_length().unwrap_or(0),
        storage_class: h
            .storage_class()
            .map_or("STANDARD", |c| c.as_str())
            .to_string(),
        etag: h.e_tag().map(str::to_string),
        content_type: h.content_type().map(str::to_string),
        last_modified: h
            .last_modified()
            .and_then(|d| DateTime::<Utc>::from_timestamp(d.secs(), d.subsec_nanos())),
        version_id: h.version_id().map(str::to_string),
        metadata: h
            .metadata()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        tag_count: h.tag_count(),
    })
}

/// HEAD answers 404 without a body: the SDK reports code "NotFound".
fn not_found(e: S3Error, bucket: &str) -> S3Error {
    match e {
        S3Error::Service { ref code, .. } if code == "NotFound" => S3Error::NoSuchBucket {
            bucket: bucket.to_string(),
        },
        other => other,
    }
}
