//! A versioned bucket with hidden costs, backdated in the embedded store: noncurrent versions
//! old and recent, delete markers with and without versions behind them, stale and fresh
//! uploads; and the bucket's whole state (every version, marker and upload) read back.

use aws_sdk_s3::Client;
use bytes::Bytes;
use chrono::{DateTime, TimeDelta, Utc};
use s3scope_store::store::{PutOptions, Store};
use std::collections::BTreeSet;

/// One thing in a bucket: `version KEY ID`, `marker KEY ID` or `upload KEY ID`.
pub type Entry = String;

fn days(n: i64) -> TimeDelta {
    TimeDelta::days(n)
}

fn put_at(store: &Store, bucket: &str, key: &str, body: &[u8], at: DateTime<Utc>) -> String {
    let options = PutOptions {
        last_modified: Some(at),
        ..PutOptions::default()
    };
    let r = store
        .put_object(bucket, key, Bytes::copy_from_slice(body), options)
        .expect("put");
    r.version_id.expect("a versioned bucket")
}

fn marker_at(store: &Store, bucket: &str, key: &str, at: DateTime<Utc>) -> String {
    let r = store
        .delete_object_at(bucket, key, Some(at))
        .expect("delete");
    r.version_id.expect("a delete marker")
}

fn upload_at(store: &Store, bucket: &str, key: &str, at: DateTime<Utc>, parts: i32) -> String {
    let id = store
        .create_multipart_upload(bucket, key, Some(at))
        .expect("create upload");
    for n in 1..=parts {
        store
            .upload_part(
                bucket,
                key,
                &id,
                n,
                Bytes::from(vec![b'p'; 1000 * n as usize]),
            )
            .expect("upload part");
    }
    id
}

/// Seeds `bucket` (created, versioned) under `prefix`; returns what a cleanup with
/// `--uploads-older-than 7d --noncurrent-older-than 30d --delete-markers` as of `now` removes.
pub fn seed(store: &Store, bucket: &str, prefix: &str, now: DateTime<Utc>) -> BTreeSet<Entry> {
    let _ = store.create_bucket(bucket);
    store.set_versioning(bucket, true).expect("versioning");
    let mut goes = BTreeSet::new();
    let k = |name: &str| format!("{prefix}{name}");
    // Three versions: the two older ones have been noncurrent for 60 and 40 days.
    let key = k("docs/report.txt");
    let v1 = put_at(store, bucket, &key, b"one", now - days(100));
    let v2 = put_at(store, bucket, &key, b"two two", now - days(60));
    put_at(store, bucket, &key, b"three", now - days(40));
    goes.insert(format!("version {key} {v1}"));
    goes.insert(format!("version {key} {v2}"));
    // Noncurrent for 10 days only: stays, although it was written 50 days ago.
    let key = k("docs/recent.txt");
    put_at(
        store,
        bucket,
        &key,
        b"old but recently replaced",
        now - days(50),
    );
    put_at(store, bucket, &key, b"new", now - days(10));
    // Deleted 45 days ago: its version goes, then the marker has nothing behind it.
    let key = k("gone/x.bin");
    let v = put_at(store, bucket, &key, &[7u8; 4096], now - days(90));
    let m = marker_at(store, bucket, &key, now - days(45));
    goes.insert(format!("version {key} {v}"));
    goes.insert(format!("marker {key} {m}"));
    // Deleted 5 days ago: its version is young, so the marker stays too.
    let key = k("gone/y.bin");
    put_at(store, bucket, &key, &[8u8; 2048], now - days(90));
    marker_at(store, bucket, &key, now - days(5));
    // A marker buried under a newer version: noncurrent, it hides nothing.
    let key = k("back/again.txt");
    put_at(store, bucket, &key, b"first", now - days(20));
    let m = marker_at(store, bucket, &key, now - days(15));
    put_at(store, bucket, &key, b"restored", now - days(12));
    goes.insert(format!("marker {key} {m}"));
    // An awkward key with an old noncurrent version.
    let key = k("odd name %+ é.txt");
    let v = put_at(store, bucket, &key, b"a", now - days(80));
    put_at(store, bucket, &key, b"b", now - days(70));
    goes.insert(format!("version {key} {v}"));
    // Only a current version: never touched.
    put_at(
        store,
        bucket,
        &k("keep/current.txt"),
        b"keep",
        now - days(365),
    );
    // Uploads: 10 days old (goes), 1 day old (stays).
    let u = upload_at(store, bucket, &k("big/stale.bin"), now - days(10), 2);
    goes.insert(format!("upload {} {u}", k("big/stale.bin")));
    upload_at(store, bucket, &k("big/fresh.bin"), now - days(1), 1);
    goes
}

/// Adds `n` keys with one old noncurrent version each (for runs of several batches).
pub fn seed_many(
    store: &Store,
    bucket: &str,
    prefix: &str,
    n: usize,
    now: DateTime<Utc>,
) -> BTreeSet<Entry> {
    let mut goes = BTreeSet::new();
    for i in 0..n {
        let key = format!("{prefix}many/{i:05}.log");
        let v = put_at(store, bucket, &key, b"old", now - days(100));
        put_at(store, bucket, &key, b"new", now - days(50));
        goes.insert(format!("version {key} {v}"));
    }
    goes
}

/// Every version, delete marker and incomplete upload of `bucket`.
pub async fn state(s3: &Client, bucket: &str) -> BTreeSet<Entry> {
    let mut out = BTreeSet::new();
    let (mut km, mut vm): (Option<String>, Option<String>) = (None, None);
    loop {
        let r = s3
            .list_object_versions()
            .bucket(bucket)
            .set_key_marker(km.clone())
            .set_version_id_marker(vm.clone())
            .send()
            .await
            .expect("ListObjectVersions");
        for v in r.versions() {
            out.insert(format!(
                "version {} {}",
                v.key().unwrap_or_default(),
                v.version_id().unwrap_or("null")
            ));
        }
        for m in r.delete_markers() {
            out.insert(format!(
                "marker {} {}",
                m.key().unwrap_or_default(),
                m.version_id().unwrap_or("null")
            ));
        }
        if r.is_truncated() != Some(true) {
            break;
        }
        km = r.next_key_marker().map(str::to_string);
        vm = r.next_version_id_marker().map(str::to_string);
    }
    let uploads = s3
        .list_multipart_uploads()
        .bucket(bucket)
        .send()
        .await
        .expect("ListMultipartUploads");
    for u in uploads.uploads() {
        out.insert(format!(
            "upload {} {}",
            u.key().unwrap_or_default(),
            u.upload_id().unwrap_or_default()
        ));
    }
    out
}

/// The entries of a plan printed with `--format json`.
pub fn plan_entries(plan: &serde_json::Value) -> BTreeSet<Entry> {
    plan["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            let key = i["key"].as_str().unwrap();
            match i["kind"].as_str().unwrap() {
                "upload" => format!("upload {key} {}", i["upload_id"].as_str().unwrap()),
                "version" => format!("version {key} {}", i["version_id"].as_str().unwrap()),
                "delete_marker" => format!("marker {key} {}", i["version_id"].as_str().unwrap()),
                other => panic!("unknown kind {other}"),
            }
        })
        .collect()
}

/// The entries of a core plan.
pub fn items_entries(plan: &s3scope_core::cleanup::CleanupPlan) -> BTreeSet<Entry> {
    plan_entries(&serde_json::to_value(plan).unwrap())
}
