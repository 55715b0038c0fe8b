//! extract + process end to end against the embedded S3 server: packages on a local data dir,
//! manifest and status, daily rollups and growth, idempotent re-runs, and the HTML report.

use crate::support::pipeline as pipeline_support;

use pipeline_support::*;
use s3scope_store::StorageClass;
use serde_json::Value;
use std::path::Path;

fn package_dirs(data: &Path) -> Vec<String> {
    let mut dirs: Vec<String> = files_under(data)
        .into_iter()
        .filter(|f| f.ends_with("/manifest.json"))
        .map(|f| f.trim_end_matches("/manifest.json").to_string())
        .collect();
    dirs.sort();
    dirs
}

fn manifest(data: &Path, dir: &str) -> Value {
    let text = std::fs::read_to_string(data.join(dir).join("manifest.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_and_process_on_a_local_data_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let (home, data, out) = (
        tmp.path().join("home"),
        tmp.path().join("data"),
        tmp.path().join("out"),
    );
    let day1 = run(
        s3scope(&home, &s3.endpoint)
            .args(["extract", "--since", "2026-11-20", "--until", "2026-11-21"])
            .arg("--data-dir")
            .arg(&data),
        0,
    );
    let text = stdout(&day1);
    assert!(
        text.contains("listing") && text.contains("bucket-stats"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}') && !stderr(&day1).contains('\u{1b}'));

    // Day 2: alpha grew by one object of 400 bytes, the GLACIER object is gone.
    put(&s3, "alpha", "logs/2026/d.log", 400, StorageClass::Standard);
    s3.store()
        .delete_object("alpha", "archive/old.tar")
        .unwrap();
    run(
        s3scope(&home, &s3.endpoint)
            .args(["extract", "--since", "2026-11-21", "--until", "2026-11-22"])
            .arg("--data-dir")
            .arg(&data),
        0,
    );
    let dirs = package_dirs(&data);
    assert_eq!(
        dirs,
        [
            "dt=2026-11-20/20261120T000000Z-20261121T000000Z",
            "dt=2026-11-21/20261121T000000Z-20261122T000000Z"
        ]
    );
    let m = manifest(&data, &dirs[0]);
    assert_eq!(m["tool"], "s3scope");
    assert_eq!(m["since"], "2026-11-20T00:00:00Z");
    assert_eq!(m["until"], "2026-11-21T00:00:00Z");
    assert_eq!(m["dt"], "2026-11-20");
    let collectors = m["collectors"].as_array().unwrap();
    assert_eq!(collectors.len(), 2);
    assert!(collectors.iter().all(|c| c["success"] == true), "{m}");
    let files = m["files"].as_array().unwrap();
    let listing = files.iter().find(|f| f["table"] == "listing").unwrap();
    assert_eq!(listing["rows"], 6);
    assert_eq!(listing["buckets"], serde_json::json!(["alpha", "beta"]));
    let name = listing["name"].as_str().unwrap();
    let on_disk = std::fs::metadata(data.join(&dirs[0]).join(name))
        .unwrap()
        .len();
    assert_eq!(listing["bytes"].as_u64(), Some(on_disk));
    assert_eq!(listing["sha256"].as_str().unwrap().len(), 64);
    let status =
        std::fs::read_to_string(data.join(&dirs[0]).join("collection_status.csv")).unwrap();
    assert!(
        status.starts_with("collector,version,started,stopped,success,rows,error\n"),
        "{status}"
    );
    assert!(status.contains("\nlisting,1,"), "{status}");
    assert!(!files_under(&data).iter().any(|f| f.contains(".s3scope-")));

    let processed = run(
        s3scope(&home, &s3.endpoint)
            .args(["process", "--since", "2026-11-20", "--until", "2026-11-22"])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out)
            .args(["--format", "json"]),
        0,
    );
    let summary: Value = serde_json::from_slice(&processed.stdout).unwrap();
    assert_eq!(summary["packages"], 2);
    assert_eq!(summary["problems"], serde_json::json!([]));
    let outputs = files_under(&out);
    for table in ["storage_daily", "prefix_daily", "age_histogram"] {
        for dt in ["2026-11-20", "2026-11-21"] {
            let f = format!("{table}/dt={dt}/part-0.parquet");
            assert!(outputs.contains(&f), "{f} in {outputs:?}");
        }
    }
    assert!(outputs.contains(&"growth_daily/dt=2026-11-21/part-0.parquet".to_string()));
    let reports = out.join("reports/20261120T000000Z-20261122T000000Z");
    let storage = csv_rows(&reports.join("storage_daily.csv"));
    let row = |dt: &str, b: &str, c: &str| {
        storage
            .iter()
            .find(|r| r[0] == dt && r[1] == b && r[2] == c)
            .map(|r| (r[3].parse::<i64>().unwrap(), r[4].parse::<i64>().unwrap()))
    };
    assert_eq!(row("2026-11-20", "alpha", "STANDARD"), Some((4, 610)));
    assert_eq!(row("2026-11-20", "alpha", "GLACIER"), Some((1, 1000)));
    assert_eq!(row("2026-11-20", "beta", "STANDARD"), Some((1, 50)));
    assert_eq!(row("2026-11-21", "alpha", "STANDARD"), Some((5, 1010)));
    assert_eq!(row("2026-11-21", "alpha", "GLACIER"), None);
    let growth = csv_rows(&reports.join("growth_daily.csv"));
    let g = growth
        .iter()
        .find(|r| r[1] == "alpha" && r[2] == "STANDARD")
        .unwrap();
    assert_eq!(
        (g[0].as_str(), g[3].as_str(), g[6].as_str(), g[7].as_str()),
        ("2026-11-21", "2026-11-20", "1", "400")
    );
    let gl = growth
        .iter()
        .find(|r| r[1] == "alpha" && r[2] == "GLACIER")
        .unwrap();
    assert_eq!((gl[5].as_str(), gl[7].as_str()), ("0", "-1000"));
    let html = std::fs::read_to_string(reports.join("report.html")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<svg"),
        "report"
    );
    assert!(html.contains("alpha") && !html.contains("<script>") && !html.contains('\u{1b}'));
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(json["rows"]["storage_daily"], 5);

    // Re-running a window replaces its package and its outputs; nothing is doubled.
    run(
        s3scope(&home, &s3.endpoint)
            .args(["extract", "--since", "2026-11-21", "--until", "2026-11-22"])
            .arg("--data-dir")
            .arg(&data),
        0,
    );
    assert_eq!(package_dirs(&data), dirs);
    let parquet_files: Vec<String> = files_under(&data.join(&dirs[1]))
        .into_iter()
        .filter(|f| f.ends_with(".parquet"))
        .collect();
    assert_eq!(parquet_files.len(), 2, "{parquet_files:?}");
    let before = files_under(&out);
    run(
        s3scope(&home, &s3.endpoint)
            .args(["process", "--since", "2026-11-20", "--until", "2026-11-22"])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out),
        0,
    );
    assert_eq!(files_under(&out), before);
    assert_eq!(csv_rows(&reports.join("storage_daily.csv")), storage);
    s3.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sources_buckets_and_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let (home, data) = (tmp.path().join("home"), tmp.path().join("data"));
    // usage needs the RGW admin API: recorded as failed, the listing still lands; exit 1.
    let out = run(
        s3scope(&home, &s3.endpoint)
            .args(["extract", "--until", "2026-11-21", "--period", "1d"])
            .args([
                "--sources",
                "listing,usage",
                "--buckets",
                "al*",
                "--versions",
            ])
            .arg("--data-dir")
            .arg(&data)
            .args(["--format", "json"]),
        1,
    );
    assert!(stderr(&out).contains("rgw_admin"), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &report["manifest"];
    let usage = m["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "usage")
        .unwrap();
    assert_eq!(usage["success"], false);
    let listing = &m["files"][0];
    assert!(listing.is_object(), "{report:#}");
    assert_eq!(listing["buckets"], serde_json::json!(["alpha"]));
    assert_eq!(listing["rows"], 5);
    let dir = report["package"].as_str().unwrap();
    let status = std::fs::read_to_string(Path::new(dir).join("collection_status.csv")).unwrap();
    assert!(
        status.contains("usage,1,") && status.contains(",false,0,"),
        "{status}"
    );
    let name = listing["name"].as_str().unwrap();
    let file = std::fs::File::open(Path::new(dir).join(name)).unwrap();
    let reader =
        parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let fields: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(
        fields,
        [
            "bucket",
            "key",
            "size",
            "last_modified",
            "storage_class",
            "etag",
            "version_id",
            "is_latest",
            "is_delete_marker"
        ]
    );
    s3.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn versioned_listing_counts_current_objects_only() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    let store = s3.store();
    store.create_bucket("ver").unwrap();
    store.set_versioning("ver", true).unwrap();
    put(&s3, "ver", "a.txt", 10, StorageClass::Standard);
    put(&s3, "ver", "a.txt", 30, StorageClass::Standard);
    put(&s3, "ver", "gone.txt", 5, StorageClass::Standard);
    store.delete_object("ver", "gone.txt").unwrap();
    let (home, data, out) = (
        tmp.path().join("home"),
        tmp.path().join("data"),
        tmp.path().join("out"),
    );
    let res = run(
        s3scope(&home, &s3.endpoint)
            .args(["extract", "--since", "2026-11-01", "--until", "2026-11-02"])
            .args(["--sources", "listing", "--versions", "--format", "json"])
            .arg("--data-dir")
            .arg(&data),
        0,
    );
    let report: Value = serde_json::from_slice(&res.stdout).unwrap();
    // a.txt twice, gone.txt once, and its delete marker.
    assert_eq!(report["manifest"]["files"][0]["rows"], 4, "{report:#}");
    run(
        s3scope(&home, &s3.endpoint)
            .args(["process", "--since", "2026-11-01", "--until", "2026-11-02"])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out),
        0,
    );
    let storage =
        csv_rows(&out.join("reports/20261101T000000Z-20261102T000000Z/storage_daily.csv"));
    assert_eq!(
        storage,
        [["2026-11-01", "ver", "STANDARD", "1", "30", "listing"]
            .map(str::to_string)
            .to_vec()]
    );
    s3.shutdown().await;
}
