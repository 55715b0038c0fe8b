//! Bucket-level S3 operations: list, create, delete, head, location and versioning.

use s3s::dto::{self, BucketVersioningStatus};
use s3s::{S3Request, S3Response, S3Result};

use super::DemoS3;
use super::convert::{owner, timestamp};
use crate::DemoError;
use crate::store::model::Versioning;

/// AWS reports the us-east-1 location as an empty constraint.
const DEFAULT_REGION: &str = "us-east-1";

pub fn list(
    s3: &DemoS3,
    req: S3Request<dto::ListBucketsInput>,
) -> S3Result<S3Response<dto::ListBucketsOutput>> {
    let prefix = req.input.prefix.unwrap_or_default();
    let buckets = s3
        .store
        .list_buckets()
        .into_iter()
        .filter(|bucket| bucket.name.starts_with(&prefix))
        .map(|bucket| dto::Bucket {
            bucket_region: Some(s3.region.clone()),
            creation_date: Some(timestamp(bucket.created)),
            name: Some(bucket.name),
        })
        .collect();
    Ok(S3Response::new(dto::ListBucketsOutput {
        buckets: Some(buckets),
        owner: Some(owner()),
        prefix: (!prefix.is_empty()).then_some(prefix),
        ..Default::default()
    }))
}

pub fn create(
    s3: &DemoS3,
    req: S3Request<dto::CreateBucketInput>,
) -> S3Result<S3Response<dto::CreateBucketOutput>> {
    let bucket = req.input.bucket;
    s3.store.create_bucket(&bucket)?;
    Ok(S3Response::new(dto::CreateBucketOutput {
        location: Some(format!("/{bucket}")),
    }))
}

pub fn delete(
    s3: &DemoS3,
    req: S3Request<dto::DeleteBucketInput>,
) -> S3Result<S3Response<dto::DeleteBucketOutput>> {
    s3.store.delete_bucket(&req.input.bucket)?;
    Ok(S3Response::new(dto::DeleteBucketOutput {}))
}

pub fn head(
    s3: &DemoS3,
    req: S3Request<dto::HeadBucketInput>,
) -> S3Result<S3Response<dto::HeadBucketOutput>> {
    s3.store.check_bucket(&req.input.bucket)?;
    Ok(S3Response::new(dto::HeadBucketOutput {
        bucket_region: Some(s3.region.clone()),
        ..Default::default()
    }))
}

pub fn location(
    s3: &DemoS3,
    req: S3Request<dto::GetBucketLocationInput>,
) -> S3Result<S3Response<dto::GetBucketLocationOutput>> {
    s3.store.check_bucket(&req.input.bucket)?;
    let location_constraint = (s3.region != DEFAULT_REGION)
        .then(|| dto::BucketLocationConstraint::from(s3.region.clone()));
    Ok(S3Response::new(dto::GetBucketLocationOutput {
        location_constraint,
    }))
}

pub fn versioning(
    s3: &DemoS3,
    req: S3Request<dto::GetBucketVersioningInput>,
) -> S3Result<S3Response<dto::GetBucketVersioningOutput>> {
    let status = match s3.store.versioning(&req.input.bucket)? {
        Versioning::Unversioned => None,
        Versioning::Enabled => Some(BucketVersioningStatus::ENABLED),
        Versioning::Suspended => Some(BucketVersioningStatus::SUSPENDED),
    };
    Ok(S3Response::new(dto::GetBucketVersioningOutput {
        status: status.map(BucketVersioningStatus::from_static),
        mfa_delete: None,
    }))
}

pub fn set_versioning(
    s3: &DemoS3,
    req: S3Request<dto::PutBucketVersioningInput>,
) -> S3Result<S3Response<dto::PutBucketVersioningOutput>> {
    let config = req.input.versioning_configuration;
    if config
        .mfa_delete
        .as_ref()
        .is_some_and(|m| m.as_str() == dto::MFADelete::ENABLED)
    {
        return Err(DemoError::NotImplemented("MFA delete").into());
    }
    let enabled = match config.status.as_ref().map(BucketVersioningStatus::as_str) {
        Some(BucketVersioningStatus::ENABLED) => true,
        Some(BucketVersioningStatus::SUSPENDED) => false,
        other => {
            let message =
                format!("versioning status {other:?} is invalid; use Enabled or Suspended");
            return Err(s3s::S3Error::with_message(
                s3s::S3ErrorCode::MalformedXML,
                message,
            ));
        }
    };
    s3.store.set_versioning(&req.input.bucket, enabled)?;
    Ok(S3Response::new(dto::PutBucketVersioningOutput {}))
}
