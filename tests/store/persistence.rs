//! The embedded store keeps its data across restarts and serves one process at a time.

use crate::support::store as store_support;

use s3scope_store::{DemoError, Store};
use store_support::*;

#[tokio::test]
async fn data_survives_a_restart() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = start_in(dir.path()).await;
    let s3 = client(&server);
    create_bucket(&s3, "persisted").await;
    s3.put_bucket_versioning()
        .bucket("persisted")
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("versioning");
    for key in AWKWARD_KEYS {
        put(&s3, "persisted", key, b"first").await;
        put(&s3, "persisted", key, key.as_bytes()).await;
    }
    s3.delete_object()
        .bucket("persisted")
        .key(AWKWARD_KEYS[0])
        .send()
        .await
        .expect("delete marker");
    let upload = s3
        .create_multipart_upload()
        .bucket("persisted")
        .key("big")
        .send()
        .await
        .expect("mpu");
    server.shutdown().await;

    let server = start_in(dir.path()).await;
    let s3 = client(&server);
    for key in &AWKWARD_KEYS[1..] {
        assert_eq!(get(&s3, "persisted", key).await, key.as_bytes());
    }
    let versions = s3
        .list_object_versions()
        .bucket("persisted")
        .send()
        .await
        .expect("versions");
    assert_eq!(versions.versions().len(), 2 * AWKWARD_KEYS.len());
    assert_eq!(versions.delete_markers().len(), 1);
    let uploads = s3
        .list_multipart_uploads()
        .bucket("persisted")
        .send()
        .await
        .expect("uploads");
    assert_eq!(uploads.uploads()[0].upload_id(), upload.upload_id());
    server.shutdown().await;
}

#[test]
fn a_store_directory_is_used_by_one_store_at_a_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open");
    let err = Store::open(dir.path()).expect_err("already open");
    assert!(matches!(err, DemoError::InUse(_)), "{err}");
    drop(store);
    Store::open(dir.path()).expect("open again");
}
