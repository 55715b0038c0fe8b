//! Multipart copies (objects above the CopyObject limit): the source's headers, metadata, tags and
//! storage class are read once and repeated on the new upload; parts are copied with `if-match`.

use super::copy::{
    CopyJob, MoveFailure, PartSettings, completed, copy_parts, journal_upload, multipart_etag,
    same_etag,
};
use super::journal::{Journal, Record};
use super::tags;
use crate::s3::error::S3Error;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::types::StorageClass;

/// Copies `job` in parts; returns the ETag the completed object must have.
pub(super) async fn copy(
    s3: &Client,
    job: &CopyJob<'_>,
    parts: PartSettings,
    endpoint: &str,
    journal: &Journal,
) -> Result<Option<String>, MoveFailure> {
    let what = format!("s3://{}/{}", job.bucket, job.key);
    let classify = |e: S3Error| match &e {
        S3Error::Service { code, .. } if code == "PreconditionFailed" => {
            MoveFailure::Changed(job.etag.unwrap_or("-").to_string())
        }
        S3Error::NoSuchKey { .. } => MoveFailure::SourceGone,
        S3Error::Service { code, .. } if code == "NotFound" => MoveFailure::SourceGone,
        _ => MoveFailure::S3(e),
    };
    let head = s3
        .head_object()
        .bucket(job.bucket)
        .key(job.key)
        .set_if_match(job.etag.map(str::to_string))
        .send()
        .await
        .map_err(|e| classify(S3Error::classify(&e, endpoint, "HeadObject", &what)))?;
    let tags = tags::read(s3, job.bucket, job.key, endpoint)
        .await
        .map_err(classify)?;
    abort_stale_uploads(s3, job, endpoint).await?;
    let class = head
        .storage_class()
        .map_or(job.storage_class, |c| c.as_str());
    let mut create = s3
        .create_multipart_upload()
        .bucket(job.bucket)
        .key(job.target)
        .set_content_type(head.content_type().map(str::to_string))
        .set_content_encoding(head.content_encoding().map(str::to_string))
        .set_content_disposition(head.content_disposition().map(str::to_string))
        .set_content_language(head.content_language().map(str::to_string))
        .set_cache_control(head.cache_control().map(str::to_string))
        .set_website_redirect_location(head.website_redirect_location().map(str::to_string))
        .set_metadata(head.metadata().cloned());
    if class != "STANDARD" {
        create = create.storage_class(StorageClass::from(class));
    }
    if let Some(tagging) = tags::header(&tags) {
        create = create.tagging(tagging);
    }
    let created = create.send().await.map_err(|e| {
        MoveFailure::S3(S3Error::classify(
            &e,
            endpoint,
            "CreateMultipartUpload",
            job.target,
        ))
    })?;
    let upload_id = created.upload_id().unwrap_or_default().to_string();
    if upload_id.is_empty() {
        return Err(MoveFailure::S3(S3Error::Other {
            operation: "CreateMultipartUpload".into(),
            detail: "the answer has no UploadId".into(),
        }));
    }
    journal_upload(journal, job, &upload_id, true).await?;
    let part_size = parts.part_size.max(job.size.div_ceil(10_000)).max(1);
    let mut result = finish(s3, job, &upload_id, part_size, endpoint, journal).await;
    if result.is_ok()
        && let Err(e) = tags::write(s3, job.bucket, job.target, &tags, endpoint).await
    {
        // A copy without its tags must not pass for a moved object: take it back (it is
        // this run's own new object) and keep the source.
        let _ = s3
            .delete_object()
            .bucket(job.bucket)
            .key(job.target)
            .send()
            .await;
        result = Err(MoveFailure::S3(e));
    }
    if result.is_err() {
        // Best effort: an upload left behind costs storage until aborted; a later run aborts
        // it from the journal if this fails too.
        let aborted = s3
            .abort_multipart_upload()
            .bucket(job.bucket)
            .key(job.target)
            .upload_id(&upload_id)
            .send()
            .await;
        if aborted.as_ref().is_err_and(|e| !is_no_such_upload(e)) {
            return result;
        }
    }
    journal_upload(journal, job, &upload_id, false).await?;
    // A CreateMultipartUpload retried after its answer was lost leaves an upload nobody knows
    // of: abort whatever is still open on this target (ours is completed or aborted by now).
    if let Err(e) = abort_stale_uploads(s3, job, endpoint).await {
        tracing::warn!(target = job.target, error = %e, "cannot look for orphaned uploads");
    }
    result
}

