//! Multipart S3 operations: create, upload part, upload part copy, complete, abort.
//!
//! Copying a part range and assembling the parts read and write whole files, so they run on
//! tokio's blocking pool rather than on the threads that serve requests.

use std::ops::Range;
use std::sync::Arc;

use s3s::dto;
use s3s::{S3Error, S3ErrorCode, S3Request, S3Response, S3Result};

use super::DemoS3;
use super::convert::{etag, metadata, storage_class, tagging_header, timestamp};
use super::objects::{check_copy_preconditions, copy_source};
use crate::DemoError;
use crate::store::model::ObjectAttrs;
use crate::store::uploads::PartTarget;

pub fn create(
    s3: &DemoS3,
    req: S3Request<dto::CreateMultipartUploadInput>,
) -> S3Result<S3Response<dto::CreateMultipartUploadOutput>> {
    let input = req.input;
    let attrs = ObjectAttrs {
        storage_class: storage_class(input.storage_class.as_ref())?,
        content_type: input.content_type,
        metadata: metadata(input.metadata),
        tags: tagging_header(input.tagging.as_deref())?,
    };
    let upload_id = s3
        .store
        .create_upload(&input.bucket, &input.key, attrs, None)?;
    Ok(S3Response::new(dto::CreateMultipartUploadOutput {
        bucket: Some(input.bucket),
        key: Some(input.key),
        upload_id: Some(upload_id),
        ..Default::default()
    }))
}

pub async fn upload_part(
    s3: &DemoS3,
    req: S3Request<dto::UploadPartInput>,
) -> S3Result<S3Response<dto::UploadPartOutput>> {
    let input = req.input;
    let target = PartTarget {
        bucket: &input.bucket,
        key: &input.key,
        upload_id: &input.upload_id,
        part_number: input.part_number,
    };
    s3.store.check_part_target(target)?;
    let written = match input.body {
        Some(body) => s3.store.blobs.write_stream(body).await?,
        None => s3.store.blobs.write(&[])?,
    };
    let part = s3.store.commit_part(target, written)?;
    Ok(S3Response::new(dto::UploadPartOutput {
        e_tag: Some(etag(&part.etag)),
        ..Default::default()
    }))
}

pub async fn upload_part_copy(
    s3: &DemoS3,
    req: S3Request<dto::UploadPartCopyInput>,
) -> S3Result<S3Response<dto::UploadPartCopyOutput>> {
    let input = req.input;
    let store = Arc::clone(&s3.store);
    let (source, part) = blocking(move || {
        let (bucket, key, version) = copy_source(&input.copy_source)?;
        let target = PartTarget {
            bucket: &input.bucket,
            key: &input.key,
            upload_id: &input.upload_id,
            part_number: input.part_number,
        };
        store.copy_part((bucket, key, version), target, |source| {
            check_copy_preconditions(&input, source)?;
            copy_range(input.copy_source_range.as_deref(), source.data.size)
        })
    })
    .await?;
    Ok(S3Response::new(dto::UploadPartCopyOutput {
        copy_part_result: Some(dto::CopyPartResult {
            e_tag: Some(etag(&part.etag)),
            last_modified: Some(timestamp(part.last_modified)),
            ..Default::default()
        }),
        copy_source_version_id: source.version_id,
        ..Default::default()
    }))
}

pub async fn complete(
    s3: &DemoS3,
    req: S3Request<dto::CompleteMultipartUploadInput>,
) -> S3Result<S3Response<dto::CompleteMultipartUploadOutput>> {
    let input = req.input;
    if input.if_match.is_some() || input.if_none_match.is_some() {
        return Err(DemoError::NotImplemented("conditional CompleteMultipartUpload").into());
    }
    let listed = input
        .multipart_upload
        .and_then(|upload| upload.parts)
        .unwrap_or_default()
        .into_iter()
        .map(|part| {
            let number = part
                .part_number
                .ok_or_else(|| DemoError::InvalidPart("a part has no number".into()))?;
            let tag = part
                .e_tag
                .ok_or_else(|| DemoError::InvalidPart(format!("part {number} has no ETag")))?;
            Ok((number, tag.into_value()))
        })
        .collect::<Result<Vec<_>, DemoError>>()?;
    let store = Arc::clone(&s3.store);
    let (bucket, key, upload_id) = (input.bucket.clone(), input.key.clone(), input.upload_id);
    let result =
        blocking(move || store.complete_upload(&bucket, &key, &upload_id, &listed)).await?;
    Ok(S3Response::new(dto::CompleteMultipartUploadOutput {
        location: Some(format!("/{}/{}", input.bucket, input.key)),
        bucket: Some(input.bucket),
        key: Some(input.key),
        e_tag: Some(etag(&result.etag)),
        version_id: result.version_id,
        ..Default::default()
    }))
}

pub fn abort(
    s3: &DemoS3,
    req: S3Request<dto::AbortMultipartUploadInput>,
) -> S3Result<S3Response<dto::AbortMultipartUploadOutput>> {
    let input = req.input;
    s3.store
        .abort_upload(&input.bucket, &input.key, &input.upload_id)?;
    Ok(S3Response::new(dto::AbortMultipartUploadOutput::default()))
}

/// Runs file-heavy store work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, DemoError> + Send + 'static,
) -> S3Result<T> {
    let outcome = tokio::task::spawn_blocking(work).await.map_err(|err| {
        S3Error::with_message(
            S3ErrorCode::InternalError,
            format!("a storage task failed: {err}"),
        )
    })?;
    Ok(outcome?)
}

/// The bytes an `x-amz-copy-source-range: bytes=first-last` selects (inclusive), or all.
fn copy_range(range: Option<&str>, size: u64) -> Result<Range<u64>, DemoError> {
    let Some(range) = range else {
        return Ok(0..size);
    };
    let invalid = || {
        DemoError::InvalidArgument(format!(
            "copy source range {range:?} must look like bytes=first-last"
        ))
    };
    let (first, last) = range
        .strip_prefix("bytes=")
        .and_then(|r| r.split_once('-'))
        .ok_or_else(invalid)?;
    let first: u64 = first.parse().map_err(|_| invalid())?;
    let last: u64 = last.parse().map_err(|_| invalid())?;
    if first > last || last >= size {
        return Err(DemoError::InvalidRange { size });
    }
    Ok(first..last + 1)
}
