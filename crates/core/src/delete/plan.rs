//! Planning a delete: every object under the marked prefixes (a flat listing) and each marked
//! key (HEAD), once each, with the ETag the delete will be conditional on.

use super::{DeletePlan, DeleteSet, FIRST_KEYS, PlannedObject};
use crate::job::Progress;
use crate::s3::client::Clients;
use crate::s3::error::S3Error;
use crate::s3::lister::{ListOptions, ListStats, list_parallel};
use aws_sdk_s3::Client;
use futures::stream::{self, StreamExt};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use thiserror::Error;
use tokio::sync::mpsc;

/// HEAD requests in flight while planning marked keys.
const HEAD_CONCURRENCY: usize = 16;
/// LIST requests in flight while planning a marked prefix.
const LIST_CONCURRENCY: usize = 16;

/// Why a delete could not be planned or applied.
#[derive(Debug, Error)]
pub enum DeleteError {
    #[error(transparent)]
    S3(#[from] S3Error),
    #[error("nothing is marked: mark objects or prefixes first (or name them)")]
    Empty,
    #[error("cancelled before anything was deleted")]
    Cancelled,
}

/// Plans the delete of `set` with the clients of a profile (its bucket's region).
pub async fn plan(
    clients: &Clients,
    set: &DeleteSet,
    progress: &Progress,
) -> Result<DeletePlan, DeleteError> {
    let s3 = clients.s3_for_bucket(&set.bucket).await?;
    plan_with(&s3, &clients.endpoint_label(), set, progress).await
}

/// [`plan`] with a client of the bucket's region; `endpoint` names the server in errors.
/// Progress: stage `listing`, objects found (+ bytes), `calls` LIST/HEAD requests; it stops
/// with [`DeleteError::Cancelled`] between pages once cancelled.
pub async fn plan_with(
    s3: &Client,
    endpoint: &str,
    set: &DeleteSet,
    progress: &Progress,
) -> Result<DeletePlan, DeleteError> {
    if set.is_empty() {
        return Err(DeleteError::Empty);
    }
    progress.stage("listing");
    let bucket = set.bucket.as_str();
    let prefixes = outermost(&set.prefixes);
    let mut found: BTreeMap<String, PlannedObject> = BTreeMap::new();
    let versioned = versioned(s3, bucket, endpoint).await?;
    progress.add_calls(1);
    for prefix in &prefixes {
        list_under(s3, bucket, prefix, endpoint, progress, &mut found).await?;
    }
    let lone: Vec<&String> = set
        .keys
        .iter()
        .filter(|k| !prefixes.iter().any(|p| k.starts_with(p.as_str())))
        .collect();
    let heads = stream::iter(lone.into_iter().map(|k| head(s3, bucket, k, endpoint)))
        .buffer_unordered(HEAD_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    progress.add_calls(heads.len() as u64);
    let mut missing = Vec::new();
    for h in heads {
        match h? {
            Ok(o) => {
                progress.add(1, o.size);
                found.insert(o.key.clone(), o);
            }
            Err(key) => missing.push(key),
        }
    }
    missing.sort();
    missing.dedup();
    if progress.cancel.is_cancelled() {
        return Err(DeleteError::Cancelled);
    }
    let objects: Vec<PlannedObject> = found.into_values().collect();
    Ok(DeletePlan {
        bucket: bucket.to_string(),
        set: set.clone(),
        count: objects.len() as u64,
        bytes: objects.iter().map(|o| o.size).sum(),
        first_keys: objects
            .iter()
            .take(FIRST_KEYS)
            .map(|o| o.key.clone())
            .collect(),
        objects,
        missing_keys: missing,
        versioned,
        needs_typed_confirmation: !set.prefixes.is_empty(),
        calls: progress.calls(),
    })
}

/// The prefixes no other marked prefix contains (an empty one contains them all).
fn outermost(prefixes: &[String]) -> Vec<String> {
    let mut sorted: Vec<String> = prefixes.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut out: Vec<String> = Vec::new();
    for p in sorted {
        if !out.iter().any(|o| p.starts_with(o.as_str())) {
            out.push(p);
        }
    }
    out
}

/// Whether versioning is or was enabled (suspended buckets keep their versions too).
async fn versioned(s3: &Client, bucket: &str, endpoint: &str) -> Result<bool, S3Error> {
    let v = s3
        .get_bucket_versioning()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| S3Error::classify(&e, endpoint, "GetBucketVersioning", bucket))?;
    Ok(v.status().is_some())
}

/// Lists everything under `prefix` with the parallel lister (flat key ranges, pages retried).
async fn list_under(
    s3: &Client,
    bucket: &str,
    prefix: &str,
    endpoint: &str,
    progress: &Progress,
    found: &mut BTreeMap<String, PlannedObject>,
) -> Result<(), DeleteError> {
    let mut opts = ListOptions::new(bucket, prefix);
    opts.concurrency = LIST_CONCURRENCY;
    let stats = Arc::new(ListStats::default());
    let (tx, mut rx) = mpsc::channel(64);
    let cancel = progress.cancel.child_token();
    let listing = tokio::spawn(list_parallel(
        s3.clone(),
        opts,
        stats.clone(),
        tx,
        cancel.clone(),
        endpoint.to_string(),
    ));
    let mut seen_calls = 0;
    while let Some(page) = rx.recv().await {
        progress.add_calls_since(&mut seen_calls, stats.list_calls.load(Ordering::Relaxed));
        for o in page.objects {
            progress.add(1, o.size);
            found.insert(
                o.key.clone(),
                PlannedObject {
                    key: o.key,
                    size: o.size,
                    storage_class: o.storage_class,
                    etag: o.etag,
                },
            );
        }
    }
    progress.add_calls_since(&mut seen_calls, stats.list_calls.load(Ordering::Relaxed));
    let done = listing.await.map_err(|e| S3Error::Other {
        operation: "ListObjectsV2".into(),
        detail: format!("the listing stopped: {e}"),
    })?;
    done?;
    if cancel.is_cancelled() {
        return Err(DeleteError::Cancelled);
    }
    Ok(())
}

/// The object at `key`, or the key back when it does not exist.
async fn head(
    s3: &Client,
    bucket: &str,
    key: &str,
    endpoint: &str,
) -> Result<Result<PlannedObject, String>, S3Error> {
    match s3.head_object().bucket(bucket).key(key).send().await {
        Ok(h) => Ok(Ok(PlannedObject {
            key: key.to_string(),
            size: u64::try_from(h.content_length().unwrap_or(0)).unwrap_or(0),
            storage_class: h
                .storage_class()
                .map_or("STANDARD", |c| c.as_str())
                .to_string(),
            etag: h.e_tag().map(str::to_string),
        })),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(Err(key.into())),
        Err(e) => Err(S3Error::classify(&e, endpoint, "HeadObject", key)),
    }
}

#[cfg(test)]
mod tests {
    use super::outermost;

    #[test]
    fn nested_prefixes_count_once() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            outermost(&p(&["a/b/", "a/", "c/", "a/", "cc/"])),
            p(&["a/", "c/", "cc/"])
        );
        assert_eq!(outermost(&p(&["x/", ""])), p(&[""]));
    }
}
