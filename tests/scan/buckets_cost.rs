//! `s3scope buckets` cost and analyser output against the embedded server: known bytes per
//! class, prices from the config file, hand-computed monthly costs.

use crate::support::cmd::Run;
use crate::support::store as store_support;
use bytes::Bytes;
use s3scope_store::store::EmbeddedServer;
use s3scope_store::{PutOptions, StorageClass};
use std::path::Path;
use std::time::Duration;

const MIB: usize = 1 << 20;

fn s3scope(home: &Path, config: &str, args: &[&str]) -> Run {
    let path = home.join("config.toml");
    std::fs::write(&path, config).unwrap();
    let mut cmd = crate::support::cmd::s3scope(home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("AWS_ACCESS_KEY_ID", store_support::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", store_support::SECRET_KEY)
        .timeout(Duration::from_secs(120)) // only a hang guard
        .arg("--config")
        .arg(&path)
        .args(args);
    Run::of(cmd.output().unwrap())
}

fn put(server: &EmbeddedServer, bucket: &str, key: &str, size: usize, class: StorageClass) {
    let opts = PutOptions {
        storage_class: class,
        ..PutOptions::default()
    };
    server
        .store()
        .put_object(bucket, key, Bytes::from(vec![b'x'; size]), opts)
        .unwrap();
}

#[test]
fn cost_columns_json_sort_and_analyser_format() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = rt.block_on(store_support::start_in(&dir.path().join("store")));
    server.store().create_bucket("cheap").unwrap();
    server.store().create_bucket("dear").unwrap();
    // cheap: 1 MiB STANDARD + 2 MiB DEEP_ARCHIVE; dear: 3 MiB STANDARD + 1 MiB STANDARD_IA.
    put(&server, "cheap", "a", MIB, StorageClass::Standard);
    put(&server, "cheap", "b", 2 * MIB, StorageClass::DeepArchive);
    put(&server, "dear", "a", 3 * MIB, StorageClass::Standard);
    put(&server, "dear", "ia", MIB, StorageClass::StandardIa);
    let home = tempfile::tempdir().unwrap();
    let ep = server.endpoint.clone();

    // An S3-compatible endpoint with no prices: no cost anywhere.
    let r = s3scope(
        home.path(),
        "",
        &["--endpoint", &ep, "buckets", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(v["buckets"][0]["cost"].is_null(), "{v}");
    assert!(v["totals"]["cost"].is_null(), "{v}");
    let r = s3scope(home.path(), "", &["--endpoint", &ep, "buckets"]);
    assert!(!r.stdout.contains("Cost/mo"), "{}", r.stdout);

    // Prices per GB-month chosen so that one MiB costs round money: 1024 $/GB = 1 $/MiB.
    let prices = "[prices]\nstandard = 1024\ndeep_archive = 10.24\nstandard_ia = 512\n";
    let r = s3scope(
        home.path(),
        prices,
        &[
            "--endpoint",
            &ep,
            "buckets",
            "--format",
            "json",
            "--sort",
            "cost",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let names: Vec<&str> = v["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["bucket"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["dear", "cheap"]);
    // dear: 3 MiB * $1 + 1 MiB * $0.5 = $3.5; cheap: $1 + 2 MiB * $0.01 = $1.02.
    assert_eq!(v["buckets"][0]["cost"]["monthly_usd"], 3.5);
    assert_eq!(
        v["buckets"][0]["cost"]["storage_classes"]["STANDARD_IA"],
        0.5
    );
    assert_eq!(v["buckets"][1]["cost"]["monthly_usd"], 1.02);
    assert_eq!(
        v["buckets"][1]["cost"]["storage_classes"]["DEEP_ARCHIVE"],
        0.02
    );
    assert_eq!(v["totals"]["cost"]["monthly_usd"], 4.52);

    // The table: Cost/mo after bytes, classes in the one order, a totals row.
    let r = s3scope(
        home.path(),
        prices,
        &["--endpoint", &ep, "buckets", "--sort", "cost"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    let head: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        &head[..7],
        [
            "bucket",
            "region",
            "objects",
            "bytes",
            "Cost/mo",
            "STANDARD",
            "STANDARD_IA"
        ]
    );
    assert_eq!(head[7], "DEEP_ARCHIVE");
    assert!(
        lines[1].starts_with("dear") && lines[1].contains("$3.50"),
        "{}",
        r.stdout
    );
    assert!(lines[3].contains("$4.52"), "{}", r.stdout);

    // The storage analyser's columns, in MB (1024-based) by default, and in KB.
    let r = s3scope(
        home.path(),
        "",
        &[
            "--endpoint",
            &ep,
            "buckets",
            "--format",
            "analyser",
            "--sort",
            "name",
            "--prefix",
            "ch*",
            "--conc",
            "2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<Vec<&str>> = r
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines[0],
        [
            "Bucket",
            "Region",
            "Files",
            "Total(MB)",
            "STD(MB)",
            "RR(MB)",
            "IA(MB)",
            "Creation(UTC)"
        ]
    );
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert_eq!(
        &lines[1][..7],
        ["cheap", "us-east-1", "2", "3", "1", "0", "0"]
    );
    let created = lines[1][7];
    assert_eq!(created.len(), "2017-11-18T08:14:15".len(), "{created}");
    assert_eq!(&created[10..11], "T");
    let r = s3scope(
        home.path(),
        "",
        &[
            "--endpoint",
            &ep,
            "buckets",
            "--format",
            "analyser",
            "--unit",
            "KB",
            "--prefix",
            "dear",
        ],
    );
    let row: Vec<&str> = r
        .stdout
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        &row[..7],
        ["dear", "us-east-1", "2", "4096", "3072", "0", "1024"]
    );

    // du: the cost per prefix and class, and what its LIST calls cost ($1 each here).
    put(&server, "cheap", "logs/x", MIB, StorageClass::Standard);
    let r = s3scope(
        home.path(),
        &format!("{prices}list = 1000\n"),
        &["--endpoint", &ep, "du", "s3://cheap", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["cost"]["monthly_usd"], 2.02, "{v}");
    assert_eq!(v["cost"]["storage_classes"]["STANDARD"], 2.0, "{v}");
    let calls = v["list_calls"].as_f64().unwrap();
    assert!(calls >= 1.0);
    assert_eq!(v["list_cost_usd"].as_f64(), Some(calls), "{v}");
    assert_eq!(v["prefixes"][0]["prefix"], "logs/");
    assert_eq!(v["prefixes"][0]["cost"]["monthly_usd"], 1.0, "{v}");
    assert!(r.stderr.contains("LIST calls, about $"), "{}", r.stderr);
    // Without prices: no cost fields at all.
    let r = s3scope(
        home.path(),
        "",
        &["--endpoint", &ep, "du", "s3://cheap", "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v.get("cost").is_none() && v.get("list_cost_usd").is_none(),
        "{v}"
    );
    rt.block_on(server.shutdown());
}
