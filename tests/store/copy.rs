//! CopyObject and object tagging on the embedded S3 server, driven by the real AWS SDK.
//!
//! Directives, storage classes, `if-match` preconditions, awkward keys as copy sources. The
//! `check_*` functions only need a client and a bucket prefix (see `store_support`).

use crate::support::store as store_support;

use std::collections::HashMap;

use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{MetadataDirective, StorageClass, Tag, Tagging, TaggingDirective};
use store_support::*;

pub async fn check_copy(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-copy");
    create_bucket(client, &bucket).await;
    let source = &format!("source/{}", AWKWARD_KEYS[2]);
    let etag = client
        .put_object()
        .bucket(&bucket)
        .key(source)
        .body(ByteStream::from_static(b"copy me, please"))
        .content_type("text/plain")
        .metadata("origin", "source")
        .storage_class(StorageClass::Glacier)
        .tagging("k=v")
        .send()
        .await
        .expect("put source")
        .e_tag
        .expect("etag");

    for target in AWKWARD_KEYS {
        let copied = client
            .copy_object()
            .bucket(&bucket)
            .key(format!("copies/{target}"))
            .copy_source(copy_source(&bucket, source))
            .copy_source_if_match(&etag)
            .storage_class(StorageClass::Glacier)
            .send()
            .await
            .unwrap_or_else(|e| panic!("copy to {target:?}: {e:?}"));
        assert_eq!(
            copied.copy_object_result().and_then(|r| r.e_tag()),
            Some(etag.as_str())
        );
        let head = client
            .head_object()
            .bucket(&bucket)
            .key(format!("copies/{target}"))
            .send()
            .await
            .expect("head copy");
        assert_eq!(head.storage_class(), Some(&StorageClass::Glacier));
        assert_eq!(
            head.metadata()
                .and_then(|m| m.get("origin"))
                .map(String::as_str),
            Some("source")
        );
        assert_eq!(head.content_type(), Some("text/plain"));
        assert_eq!(head.tag_count(), Some(1));
    }
    // From every awkward key as a source, too.
    for key in AWKWARD_KEYS {
        put(client, &bucket, key, key.as_bytes()).await;
        let target = format!("from/{key}");
        client
            .copy_object()
            .bucket(&bucket)
            .key(&target)
            .copy_source(copy_source(&bucket, key))
            .send()
            .await
            .unwrap_or_else(|e| panic!("copy from {key:?}: {e:?}"));
        assert_eq!(get(client, &bucket, &target).await, key.as_bytes());
    }

    let replaced = client
        .copy_object()
        .bucket(&bucket)
        .key("replaced")
        .copy_source(copy_source(&bucket, source))
        .metadata_directive(MetadataDirective::Replace)
        .metadata("origin", "replaced")
        .tagging_directive(TaggingDirective::Replace)
        .tagging("a=1&b=2")
        .send()
        .await;
    replaced.expect("copy with REPLACE");
    let head = client
        .head_object()
        .bucket(&bucket)
        .key("replaced")
        .send()
        .await
        .expect("head");
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("origin"))
            .map(String::as_str),
        Some("replaced")
    );
    assert_eq!(
        head.storage_class(),
        None,
        "a copy is STANDARD unless asked otherwise"
    );
    assert_eq!(head.tag_count(), Some(2));

    let wrong = client
        .copy_object()
        .bucket(&bucket)
        .key("t")
        .copy_source(copy_source(&bucket, source))
        .copy_source_if_match("\"00000000000000000000000000000000\"")
        .send()
        .await;
    let wrong = wrong.expect_err("if-match must fail");
    assert_eq!(
        (status(&wrong), error_code(&wrong).as_str()),
        (412, "PreconditionFailed")
    );
    let none_match = client
        .copy_object()
        .bucket(&bucket)
        .key("t")
        .copy_source(copy_source(&bucket, source))
        .copy_source_if_none_match(&etag)
        .send()
        .await;
    assert_eq!(
        status(&none_match.expect_err("if-none-match must fail")),
        412
    );
    let onto_itself = client
        .copy_object()
        .bucket(&bucket)
        .key(source)
        .copy_source(copy_source(&bucket, source))
        .send()
        .await;
    assert_eq!(
        error_code(&onto_itself.expect_err("self copy")),
        "InvalidRequest"
    );
}

pub async fn check_tagging(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-tags");
    create_bucket(client, &bucket).await;
    put(client, &bucket, "tagged", b"t").await;
    let tags = Tagging::builder()
        .tag_set(
            Tag::builder()
                .key("team")
                .value("data eng")
                .build()
                .expect("tag"),
        )
        .tag_set(
            Tag::builder()
                .key("tier")
                .value("gold")
                .build()
                .expect("tag"),
        )
        .build()
        .expect("tagging");
    client
        .put_object_tagging()
        .bucket(&bucket)
        .key("tagged")
        .tagging(tags)
        .send()
        .await
        .expect("put tags");
    let got = client
        .get_object_tagging()
        .bucket(&bucket)
        .key("tagged")
        .send()
        .await
        .expect("get tags");
    let got: HashMap<_, _> = got.tag_set().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(got, HashMap::from([("team", "data eng"), ("tier", "gold")]));
    let object = client
        .get_object()
        .bucket(&bucket)
        .key("tagged")
        .send()
        .await
        .expect("get");
    assert_eq!(object.tag_count(), Some(2));
    client
        .delete_object_tagging()
        .bucket(&bucket)
        .key("tagged")
        .send()
        .await
        .expect("delete tags");
    let got = client
        .get_object_tagging()
        .bucket(&bucket)
        .key("tagged")
        .send()
        .await
        .expect("get tags");
    assert!(got.tag_set().is_empty());
    let missing = client
        .get_object_tagging()
        .bucket(&bucket)
        .key("nope")
        .send()
        .await;
    assert_eq!(error_code(&missing.expect_err("no such key")), "NoSuchKey");
}

#[tokio::test]
async fn copies_and_tags() {
    let test = start().await;
    let client = client(&test.server);
    check_copy(&client, "embedded").await;
    check_tagging(&client, "embedded").await;
}

/// Runs the portable checks against another endpoint when `S3SCOPE_TEST_S3_*` names one.
#[tokio::test]
async fn external_endpoint_passes_the_same_checks() {
    let Some(client) = external_target() else {
        eprintln!("S3SCOPE_TEST_S3_ENDPOINT not set: skipping");
        return;
    };
    let prefix = unique_prefix("s3scope-check");
    check_copy(&client, &prefix).await;
    check_tagging(&client, &prefix).await;
}
