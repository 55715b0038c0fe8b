//! Against a real Ceph RGW: cleanup of a versioned bucket with stale uploads (ages pinned by
//! the plan's as-of instant, no sleeping) removes exactly its plan; a delete of a marked set
//! adds markers and keeps versions; the printed lifecycle rule is one RGW accepts and returns.

use crate::fixture::{items_entries, state};
use crate::support::rgw::s3_client;
use crate::support::servers::{self, unique_bucket};
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketVersioningStatus,
    ExpirationStatus, LifecycleExpiration, LifecycleRule, LifecycleRuleFilter,
    NoncurrentVersionExpiration, VersioningConfiguration,
};
use chrono::{TimeDelta, Utc};
use s3scope_core::cleanup::{self, CleanupSpec};
use s3scope_core::delete::{self, DeleteSet};
use s3scope_core::job::Progress;
use s3scope_core::s3::write::Writer;
use std::collections::BTreeSet;

async fn versioned_bucket(s3: &aws_sdk_s3::Client, name: &str) -> String {
    let bucket = unique_bucket(name);
    s3.create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("CreateBucket");
    s3.put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("PutBucketVersioning");
    bucket
}

async fn put(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, body: &[u8]) -> String {
    let r = s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body.to_vec().into())
        .send()
        .await
        .expect("PutObject");
    r.version_id().expect("versioned").to_string()
}

#[tokio::test]
async fn cleanup_on_rgw_removes_exactly_its_plan() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = versioned_bucket(&s3, "s3scope-clean").await;
    let mut goes = BTreeSet::new();
    let v1 = put(&s3, &bucket, "docs/a.txt", b"one").await;
    put(&s3, &bucket, "docs/a.txt", b"two").await;
    goes.insert(format!("version docs/a.txt {v1}"));
    let v = put(&s3, &bucket, "gone/x bin+%", &[1u8; 3000]).await;
    let m = s3
        .delete_object()
        .bucket(&bucket)
        .key("gone/x bin+%")
        .send()
        .await
        .unwrap();
    goes.insert(format!("version gone/x bin+% {v}"));
    goes.insert(format!("marker gone/x bin+% {}", m.version_id().unwrap()));
    put(&s3, &bucket, "keep/c.txt", b"current").await;
    let up = s3
        .create_multipart_upload()
        .bucket(&bucket)
        .key("big/stale.bin")
        .send()
        .await
        .unwrap();
    let upload_id = up.upload_id().unwrap().to_string();
    s3.upload_part()
        .bucket(&bucket)
        .key("big/stale.bin")
        .upload_id(&upload_id)
        .part_number(1)
        .body(vec![b'p'; 1024].into())
        .send()
        .await
        .unwrap();
    goes.insert(format!("upload big/stale.bin {upload_id}"));

    let spec = |as_of| CleanupSpec {
        bucket: bucket.clone(),
        prefix: String::new(),
        uploads_older_than: Some("7d".parse().unwrap()),
        noncurrent_older_than: Some("30d".parse().unwrap()),
        delete_markers: true,
        as_of,
    };
    let progress = Progress::default();
    let now = cleanup::plan(&s3, "rgw", &spec(Utc::now()), None, &progress)
        .await
        .unwrap();
    assert!(now.items.is_empty(), "nothing is old yet: {:?}", now.items);
    // Forty days on: everything hidden is old enough.
    let later = Utc::now() + TimeDelta::days(40);
    let plan = cleanup::plan(&s3, "rgw", &spec(later), None, &progress)
        .await
        .unwrap();
    assert_eq!(items_entries(&plan), goes);
    assert_eq!(plan.uploads.bytes, 1024);
    let before = state(&s3, &bucket).await;
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j/cleanup.journal");
    let w = Writer::from_client(s3.clone(), "rgw");
    let report = cleanup::apply(&w, &plan, "rgw", &journal, &Progress::default())
        .await
        .unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.removed().count, goes.len() as u64);
    let expected: BTreeSet<String> = before.difference(&goes).cloned().collect();
    assert_eq!(state(&s3, &bucket).await, expected);
    // Applied again on the same journal: nothing is sent again.
    let again = cleanup::apply(&w, &plan, "rgw", &journal, &Progress::default())
        .await
        .unwrap();
    assert_eq!(
        (again.already_done, again.removed().count),
        (goes.len() as u64, 0)
    );
}

