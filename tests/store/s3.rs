//! Buckets and objects on the embedded S3 server, driven by the real AWS SDK.
//!
//! Storage classes, awkward keys, ranges, DeleteObjects and authentication. The `check_*`
//! functions only need a client and a bucket prefix, so
//! `external_endpoint_passes_the_same_checks` can run them against a Ceph RGW too.

use crate::support::store as store_support;

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Delete, ObjectIdentifier, StorageClass};
use store_support::*;

pub async fn check_buckets(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-buckets");
    create_bucket(client, &bucket).await;
    let listed = client.list_buckets().send().await.expect("list buckets");
    assert!(
        listed
            .buckets()
            .iter()
            .any(|b| b.name() == Some(bucket.as_str()) && b.creation_date().is_some())
    );
    client
        .head_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("head bucket");
    let location = client
        .get_bucket_location()
        .bucket(&bucket)
        .send()
        .await
        .expect("location");
    assert_eq!(
        location
            .location_constraint()
            .map(|l| l.as_str())
            .unwrap_or(""),
        ""
    );

    let again = client
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect_err("bucket exists");
    assert_eq!(error_code(&again), "BucketAlreadyOwnedByYou");
    put(client, &bucket, "k", b"v").await;
    let not_empty = client
        .delete_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect_err("bucket not empty");
    assert_eq!(error_code(&not_empty), "BucketNotEmpty");
    client
        .delete_object()
        .bucket(&bucket)
        .key("k")
        .send()
        .await
        .expect("delete");
    client
        .delete_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("delete bucket");
    let gone = client
        .head_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect_err("bucket gone");
    assert_eq!(status(&gone), 404);
    let missing = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .expect_err("no such bucket");
    assert_eq!(error_code(&missing), "NoSuchBucket");
}

pub async fn check_objects(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-objects");
    create_bucket(client, &bucket).await;
    let body = b"0123456789abcdef".repeat(64);
    client
        .put_object()
        .bucket(&bucket)
        .key("dir/report.csv")
        .body(ByteStream::from(body.clone()))
        .content_type("text/csv")
        .metadata("owner", "Team A, 2nd floor")
        .storage_class(StorageClass::StandardIa)
        .tagging("project=demo&stage=raw%20data")
        .send()
        .await
        .expect("put");
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("dir/report.csv")
        .send()
        .await
        .expect("head");
    assert_eq!(head.content_length(), Some(1024));
    assert_eq!(head.content_type(), Some("text/csv"));
    assert_eq!(head.e_tag(), Some(md5_etag(&body).as_str()));
    assert_eq!(head.storage_class(), Some(&StorageClass::StandardIa));
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("owner"))
            .map(String::as_str),
        Some("Team A, 2nd floor")
    );
    assert_eq!(head.tag_count(), Some(2));
    assert!(head.last_modified().is_some());

    let ranged = client
        .get_object()
        .bucket(&bucket)
        .key("dir/report.csv")
        .range("bytes=16-19")
        .send()
        .await
        .expect("range");
    assert_eq!(ranged.content_range(), Some("bytes 16-19/1024"));
    assert_eq!(
        ranged
            .body
            .collect()
            .await
            .expect("body")
            .into_bytes()
            .as_ref(),
        b"0123"
    );
    let suffix = client
        .get_object()
        .bucket(&bucket)
        .key("dir/report.csv")
        .range("bytes=-3")
        .send()
        .await
        .expect("suffix");
    assert_eq!(
        suffix
            .body
            .collect()
            .await
            .expect("body")
            .into_bytes()
            .as_ref(),
        b"def"
    );
    let unsatisfiable = client
        .get_object()
        .bucket(&bucket)
        .key("dir/report.csv")
        .range("bytes=5000-")
        .send()
        .await;
    assert_eq!(error_code(&unsatisfiable.expect_err("416")), "InvalidRange");

    // STANDARD is omitted from HEAD, every other class round-trips.
    let classes = [
        "STANDARD",
        "STANDARD_IA",
        "ONEZONE_IA",
        "INTELLIGENT_TIERING",
        "GLACIER",
        "GLACIER_IR",
        "DEEP_ARCHIVE",
        "REDUCED_REDUNDANCY",
    ];
    for class in classes {
        let class = StorageClass::from(class);
        let key = format!("classes/{}", class.as_str());
        client
            .put_object()
            .bucket(&bucket)
            .key(&key)
            .body(ByteStream::from_static(b"x"))
            .storage_class(class.clone())
            .send()
            .await
            .expect("put class");
        let head = client
            .head_object()
            .bucket(&bucket)
            .key(&key)
            .send()
            .await
            .expect("head class");
        let expected = (class != StorageClass::Standard).then_some(&class);
        assert_eq!(head.storage_class(), expected, "{key}");
    }
    let bad = client
        .put_object()
        .bucket(&bucket)
        .key("bad")
        .storage_class(StorageClass::from("COLD"))
        .send()
        .await;
    assert_eq!(
        error_code(&bad.expect_err("bad class")),
        "InvalidStorageClass"
    );

    for key in AWKWARD_KEYS {
        put(client, &bucket, key, key.as_bytes()).await;
        assert_eq!(get(client, &bucket, key).await, key.as_bytes(), "{key}");
        client
            .head_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await
            .unwrap_or_else(|e| panic!("head {key:?}: {e:?}"));
    }
    put(client, &bucket, "empty", b"").await;
    assert!(get(client, &bucket, "empty").await.is_empty());

    client
        .delete_object()
        .bucket(&bucket)
        .key("empty")
        .send()
        .await
        .expect("delete");
    let missing = client
        .get_object()
        .bucket(&bucket)
        .key("empty")
        .send()
        .await
        .expect_err("deleted");
    assert_eq!(error_code(&missing), "NoSuchKey");
    client
        .delete_object()
        .bucket(&bucket)
        .key("never-existed")
        .send()
        .await
        .expect("deleting nothing succeeds");

    let identifiers = [AWKWARD_KEYS[0], AWKWARD_KEYS[1], "never-existed"].map(|key| {
        ObjectIdentifier::builder()
            .key(key)
            .build()
            .expect("identifier")
    });
    let delete = Delete::builder()
        .set_objects(Some(identifiers.to_vec()))
        .build()
        .expect("delete");
    let deleted = client
        .delete_objects()
        .bucket(&bucket)
        .delete(delete)
        .send()
        .await
        .expect("delete objects");
    assert_eq!(deleted.deleted().len(), 3);
    assert!(deleted.errors().is_empty());
    let missing = client
        .head_object()
        .bucket(&bucket)
        .key(AWKWARD_KEYS[1])
        .send()
        .await;
    assert_eq!(status(&missing.expect_err("deleted")), 404);
}

