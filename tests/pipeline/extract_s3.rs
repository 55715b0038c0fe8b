//! The storage interface and extract/process with the data dir and output on `s3://` (the
//! embedded server): multipart above the threshold, get to a removed temporary file, glob.

use crate::support::pipeline as pipeline_support;

use pipeline_support::*;
use s3scope_core::pipeline::storage::{S3Storage, Storage};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_storage_put_get_exists_remove_glob() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    s3.store().create_bucket("store").unwrap();
    let clients = clients(&s3.endpoint).await;
    let storage = Storage::open("s3://store/base/dir", Some(&clients))
        .await
        .unwrap();
    storage.check_writable().await.unwrap();
    storage
        .put_bytes("dt=2026-01-01/r/manifest.json", b"{}")
        .await
        .unwrap();
    storage
        .put_bytes("dt=2026-01-02/r/manifest.json", b"{}")
        .await
        .unwrap();
    storage
        .put_bytes("dt=2026-01-02/r/x.parquet", b"p")
        .await
        .unwrap();
    assert_eq!(
        storage.glob("dt=*/*/manifest.json").await.unwrap(),
        [
            "dt=2026-01-01/r/manifest.json",
            "dt=2026-01-02/r/manifest.json"
        ]
    );
    assert_eq!(
        storage.describe("a/b"),
        "s3://store/base/dir/a/b",
        "names live under the prefix"
    );
    assert!(storage.exists("dt=2026-01-02/r/x.parquet").await.unwrap());
    storage.remove("dt=2026-01-02/r/x.parquet").await.unwrap();
    assert!(!storage.exists("dt=2026-01-02/r/x.parquet").await.unwrap());
    assert!(storage.get("dt=2026-01-02/r/x.parquet").await.is_err());

    // Above the threshold the upload is multipart: 11 MiB in parts of 5 MiB.
    let Storage::S3(s) = storage.clone() else {
        panic!("an s3:// location opens S3 storage")
    };
    let multipart = Storage::S3(s.with_multipart_threshold(S3Storage::MIN_PART));
    let big: Vec<u8> = (0..11 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    let file = tmp.path().join("big.bin");
    std::fs::write(&file, &big).unwrap();
    multipart.put_file("big/one.bin", &file).await.unwrap();
    let head = s3scope_head(&clients, "store", "base/dir/big/one.bin").await;
    assert!(head.ends_with("-3\""), "a 3-part ETag: {head}");
    let got = multipart.get("big/one.bin").await.unwrap();
    let path = got.path().to_path_buf();
    assert_eq!(std::fs::read(&path).unwrap(), big);
    drop(got);
    assert!(!path.exists(), "the temporary download is removed");
    // A stream of exactly the threshold is one PutObject.
    let small = vec![1u8; S3Storage::MIN_PART];
    multipart
        .put_stream("big/two.bin", &small[..])
        .await
        .unwrap();
    let head = s3scope_head(&clients, "store", "base/dir/big/two.bin").await;
    assert!(!head.contains('-'), "single-part ETag: {head}");
    s3.shutdown().await;
}

async fn s3scope_head(
    clients: &s3scope_core::s3::client::Clients,
    bucket: &str,
    key: &str,
) -> String {
    clients
        .s3()
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap()
        .e_tag()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn extract_and_process_on_s3() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    s3.store().create_bucket("history").unwrap();
    let home = tmp.path().join("home");
    for (since, until) in [("2026-11-20", "2026-11-21"), ("2026-11-21", "2026-11-22")] {
        run(
            s3scope(&home, &s3.endpoint)
                .args(["extract", "--since", since, "--until", until])
                .args([
                    "--buckets",
                    "alpha",
                    "--data-dir",
                    "s3://history/usage/site-a",
                ]),
            0,
        );
    }
    let clients = clients(&s3.endpoint).await;
    let data = Storage::open("s3://history/usage/site-a", Some(&clients))
        .await
        .unwrap();
    let manifests = data.glob("dt=*/*/manifest.json").await.unwrap();
    assert_eq!(manifests.len(), 2, "{manifests:?}");
    let status = data.glob("dt=*/*/collection_status.csv").await.unwrap();
    assert_eq!(status.len(), 2);
    let out = run(
        s3scope(&home, &s3.endpoint)
            .args(["process", "--since", "2026-11-20", "--until", "2026-11-22"])
            .args(["--data-dir", "s3://history/usage/site-a"])
            .args(["--output", "s3://history/rollups", "--format", "json"])
            .args(["--report", "html", "--report", "xlsx"]),
        0,
    );
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["packages"], 2, "{summary}");
    assert_eq!(summary["rows"]["storage_daily"], 4, "{summary}");
    assert_eq!(
        summary["report"],
        "s3://history/rollups/reports/20261120T000000Z-20261122T000000Z/report.html"
    );
    let rollups = Storage::open("s3://history/rollups", Some(&clients))
        .await
        .unwrap();
    let parts = rollups
        .glob("storage_daily/dt=*/part-0.parquet")
        .await
        .unwrap();
    assert_eq!(
        parts,
        [
            "storage_daily/dt=2026-11-20/part-0.parquet",
            "storage_daily/dt=2026-11-21/part-0.parquet"
        ]
    );
    let csv = rollups
        .get("reports/20261120T000000Z-20261122T000000Z/storage_daily.csv")
        .await
        .unwrap();
    let text = std::fs::read_to_string(csv.path()).unwrap();
    assert!(
        text.contains("2026-11-20,alpha,STANDARD,4,610,listing"),
        "{text}"
    );
    assert!(!text.contains("beta"), "--buckets alpha: {text}");
    assert_eq!(
        summary["reports"][1],
        "s3://history/rollups/reports/20261120T000000Z-20261122T000000Z/report.xlsx"
    );
    let xlsx = rollups
        .get("reports/20261120T000000Z-20261122T000000Z/report.xlsx")
        .await
        .unwrap();
    let bytes = std::fs::read(xlsx.path()).unwrap();
    assert!(
        bytes.starts_with(b"PK\x03\x04"),
        "an XLSX (zip) workbook on S3"
    );
    s3.shutdown().await;
}
