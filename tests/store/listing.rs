//! Listings of the embedded S3 server, driven by the real AWS SDK, against a `BTreeSet`.
//!
//! Order, paging, prefixes, delimiters, markers and `encoding-type=url`; plus an ignored
//! measurement of listing 200,000 keys.

use crate::support::store as store_support;

use std::collections::BTreeSet;
use std::time::Instant;

use aws_sdk_s3::Client;
use aws_sdk_s3::types::EncodingType;
use bytes::Bytes;
use futures::StreamExt;
use s3scope_store::PutOptions;
use store_support::*;

/// A few thousand keys: nested prefixes, neighbours of `/` in sort order, awkward characters.
fn key_set() -> BTreeSet<String> {
    let mut keys: BTreeSet<String> = (0..2400)
        .map(|i| format!("d{}/s{:02}/file-{i:04}.txt", i % 7, i % 13))
        .collect();
    for key in [
        "a",
        "a.b",
        "a/",
        "a/b",
        "a0",
        "a/b/c",
        "top level.txt",
        "z+plus",
        "z%percent",
        "z space",
        "zé",
        "z日本",
        "z\u{1F600}",
        "d1",
        "d1.",
        "d10/x",
        "d1/",
        "d3/s00/",
        "d3/s00//double",
    ] {
        keys.insert(key.to_owned());
    }
    keys
}

/// The keys and common prefixes S3 lists for `prefix` and `delimiter`.
fn expected_entries(keys: &BTreeSet<String>, prefix: &str, delimiter: &str) -> BTreeSet<String> {
    keys.iter()
        .filter_map(|key| key.strip_prefix(prefix).map(|rest| (key, rest)))
        .map(
            |(key, rest)| match rest.find(delimiter).filter(|_| !delimiter.is_empty()) {
                Some(at) => format!("{prefix}{}", &rest[..at + delimiter.len()]),
                None => key.clone(),
            },
        )
        .collect()
}

/// Lists with ListObjectsV2 in pages of `max_keys`; returns entries (keys, then prefixes, per page).
async fn list_v2(
    client: &Client,
    bucket: &str,
    prefix: &str,
    delimiter: Option<&str>,
    max_keys: i32,
) -> Vec<String> {
    let (mut token, mut entries) = (None, Vec::new());
    loop {
        let page = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_delimiter(delimiter.map(str::to_owned))
            .max_keys(max_keys)
            .set_continuation_token(token)
            .send()
            .await
            .expect("list v2");
        let count = page.contents().len() + page.common_prefixes().len();
        assert!(count <= max_keys as usize);
        assert_eq!(page.key_count(), Some(count as i32));
        for object in page.contents() {
            assert!(object.e_tag().is_some() && object.size().is_some());
            assert!(object.last_modified().is_some() && object.storage_class().is_some());
        }
        entries.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key())
                .map(str::to_owned),
        );
        entries.extend(
            page.common_prefixes()
                .iter()
                .filter_map(|p| p.prefix())
                .map(str::to_owned),
        );
        token = page.next_continuation_token().map(str::to_owned);
        if !page.is_truncated().unwrap_or(false) {
            return entries;
        }
        assert!(
            token.is_some(),
            "a truncated page carries a continuation token"
        );
    }
}

/// Lists with ListObjects (v1) in pages, following NextMarker (or the last key).
async fn list_v1(
    client: &Client,
    bucket: &str,
    delimiter: Option<&str>,
    max_keys: i32,
) -> Vec<String> {
    let (mut marker, mut entries) = (None::<String>, Vec::new());
    loop {
        let page = client
            .list_objects()
            .bucket(bucket)
            .set_delimiter(delimiter.map(str::to_owned))
            .max_keys(max_keys)
            .set_marker(marker)
            .send()
            .await
            .expect("list v1");
        entries.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key())
                .map(str::to_owned),
        );
        entries.extend(
            page.common_prefixes()
                .iter()
                .filter_map(|p| p.prefix())
                .map(str::to_owned),
        );
        if !page.is_truncated().unwrap_or(false) {
            return entries;
        }
        let last_key = page
            .contents()
            .last()
            .and_then(|o| o.key())
            .map(str::to_owned);
        marker = page.next_marker().map(str::to_owned).or(last_key);
    }
}

fn sorted_unique(entries: Vec<String>) -> BTreeSet<String> {
    let count = entries.len();
    let set: BTreeSet<String> = entries.into_iter().collect();
    assert_eq!(set.len(), count, "an entry was listed twice");
    set
}

