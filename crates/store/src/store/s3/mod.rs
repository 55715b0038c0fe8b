//! The S3 API of the store: s3s parses and signs-checks requests, this adapter answers them.
//!
//! Each operation lives in a module by theme; this file only routes the `s3s::S3` trait to
//! them. Operations not listed here answer `NotImplemented` (the trait's default).

mod buckets;
mod convert;
mod delete;
mod inventory;
mod listings;
mod multipart;
mod objects;
mod tagging;

use std::sync::Arc;

use s3s::dto::*;
use s3s::{S3, S3Request, S3Response, S3Result};

use super::Store;

/// The `s3s::S3` implementation over a [`Store`].
pub struct DemoS3 {
    store: Arc<Store>,
    /// Reported by GetBucketLocation, HeadBucket and ListBuckets.
    region: String,
    /// Bucket inventory configurations (in memory).
    inventory: inventory::InventoryConfigs,
}

impl DemoS3 {
    pub fn new(store: Arc<Store>, region: String) -> Self {
        Self {
            store,
            region,
            inventory: inventory::InventoryConfigs::default(),
        }
    }
}

type Reply<T> = S3Result<S3Response<T>>;

#[async_trait::async_trait]
impl S3 for DemoS3 {
    async fn list_buckets(&self, req: S3Request<ListBucketsInput>) -> Reply<ListBucketsOutput> {
        buckets::list(self, req)
    }

    async fn create_bucket(&self, req: S3Request<CreateBucketInput>) -> Reply<CreateBucketOutput> {
        buckets::create(self, req)
    }

    async fn delete_bucket(&self, req: S3Request<DeleteBucketInput>) -> Reply<DeleteBucketOutput> {
        buckets::delete(self, req)
    }

    async fn head_bucket(&self, req: S3Request<HeadBucketInput>) -> Reply<HeadBucketOutput> {
        buckets::head(self, req)
    }

    async fn get_bucket_location(
        &self,
        req: S3Request<GetBucketLocationInput>,
    ) -> Reply<GetBucketLocationOutput> {
        buckets::location(self, req)
    }

    async fn get_bucket_versioning(
        &self,
        req: S3Request<GetBucketVersioningInput>,
    ) -> Reply<GetBucketVersioningOutput> {
        buckets::versioning(self, req)
    }

    async fn put_bucket_versioning(
        &self,
        req: S3Request<PutBucketVersioningInput>,
    ) -> Reply<PutBucketVersioningOutput> {
        buckets::set_versioning(self, req)
    }

    async fn put_bucket_inventory_configuration(
        &self,
        req: S3Request<PutBucketInventoryConfigurationInput>,
    ) -> Reply<PutBucketInventoryConfigurationOutput> {
        inventory::put(self, req)
    }

    async fn get_bucket_inventory_configuration(
        &self,
        req: S3Request<GetBucketInventoryConfigurationInput>,
    ) -> Reply<GetBucketInventoryConfigurationOutput> {
        inventory::get(self, req)
    }

    async fn list_bucket_inventory_configurations(
        &self,
        req: S3Request<ListBucketInventoryConfigurationsInput>,
    ) -> Reply<ListBucketInventoryConfigurationsOutput> {
        inventory::list(self, req)
    }

    async fn delete_bucket_inventory_configuration(
        &self,
        req: S3Request<DeleteBucketInventoryConfigurationInput>,
    ) -> Reply<DeleteBucketInventoryConfigurationOutput> {
        inventory::delete(self, req)
    }

    async fn put_object(&self, req: S3Request<PutObjectInput>) -> Reply<PutObjectOutput> {
        objects::put(self, req).await
    }

    async fn get_object(&self, req: S3Request<GetObjectInput>) -> Reply<GetObjectOutput> {
        objects::get(self, req).await
    }

    async fn head_object(&self, req: S3Request<HeadObjectInput>) -> Reply<HeadObjectOutput> {
        objects::head(self, req)
    }

    async fn copy_object(&self, req: S3Request<CopyObjectInput>) -> Reply<CopyObjectOutput> {
        objects::copy(self, req)
    }

    async fn delete_object(&self, req: S3Request<DeleteObjectInput>) -> Reply<DeleteObjectOutput> {
        delete::delete(self, req)
    }

    async fn delete_objects(
        &self,
        req: S3Request<DeleteObjectsInput>,
    ) -> Reply<DeleteObjectsOutput> {
        delete::delete_many(self, req)
    }

    async fn get_object_tagging(
        &self,
        req: S3Request<GetObjectTaggingInput>,
    ) -> Reply<GetObjectTaggingOutput> {
        tagging::get(self, req)
    }

    async fn put_object_tagging(
        &self,
        req: S3Request<PutObjectTaggingInput>,
    ) -> Reply<PutObjectTaggingOutput> {
        tagging::put(self, req)
    }

    async fn delete_object_tagging(
        &self,
        req: S3Request<DeleteObjectTaggingInput>,
    ) -> Reply<DeleteObjectTaggingOutput> {
        tagging::delete(self, req)
    }

    async fn list_objects(&self, req: S3Request<ListObjectsInput>) -> Reply<ListObjectsOutput> {
        listings::objects_v1(self, req)
    }

    async fn list_objects_v2(
        &self,
        req: S3Request<ListObjectsV2Input>,
    ) -> Reply<ListObjectsV2Output> {
        listings::objects_v2(self, req)
    }

    async fn list_object_versions(
        &self,
        req: S3Request<ListObjectVersionsInput>,
    ) -> Reply<ListObjectVersionsOutput> {
        listings::versions(self, req)
    }

    async fn list_multipart_uploads(
        &self,
        req: S3Request<ListMultipartUploadsInput>,
    ) -> Reply<ListMultipartUploadsOutput> {
        listings::uploads(self, req)
    }

    async fn list_parts(&self, req: S3Request<ListPartsInput>) -> Reply<ListPartsOutput> {
        listings::parts(self, req)
    }

    async fn create_multipart_upload(
        &self,
        req: S3Request<CreateMultipartUploadInput>,
    ) -> Reply<CreateMultipartUploadOutput> {
        multipart::create(self, req)
    }

    async fn upload_part(&self, req: S3Request<UploadPartInput>) -> Reply<UploadPartOutput> {
        multipart::upload_part(self, req).await
    }

    async fn upload_part_copy(
        &self,
        req: S3Request<UploadPartCopyInput>,
    ) -> Reply<UploadPartCopyOutput> {
        multipart::upload_part_copy(self, req).await
    }

    async fn complete_multipart_upload(
        &self,
        req: S3Request<CompleteMultipartUploadInput>,
    ) -> Reply<CompleteMultipartUploadOutput> {
        multipart::complete(self, req).await
    }

    async fn abort_multipart_upload(
        &self,
        req: S3Request<AbortMultipartUploadInput>,
    ) -> Reply<AbortMultipartUploadOutput> {
        multipart::abort(self, req)
    }
}
