//! `extract --sources listing` through the fault proxy, with the default retry settings: the
//! listing has exactly the rows of a run without faults (nothing lost, nothing twice).

use crate::support::faults as faults_support;
use crate::support::pipeline as pipeline_support;

use arrow_array::{Array, Int64Array, StringArray};
use faultproxy::{Proxy, S3Op};
use faults_support::mix;
use pipeline_support::{SK, files_under, put, server};
use s3scope_store::StorageClass;
use std::collections::BTreeSet;
use std::path::Path;

/// Hive-partitioned keys over several buckets: enough pages for the lister to split.
fn seed(s3: &s3scope_store::EmbeddedServer) -> usize {
    let store = s3.store();
    let mut n = 0;
    for b in ["events", "logs", "empty"] {
        store.create_bucket(b).expect("bucket");
    }
    for day in 1..=20 {
        for hour in 0..24 {
            for part in 0..(1 + (day + hour) % 5) {
                let key = format!("table/dt=2026-01-{day:02}/hour={hour:02}/part-{part}.parquet");
                put(
                    s3,
                    "events",
                    &key,
                    10 + day * 3 + part,
                    StorageClass::Standard,
                );
                n += 1;
            }
        }
    }
    for i in 0..700 {
        let key = format!("app-{}/{i:05}.log", i % 7);
        put(s3, "logs", &key, 1 + i % 97, StorageClass::Standard);
        n += 1;
    }
    n
}

/// (bucket, key, size) of every row of the run's listing files.
fn rows(data: &Path) -> BTreeSet<(String, String, i64)> {
    let mut out = BTreeSet::new();
    let mut total = 0;
    for f in files_under(data)
        .iter()
        .filter(|f| f.contains("listing") && f.ends_with(".parquet"))
    {
        for batch in s3scope_core::pipeline::parquet_io::read_batches(&data.join(f), f).unwrap() {
            let batch = batch.unwrap();
            let col = |n: &str| batch.column_by_name(n).unwrap().clone();
            let (b, k, s) = (col("bucket"), col("key"), col("size"));
            let b = b.as_any().downcast_ref::<StringArray>().unwrap();
            let k = k.as_any().downcast_ref::<StringArray>().unwrap();
            let s = s.as_any().downcast_ref::<Int64Array>().unwrap();
            for i in 0..batch.num_rows() {
                out.insert((b.value(i).to_string(), k.value(i).to_string(), s.value(i)));
                total += 1;
            }
        }
    }
    assert_eq!(total, out.len(), "a row was written twice");
    out
}

fn extract(home: &Path, endpoint: &str, data: &Path, secret: &str) -> std::process::Output {
    let mut cmd = pipeline_support::s3scope(home, endpoint);
    cmd.env("AWS_SECRET_ACCESS_KEY", secret)
        .args([
            "extract",
            "--sources",
            "listing",
            "--since",
            "2026-11-20",
            "--until",
            "2026-11-21",
        ])
        .arg("--data-dir")
        .arg(data);
    cmd.output().expect("runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_through_faults_has_every_row_once() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    let objects = seed(&s3);
    let home = tmp.path().join("home");

    let clean_dir = tmp.path().join("clean");
    let (endpoint, dir) = (s3.endpoint.clone(), clean_dir.clone());
    let h = home.clone();
    let out = tokio::task::spawn_blocking(move || extract(&h, &endpoint, &dir, SK))
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let clean = rows(&clean_dir);
    assert_eq!(clean.len(), objects);

    let proxy = Proxy::start(&s3.endpoint, mix(3)).await.unwrap();
    let faulty_dir = tmp.path().join("faulty");
    let (endpoint, dir) = (proxy.endpoint(), faulty_dir.clone());
    let out = tokio::task::spawn_blocking(move || extract(&home, &endpoint, &dir, SK))
        .await
        .unwrap();
    let counts = proxy.counts();
    eprintln!("{counts:?}");
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let faulty = rows(&faulty_dir);
    assert_eq!(faulty.len(), clean.len(), "rows lost or added");
    assert!(faulty == clean, "the listings differ");
    // The k-th request meets the seed's k-th draw, whatever its kind: faults before the work
    // and after it are among the first requests of this seed.
    assert!(counts.slowdowns + counts.resets > 0, "{counts:?}");
    assert!(counts.errors_after + counts.resets_after > 0, "{counts:?}");
    assert!(counts.op(S3Op::ListObjectsV2) > 4, "{counts:?}");
}