pub async fn check_listing(client: &Client, prefix: &str) {
    let bucket = format!("{prefix}-listing");
    create_bucket(client, &bucket).await;
    let keys = key_set();
    let bucket = bucket.as_str();
    futures::stream::iter(keys.iter())
        .map(|key| async move { put(client, bucket, key, key.as_bytes()).await })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;

    // Flat: exactly the keys, in UTF-8 binary order, whatever the page size.
    let expected: Vec<String> = keys.iter().cloned().collect();
    for max_keys in [1000, 7] {
        assert_eq!(
            list_v2(client, bucket, "", None, max_keys).await,
            expected,
            "max-keys {max_keys}"
        );
    }
    assert_eq!(
        list_v2(client, bucket, "", Some(""), 500).await,
        expected,
        "an empty delimiter is no delimiter"
    );
    assert_eq!(list_v1(client, bucket, None, 333).await, expected);

    // Grouped: every common prefix once, across pages too.
    for (prefix, max_keys) in [
        ("", 3),
        ("", 1),
        ("d3/", 4),
        ("d3/s00/", 2),
        ("a", 1),
        ("nothing", 5),
    ] {
        let listed = sorted_unique(list_v2(client, bucket, prefix, Some("/"), max_keys).await);
        assert_eq!(
            listed,
            expected_entries(&keys, prefix, "/"),
            "prefix {prefix:?}, max-keys {max_keys}"
        );
    }
    let listed = sorted_unique(list_v1(client, bucket, Some("/"), 2).await);
    assert_eq!(listed, expected_entries(&keys, "", "/"));
    let listed = sorted_unique(list_v2(client, bucket, "d", Some("s0"), 5).await);
    assert_eq!(
        listed,
        expected_entries(&keys, "d", "s0"),
        "a multi-character delimiter"
    );

    let after = client
        .list_objects_v2()
        .bucket(bucket)
        .start_after("d6/s12/")
        .max_keys(3)
        .send()
        .await
        .expect("start-after");
    let after: Vec<_> = after.contents().iter().filter_map(|o| o.key()).collect();
    let expected_after: Vec<_> = keys
        .iter()
        .filter(|k| k.as_str() > "d6/s12/")
        .take(3)
        .map(String::as_str)
        .collect();
    assert_eq!(after, expected_after);

    let encoded = client
        .list_objects_v2()
        .bucket(bucket)
        .prefix("z")
        .encoding_type(EncodingType::Url)
        .send()
        .await
        .expect("encoded");
    assert_eq!(encoded.encoding_type(), Some(&EncodingType::Url));
    let decoded: Vec<String> = encoded
        .contents()
        .iter()
        .filter_map(|o| o.key())
        .map(|k| {
            percent_encoding::percent_decode_str(k)
                .decode_utf8()
                .expect("utf-8")
                .into_owned()
        })
        .collect();
    let raw: Vec<String> = keys
        .iter()
        .filter(|k| k.starts_with('z'))
        .cloned()
        .collect();
    assert_eq!(decoded, raw);
    assert!(
        encoded
            .contents()
            .iter()
            .filter_map(|o| o.key())
            .all(|k| k.is_ascii() && !k.contains(' '))
    );

    let negative = client
        .list_objects_v2()
        .bucket(bucket)
        .max_keys(-1)
        .send()
        .await;
    assert_eq!(
        error_code(&negative.expect_err("negative max-keys")),
        "InvalidArgument"
    );
}

#[tokio::test]
async fn listing_order_and_paging() {
    let test = start().await;
    check_listing(&client(&test.server), "embedded").await;
}

/// Runs the portable checks against another endpoint when `S3SCOPE_TEST_S3_*` names one.
#[tokio::test]
async fn external_endpoint_passes_the_same_checks() {
    let Some(client) = external_target() else {
        eprintln!("S3SCOPE_TEST_S3_ENDPOINT not set: skipping");
        return;
    };
    check_listing(&client, &unique_prefix("s3scope-check")).await;
}

/// Measures a sequential ListObjectsV2 walk of 200,000 keys (run with `--ignored --nocapture`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a check: takes a while in a debug build"]
async fn list_200k_keys() {
    const KEYS: usize = 200_000;
    let test = start().await;
    let store = test.server.store();
    store.create_bucket("big").expect("bucket");
    let started = Instant::now();
    let writer = std::sync::Arc::clone(&store);
    tokio::task::spawn_blocking(move || {
        for i in 0..KEYS {
            let key = format!("tenant-{:02}/day-{:03}/object-{i:06}.bin", i % 37, i % 365);
            writer
                .put_object("big", &key, Bytes::new(), PutOptions::default())
                .expect("put");
        }
    })
    .await
    .expect("writer");
    println!(
        "wrote {KEYS} keys through the Store API in {:.2?}",
        started.elapsed()
    );

    let client = client(&test.server);
    let started = Instant::now();
    let (mut token, mut count, mut page_times) = (None, 0, Vec::new());
    loop {
        let page_started = Instant::now();
        let page = client
            .list_objects_v2()
            .bucket("big")
            .set_continuation_token(token)
            .send()
            .await
            .expect("page");
        page_times.push(page_started.elapsed());
        count += page.contents().len();
        token = page.next_continuation_token().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    let mean = |times: &[std::time::Duration]| {
        times.iter().sum::<std::time::Duration>() / times.len() as u32
    };
    println!(
        "listed {count} keys in {} pages in {:.2?}; first 10 pages {:.2?} each, last 10 {:.2?} each",
        page_times.len(),
        started.elapsed(),
        mean(&page_times[..10]),
        mean(&page_times[page_times.len() - 10..]),
    );
    assert_eq!(count, KEYS);

    let started = Instant::now();
    let top = list_v2(&client, "big", "", Some("/"), 1000).await;
    println!(
        "listed {} common prefixes over {KEYS} keys in {:.2?}",
        top.len(),
        started.elapsed()
    );
    assert_eq!(top.len(), 37);

    // Reopening replays the journal once and compacts it; the next open reads the snapshot.
    let TestServer { server, dir } = test;
    drop(store); // the directory stays locked while a handle on its store lives
    server.shutdown().await;
    for round in ["replaying the journal", "from the compacted snapshot"] {
        let started = Instant::now();
        let server = start_in(dir.path()).await;
        println!("reopened {KEYS} keys {round} in {:.2?}", started.elapsed());
        server.shutdown().await;
    }
}