#[tokio::test]
async fn buckets_and_objects() {
    let test = start().await;
    let client = client(&test.server);
    check_buckets(&client, "embedded").await;
    check_objects(&client, "embedded").await;
}

#[tokio::test]
async fn wrong_secret_key_is_refused() {
    let test = start().await;
    let server = &test.server;
    let intruder = client_for(
        &server.endpoint,
        &server.access_key,
        "not-the-secret",
        &server.region,
    );
    let err = intruder
        .list_buckets()
        .send()
        .await
        .expect_err("must be refused");
    assert_eq!(
        (status(&err), error_code(&err).as_str()),
        (403, "SignatureDoesNotMatch")
    );
    let stranger = client_for(
        &server.endpoint,
        "unknown-key",
        &server.secret_key,
        &server.region,
    );
    let err = stranger
        .list_buckets()
        .send()
        .await
        .expect_err("must be refused");
    assert_eq!(status(&err), 403);
}

#[tokio::test]
async fn delete_objects_reports_errors_per_key() {
    let test = start().await;
    let client = client(&test.server);
    create_bucket(&client, "per-key").await;
    put(&client, "per-key", "kept-apart", b"x").await;
    let too_long = "k".repeat(1100);
    let objects = ["kept-apart", too_long.as_str()].map(|key| {
        ObjectIdentifier::builder()
            .key(key)
            .build()
            .expect("identifier")
    });
    let delete = Delete::builder()
        .set_objects(Some(objects.to_vec()))
        .build()
        .expect("delete");
    let result = client
        .delete_objects()
        .bucket("per-key")
        .delete(delete)
        .send()
        .await;
    let result = result.expect("delete objects");
    assert_eq!(result.deleted().len(), 1);
    assert_eq!(result.deleted()[0].key(), Some("kept-apart"));
    assert_eq!(result.errors().len(), 1);
    assert_eq!(result.errors()[0].key(), Some(too_long.as_str()));
    assert_eq!(result.errors()[0].code(), Some("InvalidArgument"));
}

/// Runs the portable checks against another endpoint when `S3SCOPE_TEST_S3_*` names one.
#[tokio::test]
async fn external_endpoint_passes_the_same_checks() {
    let Some(client) = external_target() else {
        eprintln!("S3SCOPE_TEST_S3_ENDPOINT not set: skipping");
        return;
    };
    let prefix = unique_prefix("s3scope-check");
    check_buckets(&client, &prefix).await;
    check_objects(&client, &prefix).await;
}