#[tokio::test]
async fn deleting_a_marked_set_on_rgw_keeps_versions_and_unmarked_objects() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = versioned_bucket(&s3, "s3scope-rm").await;
    for k in ["a/1", "a/2", "a-b/3", "b/4", "c"] {
        put(&s3, &bucket, k, k.as_bytes()).await;
    }
    let before = state(&s3, &bucket).await;
    let set = DeleteSet {
        bucket: bucket.clone(),
        prefixes: vec!["a/".into()],
        keys: vec!["c".into()],
    };
    let plan = delete::plan_with(&s3, "rgw", &set, &Progress::default())
        .await
        .unwrap();
    assert!(plan.versioned && plan.note().is_some());
    assert_eq!(plan.first_keys, ["a/1", "a/2", "c"]);
    let w = Writer::from_client(s3.clone(), "rgw");
    let report = delete::apply(&w, &plan, "rgw", &Progress::default())
        .await
        .unwrap();
    assert_eq!(
        (report.count, report.failed.len()),
        (3, 0),
        "{:?}",
        report.failed
    );
    let listed = s3.list_objects_v2().bucket(&bucket).send().await.unwrap();
    let left: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(left, ["a-b/3", "b/4"]);
    let after = state(&s3, &bucket).await;
    assert!(before.is_subset(&after), "versions kept");
    assert_eq!(after.len(), before.len() + 3, "three delete markers");
}

#[tokio::test]
async fn the_printed_lifecycle_rule_is_accepted_by_rgw() {
    let Some(env) = servers::rgw() else { return };
    let s3 = s3_client(&env);
    let bucket = versioned_bucket(&s3, "s3scope-lc").await;
    let spec = s3scope_core::lifecycle::LifecycleSpec {
        id: "s3scope-cleanup".into(),
        prefix: "logs/".into(),
        uploads_days: Some(7),
        noncurrent_days: Some(30),
        expired_delete_markers: true,
        transitions: Vec::new(),
    };
    let printed = spec.aws_json();
    let r = &printed["Rules"][0];
    // The printed JSON, read into the SDK's model field by field (as the AWS CLI reads it).
    let rule = LifecycleRule::builder()
        .id(r["ID"].as_str().unwrap())
        .status(ExpirationStatus::from(r["Status"].as_str().unwrap()))
        .filter(
            LifecycleRuleFilter::builder()
                .prefix(r["Filter"]["Prefix"].as_str().unwrap())
                .build(),
        )
        .abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .days_after_initiation(
                    r["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"]
                        .as_i64()
                        .unwrap() as i32,
                )
                .build(),
        )
        .noncurrent_version_expiration(
            NoncurrentVersionExpiration::builder()
                .noncurrent_days(
                    r["NoncurrentVersionExpiration"]["NoncurrentDays"]
                        .as_i64()
                        .unwrap() as i32,
                )
                .build(),
        )
        .expiration(
            LifecycleExpiration::builder()
                .expired_object_delete_marker(
                    r["Expiration"]["ExpiredObjectDeleteMarker"]
                        .as_bool()
                        .unwrap(),
                )
                .build(),
        )
        .build()
        .unwrap();
    let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 6, "every printed field is read above: {keys:?}");
    s3.put_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("RGW accepts the rule");
    let got = s3
        .get_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .send()
        .await
        .unwrap();
    let back = &got.rules()[0];
    assert_eq!(back.id(), Some("s3scope-cleanup"));
    assert_eq!(
        back.abort_incomplete_multipart_upload()
            .and_then(|a| a.days_after_initiation()),
        Some(7)
    );
    assert_eq!(
        back.noncurrent_version_expiration()
            .and_then(|n| n.noncurrent_days()),
        Some(30)
    );
    assert_eq!(
        back.expiration()
            .and_then(|e| e.expired_object_delete_marker()),
        Some(true)
    );
}
