//! Versioning on the embedded S3 server, driven by the real AWS SDK.
//!
//! Version ids, delete markers, reads by version, paging through ListObjectVersions,
//! suspension. The `check_*` functions only need a client and a bucket prefix.

use crate::support::store as store_support;

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
use store_support::*;

async fn set_versioning(client: &Client, bucket: &str, status: BucketVersioningStatus) {
    let config = VersioningConfiguration::builder().status(status).build();
    client
        .put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(config)
        .send()
        .await
        .expect("versioning");
}

/// Every (key, version id, is delete marker) of a bucket, sorted, paging with `max_keys`.
async fn all_versions(client: &Client, bucket: &str, max_keys: i32) -> Vec<(String, String, bool)> {
    let (mut key_marker, mut version_marker) = (None, None);
    let mut all = Vec::new();
    loop {
        let page = client
            .list_object_versions()
            .bucket(bucket)
            .max_keys(max_keys)
            .set_key_marker(key_marker.clone())
            .set_version_id_marker(version_marker.clone())
            .send()
            .await
            .expect("list versions");
        let versions = page
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id(), false));
        let markers = page
            .delete_markers()
            .iter()
            .map(|m| (m.key(), m.version_id(), true));
        let entries: Vec<_> = versions
            .chain(markers)
            .map(|(k, v, marker)| {
                (
                    k.unwrap_or_default().to_owned(),
                    v.unwrap_or_default().to_owned(),
                    marker,
                )
            })
            .collect();
        assert!(entries.len() <= max_keys as usize);
        all.extend(entries);
        if !page.is_truncated().unwrap_or(false) {
            // The SDK splits versions and delete markers into two lists: compare as sets.
            all.sort();
            return all;
        }
        key_marker = page.next_key_marker().map(str::to_owned);
        version_marker = page.next_version_id_marker().map(str::to_owned);
    }
}

