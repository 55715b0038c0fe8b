//! The buckets a profile can see: ListBuckets, with each bucket's region resolved on request.

use super::client::Clients;
use super::error::S3Error;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One bucket as ListBuckets reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketInfo {
    pub name: String,
    /// Filled by [`resolve_regions`]; None until then or when the lookup failed.
    pub region: Option<String>,
    pub created: Option<DateTime<Utc>>,
}

/// ListBuckets, following continuation tokens, sorted by name.
pub async fn list_buckets(clients: &Clients) -> Result<Vec<BucketInfo>, S3Error> {
    let s3 = clients.s3();
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let resp = s3
            .list_buckets()
            .set_continuation_token(token.clone())
            .send()
            .await
            .map_err(|e| {
                S3Error::classify(
                    &e,
                    &clients.endpoint_label(),
                    "ListBuckets",
                    "the bucket list",
                )
            })?;
        for b in resp.buckets() {
            let Some(name) = b.name() else { continue };
            out.push(BucketInfo {
                name: name.to_string(),
                region: b.bucket_region().map(str::to_string),
                created: b
                    .creation_date()
                    .and_then(|d| DateTime::<Utc>::from_timestamp(d.secs(), d.subsec_nanos())),
            });
        }
        token = resp.continuation_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Fills in each bucket's region with GetBucketLocation (cached per profile). A bucket whose
/// lookup fails keeps `None`; the error is returned beside it so the row can be marked.
pub async fn resolve_regions(
    clients: &Clients,
    buckets: &mut [BucketInfo],
) -> Vec<(String, S3Error)> {
    let mut failures = Vec::new();
    for b in buckets.iter_mut().filter(|b| b.region.is_none()) {
        match clients.bucket_region(&b.name).await {
            Ok(r) => b.region = Some(r),
            Err(e) => failures.push((b.name.clone(), e)),
        }
    }
    failures
}