/// Aborts uploads to this exact target that a killed run may have left (one killed between
/// CreateMultipartUpload and its journal record is known to nobody else).
async fn abort_stale_uploads(
    s3: &Client,
    job: &CopyJob<'_>,
    endpoint: &str,
) -> Result<(), MoveFailure> {
    let listed = s3
        .list_multipart_uploads()
        .bucket(job.bucket)
        .prefix(job.target)
        .send()
        .await
        .map_err(|e| {
            MoveFailure::S3(S3Error::classify(
                &e,
                endpoint,
                "ListMultipartUploads",
                job.target,
            ))
        })?;
    let stale: Vec<(String, String)> = listed
        .uploads()
        .iter()
        .filter(|u| u.key() == Some(job.target))
        .filter_map(|u| Some((job.target.to_string(), u.upload_id()?.to_string())))
        .collect();
    abort_leftovers(s3, job.bucket, &stale).await;
    Ok(())
}

async fn finish(
    s3: &Client,
    job: &CopyJob<'_>,
    upload_id: &str,
    part_size: u64,
    endpoint: &str,
    journal: &Journal,
) -> Result<Option<String>, MoveFailure> {
    let parts = copy_parts(s3, job, upload_id, part_size, endpoint).await?;
    let etags: Vec<String> = parts
        .iter()
        .map(|p| p.e_tag().unwrap_or_default().to_string())
        .collect();
    let expected = multipart_etag(&etags);
    if let Some(target_etag) = &expected {
        // Durable before the object appears: a run killed right after completing it finds
        // this record and knows the object at the target is this very copy.
        let record = Record::Completing {
            key: job.key.to_string(),
            etag: job.etag.map(str::to_string),
            target: job.target.to_string(),
            target_etag: target_etag.clone(),
        };
        journal
            .write_one(record)
            .await
            .map_err(MoveFailure::Journal)?;
    }
    let completed = s3
        .complete_multipart_upload()
        .bucket(job.bucket)
        .key(job.target)
        .upload_id(upload_id)
        .multipart_upload(completed(parts))
        .send()
        .await;
    match completed {
        Ok(out) if out.e_tag().is_some() => Ok(expected),
        Ok(_) => Err(MoveFailure::S3(S3Error::Other {
            operation: "CompleteMultipartUpload".into(),
            detail: "the answer has no ETag".into(),
        })),
        // The SDK retried a Complete whose first attempt had succeeded (its answer was lost):
        // the upload is gone because it is the object now, if the target has its ETag and size.
        Err(e) if is_no_such_upload(&e) && completed_before(s3, job, expected.as_deref()).await => {
            Ok(expected)
        }
        Err(e) => Err(MoveFailure::S3(S3Error::classify(
            &e,
            endpoint,
            "CompleteMultipartUpload",
            job.target,
        ))),
    }
}

fn is_no_such_upload<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    e.as_service_error().and_then(|s| s.code()) == Some("NoSuchUpload")
}

/// Whether the target is the object this upload completes: its size and multipart ETag.
async fn completed_before(s3: &Client, job: &CopyJob<'_>, expected: Option<&str>) -> bool {
    let Some(expected) = expected else {
        return false;
    };
    match s3
        .head_object()
        .bucket(job.bucket)
        .key(job.target)
        .send()
        .await
    {
        Ok(h) => {
            h.content_length().and_then(|n| u64::try_from(n).ok()) == Some(job.size)
                && h.e_tag().is_some_and(|t| same_etag(t, expected))
        }
        Err(_) => false,
    }
}

/// Aborts uploads a killed run left open (from its journal) and returns those aborted;
/// failures are only logged (a later run tries again).
pub async fn abort_leftovers(
    s3: &Client,
    bucket: &str,
    uploads: &[(String, String)],
) -> Vec<(String, String)> {
    let mut aborted = Vec::new();
    for (target, upload_id) in uploads {
        match s3
            .abort_multipart_upload()
            .bucket(bucket)
            .key(target)
            .upload_id(upload_id)
            .send()
            .await
        {
            Ok(_) => aborted.push((target.clone(), upload_id.clone())),
            // Gone already (an abort retried after it had succeeded, or completed).
            Err(e) if is_no_such_upload(&e) => aborted.push((target.clone(), upload_id.clone())),
            Err(e) => tracing::warn!(%target, error = %e, "cannot abort a leftover upload"),
        }
    }
    aborted
}