pub async fn check_versioning(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-versions");
    create_bucket(client, &bucket).await;
    let state = client
        .get_bucket_versioning()
        .bucket(&bucket)
        .send()
        .await
        .expect("get versioning");
    assert_eq!(state.status(), None);
    set_versioning(client, &bucket, BucketVersioningStatus::Enabled).await;
    let state = client
        .get_bucket_versioning()
        .bucket(&bucket)
        .send()
        .await
        .expect("get versioning");
    assert_eq!(state.status(), Some(&BucketVersioningStatus::Enabled));

    let v1 = client
        .put_object()
        .bucket(&bucket)
        .key("doc.txt")
        .body(ByteStream::from_static(b"one"))
        .send()
        .await
        .expect("v1");
    let v2 = client
        .put_object()
        .bucket(&bucket)
        .key("doc.txt")
        .body(ByteStream::from_static(b"two"))
        .send()
        .await
        .expect("v2");
    let (v1, v2) = (
        v1.version_id().expect("v1 id").to_owned(),
        v2.version_id().expect("v2 id").to_owned(),
    );
    assert_ne!(v1, v2);
    assert_eq!(get(client, &bucket, "doc.txt").await, b"two");

    let deleted = client
        .delete_object()
        .bucket(&bucket)
        .key("doc.txt")
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.delete_marker(), Some(true));
    let marker = deleted.version_id().expect("marker id").to_owned();
    let gone = client
        .get_object()
        .bucket(&bucket)
        .key("doc.txt")
        .send()
        .await
        .expect_err("hidden by marker");
    assert_eq!(error_code(&gone), "NoSuchKey");
    let old = client
        .get_object()
        .bucket(&bucket)
        .key("doc.txt")
        .version_id(&v1)
        .send()
        .await
        .expect("get v1");
    assert_eq!(old.version_id(), Some(v1.as_str()));
    assert_eq!(
        old.body
            .collect()
            .await
            .expect("body")
            .into_bytes()
            .as_ref(),
        b"one"
    );
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("doc.txt")
        .version_id(&v2)
        .send()
        .await
        .expect("head v2");
    assert_eq!(head.content_length(), Some(3));
    let on_marker = client
        .get_object()
        .bucket(&bucket)
        .key("doc.txt")
        .version_id(&marker)
        .send()
        .await;
    assert_eq!(
        status(&on_marker.expect_err("a marker has no content")),
        405
    );

    let listed = client
        .list_object_versions()
        .bucket(&bucket)
        .send()
        .await
        .expect("versions");
    assert_eq!(listed.versions().len(), 2);
    assert_eq!(listed.delete_markers().len(), 1);
    assert_eq!(listed.delete_markers()[0].is_latest(), Some(true));
    assert!(
        listed
            .versions()
            .iter()
            .all(|v| v.is_latest() == Some(false))
    );
    let listing = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .expect("list");
    assert!(listing.contents().is_empty(), "a deleted key is not listed");

    // Removing the marker brings v2 back; removing v1 leaves v2 alone.
    client
        .delete_object()
        .bucket(&bucket)
        .key("doc.txt")
        .version_id(&marker)
        .send()
        .await
        .expect("delete marker");
    assert_eq!(get(client, &bucket, "doc.txt").await, b"two");
    let removed = client
        .delete_object()
        .bucket(&bucket)
        .key("doc.txt")
        .version_id(&v1)
        .send()
        .await
        .expect("delete v1");
    assert_eq!(removed.version_id(), Some(v1.as_str()));
    assert_eq!(
        all_versions(client, &bucket, 1000).await,
        [("doc.txt".to_owned(), v2.clone(), false)]
    );

    // Paging through versions with tiny pages sees every version exactly once.
    for (i, key) in ["a/1", "a/2", "b", "c d/ä+%"].iter().enumerate() {
        for round in 0..=i {
            put(client, &bucket, key, format!("{key} {round}").as_bytes()).await;
        }
    }
    client
        .delete_object()
        .bucket(&bucket)
        .key("b")
        .send()
        .await
        .expect("marker on b");
    let full = all_versions(client, &bucket, 1000).await;
    assert_eq!(full.len(), 1 + 1 + 2 + 3 + 1 + 4);
    for page_size in [1, 2, 3] {
        assert_eq!(
            all_versions(client, &bucket, page_size).await,
            full,
            "page size {page_size}"
        );
    }
    let grouped = client
        .list_object_versions()
        .bucket(&bucket)
        .delimiter("/")
        .prefix("")
        .send()
        .await
        .expect("grouped");
    let prefixes: Vec<_> = grouped
        .common_prefixes()
        .iter()
        .filter_map(|p| p.prefix())
        .collect();
    assert_eq!(prefixes, ["a/", "c d/"]);

    // Suspended: new writes get the `null` version id and replace each other.
    set_versioning(client, &bucket, BucketVersioningStatus::Suspended).await;
    let s1 = client
        .put_object()
        .bucket(&bucket)
        .key("doc.txt")
        .body(ByteStream::from_static(b"s1"))
        .send()
        .await
        .expect("s1");
    client
        .put_object()
        .bucket(&bucket)
        .key("doc.txt")
        .body(ByteStream::from_static(b"s2"))
        .send()
        .await
        .expect("s2");
    assert_eq!(s1.version_id().unwrap_or("null"), "null");
    let mut doc: Vec<_> = all_versions(client, &bucket, 1000)
        .await
        .into_iter()
        .filter(|v| v.0 == "doc.txt")
        .collect();
    let mut expected = [
        ("doc.txt".to_owned(), "null".to_owned(), false),
        ("doc.txt".to_owned(), v2, false),
    ];
    doc.sort();
    expected.sort();
    assert_eq!(doc, expected);
}

#[tokio::test]
async fn versions_and_delete_markers() {
    let test = start().await;
    check_versioning(&client(&test.server), "embedded").await;
}

/// Runs the portable checks against another endpoint when `S3SCOPE_TEST_S3_*` names one.
#[tokio::test]
async fn external_endpoint_passes_the_same_checks() {
    let Some(client) = external_target() else {
        eprintln!("S3SCOPE_TEST_S3_ENDPOINT not set: skipping");
        return;
    };
    let prefix = unique_prefix("s3scope-check");
    check_versioning(&client, &prefix).await;
}
