//! Bucket inventory configurations (Put/Get/List/DeleteBucketInventoryConfiguration), kept in
//! memory for the server's life: the store delivers no reports itself (the demo seeds them),
//! but s3scope finds a report through these calls as it does on AWS.

use std::collections::BTreeMap;
use std::sync::Mutex;

use s3s::dto;
use s3s::{S3Request, S3Response, S3Result, s3_error};

use super::DemoS3;

/// Configurations by bucket, then by id.
#[derive(Debug, Default)]
pub struct InventoryConfigs(Mutex<BTreeMap<String, BTreeMap<String, dto::InventoryConfiguration>>>);

impl InventoryConfigs {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut BTreeMap<String, BTreeMap<String, dto::InventoryConfiguration>>) -> T,
    ) -> T {
        let mut g = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut g)
    }
}

pub fn put(
    s3: &DemoS3,
    req: S3Request<dto::PutBucketInventoryConfigurationInput>,
) -> S3Result<S3Response<dto::PutBucketInventoryConfigurationOutput>> {
    let input = req.input;
    s3.store.check_bucket(&input.bucket)?;
    if input.inventory_configuration.id != input.id {
        return Err(s3_error!(
            InvalidArgument,
            "the configuration's Id differs from the id parameter"
        ));
    }
    s3.inventory.with(|m| {
        m.entry(input.bucket)
            .or_default()
            .insert(input.id, input.inventory_configuration)
    });
    Ok(S3Response::new(
        dto::PutBucketInventoryConfigurationOutput {},
    ))
}

pub fn get(
    s3: &DemoS3,
    req: S3Request<dto::GetBucketInventoryConfigurationInput>,
) -> S3Result<S3Response<dto::GetBucketInventoryConfigurationOutput>> {
    let input = req.input;
    s3.store.check_bucket(&input.bucket)?;
    let found = s3
        .inventory
        .with(|m| m.get(&input.bucket).and_then(|c| c.get(&input.id)).cloned());
    match found {
        Some(c) => Ok(S3Response::new(
            dto::GetBucketInventoryConfigurationOutput {
                inventory_configuration: Some(c),
            },
        )),
        None => {
            let mut e = s3s::S3Error::with_message(
                s3s::S3ErrorCode::Custom("NoSuchConfiguration".into()),
                "no inventory configuration with this id",
            );
            e.set_status_code(http::StatusCode::NOT_FOUND);
            Err(e)
        }
    }
}

pub fn list(
    s3: &DemoS3,
    req: S3Request<dto::ListBucketInventoryConfigurationsInput>,
) -> S3Result<S3Response<dto::ListBucketInventoryConfigurationsOutput>> {
    let input = req.input;
    s3.store.check_bucket(&input.bucket)?;
    let list: Vec<dto::InventoryConfiguration> = s3
        .inventory
        .with(|m| m.get(&input.bucket).map(|c| c.values().cloned().collect()))
        .unwrap_or_default();
    Ok(S3Response::new(
        dto::ListBucketInventoryConfigurationsOutput {
            continuation_token: input.continuation_token,
            inventory_configuration_list: (!list.is_empty()).then_some(list),
            is_truncated: Some(false),
            next_continuation_token: None,
        },
    ))
}

pub fn delete(
    s3: &DemoS3,
    req: S3Request<dto::DeleteBucketInventoryConfigurationInput>,
) -> S3Result<S3Response<dto::DeleteBucketInventoryConfigurationOutput>> {
    let input = req.input;
    s3.store.check_bucket(&input.bucket)?;
    s3.inventory.with(|m| {
        if let Some(c) = m.get_mut(&input.bucket) {
            c.remove(&input.id);
        }
    });
    Ok(S3Response::new(
        dto::DeleteBucketInventoryConfigurationOutput {},
    ))
}
