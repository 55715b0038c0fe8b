//! The demo seed: what it writes, that it is deterministic, and done once per directory.

use crate::support::store as store_support;

use aws_sdk_s3::Client;
use aws_sdk_s3::types::Object;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use s3scope_store::seed::seed_at;
use s3scope_store::{DemoError, EmbeddedServer, SeedSummary, Store, seed};
use std::collections::{BTreeMap, BTreeSet};
use store_support::*;

fn anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 30, 0, 0, 0)
        .single()
        .expect("valid date")
}

/// (key, size, ETag, last modified, storage class) of every object in a bucket.
type Listing = Vec<(String, i64, String, i64, String)>;

async fn objects(client: &Client, bucket: &str) -> Vec<Object> {
    let pages = client
        .list_objects_v2()
        .bucket(bucket)
        .into_paginator()
        .send();
    let pages: Vec<_> = pages.try_collect().await.expect("list");
    pages
        .into_iter()
        .flat_map(|page| page.contents.unwrap_or_default())
        .collect()
}

async fn listing(client: &Client, bucket: &str) -> Listing {
    objects(client, bucket)
        .await
        .into_iter()
        .map(|o| {
            (
                o.key().unwrap_or_default().to_owned(),
                o.size().unwrap_or_default(),
                o.e_tag().unwrap_or_default().to_owned(),
                o.last_modified().map(|t| t.secs()).unwrap_or_default(),
                o.storage_class()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

const BUCKETS: [&str; 4] = ["demo-analytics", "demo-cdr", "demo-logs", "demo-versioned"];

/// Seeds the server's store (pinned to `anchor()` unless `today`). How long seeding takes is
/// measured by bench/first_frame.sh (seeding included), not asserted here.
async fn seed_store(server: &EmbeddedServer, today: bool) -> SeedSummary {
    let store = server.store();
    let seeded = tokio::task::spawn_blocking(move || {
        if today {
            seed(&store)
        } else {
            seed_at(&store, anchor())
        }
    });
    seeded.await.expect("task").expect("seed")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_data_looks_real() {
    let test = start().await;
    let summary = seed_store(&test.server, false).await;
    assert_eq!(summary.buckets, 4);
    let client = client(&test.server);
    let buckets = client.list_buckets().send().await.expect("buckets");
    let names: BTreeSet<_> = buckets.buckets().iter().filter_map(|b| b.name()).collect();
    assert_eq!(names, BTreeSet::from(BUCKETS));

    // (a) A deep lake of mostly small files, a few large ones, several classes, months of dates.
    let lake = listing(&client, "demo-analytics").await;
    assert!(lake.len() >= 5000, "{} analytics objects", lake.len());
    assert!(lake.iter().map(|o| o.0.matches('/').count()).max() >= Some(5));
    let classes: BTreeSet<_> = lake.iter().map(|o| o.4.as_str()).collect();
    for class in ["STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE"] {
        assert!(classes.contains(class), "no {class} in {classes:?}");
    }
    assert!(lake.iter().any(|o| o.1 == 0));
    assert!(lake.iter().any(|o| o.1 >= 5 * 1024 * 1024));
    let (oldest, newest) = (
        lake.iter().map(|o| o.3).min(),
        lake.iter().map(|o| o.3).max(),
    );
    assert!(
        newest
            .zip(oldest)
            .is_some_and(|(n, o)| n - o > 120 * 86_400),
        "dates span months"
    );
    for awkward in [
        "reports/Quarterly Report 2025 Q1.pdf",
        "reports/growth 15%+ plan/Q2 targets+stretch.csv",
        "reports/日本語/売上レポート 2025.csv",
    ] {
        assert!(lake.iter().any(|o| o.0 == awkward), "{awkward}");
    }
    let uploads = client
        .list_multipart_uploads()
        .bucket("demo-analytics")
        .send()
        .await
        .expect("uploads");
    assert_eq!(uploads.uploads().len(), 2);

    // (b) CDR names to segregate, some that do not match, a few impossible dates.
    let cdr = listing(&client, "demo-cdr").await;
    assert!(cdr.len() >= 2000, "{} CDR objects", cdr.len());
    let pattern = regex::Regex::new(r"^CHARGINGCDR_.*-(\d{8})-?(\d{2}).*").expect("regex");
    let (mut parsed, mut unmatched, mut impossible, mut days) = (0, 0, 0, BTreeSet::new());
    for (key, ..) in &cdr {
        let name = key.strip_prefix("incoming/").expect("under incoming/");
        match pattern.captures(name) {
            None => unmatched += 1,
            Some(groups) => {
                let date = NaiveDate::parse_from_str(&groups[1], "%Y%m%d");
                match (date, groups[2].parse::<u32>()) {
                    (Ok(date), Ok(hour)) if hour < 24 => {
                        parsed += 1;
                        days.insert(date);
                    }
                    _ => impossible += 1,
                }
            }
        }
    }
    assert!(days.len() >= 10, "{} days", days.len());
    let share = f64::from(unmatched) / cdr.len() as f64;
    assert!(
        (0.02..0.10).contains(&share),
        "{unmatched} of {} do not match",
        cdr.len()
    );
    assert!(
        impossible >= 3 && parsed >= 1900,
        "{impossible} impossible, {parsed} parsed"
    );

    // (c) Access logs in both layouts, in AWS's format, with two broken records.
    let logs = listing(&client, "demo-logs").await;
    let simple = regex::Regex::new(r"^logs/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$")
        .expect("regex");
    let partitioned = regex::Regex::new(r"^partitioned/111122223333/us-east-1/demo-[a-z]+/\d{4}/\d{2}/\d{2}/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$").expect("regex");
    assert!(
        logs.iter()
            .all(|o| simple.is_match(&o.0) || partitioned.is_match(&o.0))
    );
    assert!(
        logs.iter().any(|o| partitioned.is_match(&o.0))
            && logs.iter().filter(|o| simple.is_match(&o.0)).count() > 100
    );
    let record = regex::Regex::new(
        r#"^[0-9a-f]{64} demo-[a-z]+ \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] \S+ \S+ [0-9A-F]{16} (REST|BATCH)\.[A-Z.]+ \S+ "[A-Z]+ \S+ HTTP/1\.1" \d{3} \S+ \S+ \S+ \d+ \d+ "-" "[^"]*" - \S{76} \S+ \S+ \S+ \S+ \S+ - -$"#,
    )
    .expect("regex");
    let (mut good, mut bad, mut requesters) = (0, 0, BTreeSet::new());
    for (key, ..) in &logs {
        for line in String::from_utf8(get(&client, "demo-logs", key).await)
            .expect("utf-8")
            .lines()
        {
            if record.is_match(line) {
                good += 1;
                requesters.insert(line.split(' ').nth(5).unwrap_or_default().to_owned());
            } else {
                bad += 1;
            }
        }
    }
    assert_eq!(bad, 2, "one truncated record and one garbage line");
    assert!(
        good > 1000 && requesters.len() >= 4,
        "{good} records by {requesters:?}"
    );

    // (d) Noncurrent versions and delete markers.
    let versions = client
        .list_object_versions()
        .bucket("demo-versioned")
        .send()
        .await
        .expect("versions");
    assert!(
        versions
            .versions()
            .iter()
            .any(|v| v.is_latest() == Some(false))
    );
    assert!(!versions.delete_markers().is_empty());
    let state = client
        .get_bucket_versioning()
        .bucket("demo-versioned")
        .send()
        .await
        .expect("versioning");
    assert_eq!(state.status().map(|s| s.as_str()), Some("Enabled"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_is_deterministic_and_done_once() {
    let (first, second) = (start().await, start().await);
    let seeds = [
        seed_store(&first.server, false).await,
        seed_store(&second.server, false).await,
    ];
    assert_eq!(seeds[0], seeds[1]);
    let (a, b) = (client(&first.server), client(&second.server));
    let mut totals = BTreeMap::new();
    for bucket in BUCKETS {
        let (left, right) = (listing(&a, bucket).await, listing(&b, bucket).await);
        assert!(left == right, "{bucket} differs between two seeds");
        totals.insert(bucket, left.len());
    }
    println!("objects per bucket: {totals:?}");

    // Seeding a seeded directory reads the marker back and writes nothing.
    let again = seed_store(&first.server, true).await;
    assert_eq!(again, seeds[0]);
    assert_eq!(listing(&a, "demo-cdr").await.len(), totals["demo-cdr"]);
}

#[test]
fn a_half_seeded_directory_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("store");
    store.create_bucket("demo-cdr").expect("bucket");
    let err = seed(&store).expect_err("partial seed");
    assert!(matches!(err, DemoError::PartialSeed { .. }), "{err}");
    assert!(err.to_string().contains("delete it"));
}
