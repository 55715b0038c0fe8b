//! Delete S3 operations: DeleteObject and DeleteObjects (with per-key errors).

use s3s::dto;
use s3s::{S3Error, S3Request, S3Response, S3Result};

use super::DemoS3;
use crate::DemoError;
use crate::store::objects::DeleteResult;

/// DeleteObjects accepts at most this many keys per request, as in S3.
const MAX_DELETE_KEYS: usize = 1000;

pub fn delete(
    s3: &DemoS3,
    req: S3Request<dto::DeleteObjectInput>,
) -> S3Result<S3Response<dto::DeleteObjectOutput>> {
    let input = req.input;
    if input.if_match.is_some()
        || input.if_match_size.is_some()
        || input.if_match_last_modified_time.is_some()
    {
        return Err(DemoError::NotImplemented("conditional DeleteObject").into());
    }
    let result = delete_one(s3, &input.bucket, &input.key, input.version_id.as_deref())?;
    Ok(S3Response::new(dto::DeleteObjectOutput {
        delete_marker: result.delete_marker.then_some(true),
        version_id: result.version_id,
        ..Default::default()
    }))
}

pub fn delete_many(
    s3: &DemoS3,
    req: S3Request<dto::DeleteObjectsInput>,
) -> S3Result<S3Response<dto::DeleteObjectsOutput>> {
    let input = req.input;
    if input.delete.objects.len() > MAX_DELETE_KEYS {
        let message = format!("at most {MAX_DELETE_KEYS} keys can be deleted per request");
        return Err(S3Error::with_message(
            s3s::S3ErrorCode::MalformedXML,
            message,
        ));
    }
    s3.store.check_bucket(&input.bucket)?;
    let quiet = input.delete.quiet.unwrap_or(false);
    let mut deleted = Vec::new();
    let mut errors = Vec::new();
    for object in input.delete.objects {
        let result = match (&object.version_id, &object.e_tag) {
            (None, Some(etag)) => {
                s3.store
                    .delete_object_if_match(&input.bucket, &object.key, &etag_text(etag))
            }
            _ => delete_one(s3, &input.bucket, &object.key, object.version_id.as_deref()),
        };
        match result {
            Ok(result) => {
                if !quiet {
                    deleted.push(deleted_entry(object.key, object.version_id, result));
                }
            }
            Err(err) => {
                let s3_error = S3Error::from(err);
                errors.push(dto::Error {
                    code: Some(s3_error.code().as_str().to_owned()),
                    key: Some(object.key),
                    message: s3_error.message().map(str::to_owned),
                    version_id: object.version_id,
                });
            }
        }
    }
    Ok(S3Response::new(dto::DeleteObjectsOutput {
        deleted: Some(deleted),
        errors: (!errors.is_empty()).then_some(errors),
        ..Default::default()
    }))
}

/// An ETag as the client sent it (quoted or weak forms reduced to the value).
fn etag_text(etag: &dto::ETag) -> String {
    match etag {
        dto::ETag::Strong(v) | dto::ETag::Weak(v) => v.clone(),
    }
}

fn delete_one(
    s3: &DemoS3,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
) -> Result<DeleteResult, DemoError> {
    match version_id {
        Some(version_id) => s3.store.delete_version(bucket, key, version_id),
        None => s3.store.delete_object(bucket, key),
    }
}

/// A `Deleted` entry as S3 reports it: a new delete marker shows as `DeleteMarkerVersionId`.
fn deleted_entry(
    key: String,
    requested_version: Option<String>,
    result: DeleteResult,
) -> dto::DeletedObject {
    let created_marker = requested_version.is_none() && result.delete_marker;
    dto::DeletedObject {
        delete_marker: result.delete_marker.then_some(true),
        delete_marker_version_id: if created_marker {
            result.version_id
        } else {
            None
        },
        key: Some(key),
        version_id: requested_version,
    }
}
