//! Object tagging S3 operations: GetObjectTagging, PutObjectTagging, DeleteObjectTagging.

use std::collections::BTreeMap;

use s3s::dto;
use s3s::{S3Request, S3Response, S3Result};

use super::DemoS3;
use super::convert::{tag_set, tag_set_dto};

pub fn get(
    s3: &DemoS3,
    req: S3Request<dto::GetObjectTaggingInput>,
) -> S3Result<S3Response<dto::GetObjectTaggingOutput>> {
    let input = req.input;
    let (version_id, tags) =
        s3.store
            .tags(&input.bucket, &input.key, input.version_id.as_deref())?;
    Ok(S3Response::new(dto::GetObjectTaggingOutput {
        tag_set: tag_set_dto(tags),
        version_id,
    }))
}

pub fn put(
    s3: &DemoS3,
    req: S3Request<dto::PutObjectTaggingInput>,
) -> S3Result<S3Response<dto::PutObjectTaggingOutput>> {
    let input = req.input;
    let tags = tag_set(input.tagging)?;
    let version_id =
        s3.store
            .set_tags(&input.bucket, &input.key, input.version_id.as_deref(), tags)?;
    Ok(S3Response::new(dto::PutObjectTaggingOutput { version_id }))
}

pub fn delete(
    s3: &DemoS3,
    req: S3Request<dto::DeleteObjectTaggingInput>,
) -> S3Result<S3Response<dto::DeleteObjectTaggingOutput>> {
    let input = req.input;
    let version_id = s3.store.set_tags(
        &input.bucket,
        &input.key,
        input.version_id.as_deref(),
        BTreeMap::new(),
    )?;
    Ok(S3Response::new(dto::DeleteObjectTaggingOutput {
        version_id,
    }))
}
