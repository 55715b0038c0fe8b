//! DeleteObjects with retries the SDK cannot make: an answer of 200 can still fail single keys
//! with InternalError or SlowDown; those keys are sent again, after a backoff. A key already
//! gone counts as deleted, so a request retried after it had succeeded is exact.

use super::{RetryPolicy, Transience, code_transience};
use crate::s3::error::S3Error;
use crate::s3::write::Writer;
use aws_sdk_s3::types::{Delete, ObjectIdentifier};
use std::collections::HashMap;

/// Why one key was not deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFailure {
    pub code: String,
    pub message: String,
}

/// One key to delete, optionally only while it has this ETag, optionally one version of it
/// (removed for good; without one, a versioned bucket adds a delete marker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteKey {
    pub key: String,
    pub etag: Option<String>,
    pub version_id: Option<String>,
}

/// Deletes `keys` (at most 1000) with quiet DeleteObjects. Returns the keys that are still
/// there and why; an error when the request itself failed (after the SDK's retries).
/// Takes a [`Writer`]: a read-only profile has none.
pub async fn delete_objects(
    w: &Writer,
    bucket: &str,
    keys: &[DeleteKey],
    endpoint: &str,
) -> Result<HashMap<String, KeyFailure>, S3Error> {
    let failed = delete_versions(w, bucket, keys, endpoint).await?;
    Ok(failed.into_iter().map(|((k, _), f)| (k, f)).collect())
}

/// [`delete_objects`] keyed by key and version: several versions of one key may share a batch.
/// A version already gone (NoSuchKey, NoSuchVersion) counts as deleted.
pub async fn delete_versions(
    w: &Writer,
    bucket: &str,
    keys: &[DeleteKey],
    endpoint: &str,
) -> Result<HashMap<(String, Option<String>), KeyFailure>, S3Error> {
    let s3 = w.s3();
    let policy = RetryPolicy::of_client(s3);
    let mut pending: Vec<&DeleteKey> = keys.iter().collect();
    let mut failed = HashMap::new();
    let mut attempt = 1;
    while !pending.is_empty() {
        let objects = pending
            .iter()
            .map(|d| {
                ObjectIdentifier::builder()
                    .key(&d.key)
                    .set_e_tag(d.etag.clone())
                    .set_version_id(d.version_id.clone())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .and_then(|o| Delete::builder().set_objects(Some(o)).quiet(true).build())
            .map_err(|e| S3Error::Other {
                operation: "DeleteObjects".into(),
                detail: format!("cannot build the request: {e}"),
            })?;
        let out = s3
            .delete_objects()
            .bucket(bucket)
            .delete(objects)
            .send()
            .await
            .map_err(|e| S3Error::classify(&e, endpoint, "DeleteObjects", bucket))?;
        let mut again = Vec::new();
        let by_key: HashMap<(&str, Option<&str>), &DeleteKey> = pending
            .iter()
            .map(|d| ((d.key.as_str(), d.version_id.as_deref()), *d))
            .collect();
        for e in out.errors() {
            let (Some(key), code) = (e.key(), e.code().unwrap_or("")) else {
                continue;
            };
            if code == "NoSuchKey" || code == "NoSuchVersion" {
                continue;
            }
            let retry = code_transience(code).is_some_and(Transience::retryable);
            match by_key.get(&(key, e.version_id())) {
                Some(d) if retry && attempt < policy.max_attempts => again.push(*d),
                _ => {
                    failed.insert(
                        (key.to_string(), e.version_id().map(str::to_string)),
                        KeyFailure {
                            code: code.to_string(),
                            message: e.message().unwrap_or("no message").to_string(),
                        },
                    );
                }
            }
        }
        if !again.is_empty() {
            let wait = policy.backoff(attempt);
            tracing::debug!(
                keys = again.len(),
                attempt,
                ?wait,
                "DeleteObjects: keys failed, again"
            );
            tokio::time::sleep(wait).await;
        }
        pending = again;
        attempt += 1;
    }
    Ok(failed)
}
