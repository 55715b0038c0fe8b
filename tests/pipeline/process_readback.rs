//! The Parquet of extract and process read back by DuckDB (from PyPI, in .venv/): Hive-style
//! dt= partitions, types and totals exactly as s3scope wrote them. Skipped without the venv
//! outside CI; under CI=true a missing venv fails.

use crate::support::pipeline as pipeline_support;

use pipeline_support::*;
use s3scope_store::StorageClass;
use std::process::Command;

const QUERY: &str = r#"
import duckdb, json, sys
out, pkg = sys.argv[1], sys.argv[2]
con = duckdb.connect()
def rows(sql):
    return [list(map(str, r)) for r in con.execute(sql).fetchall()]
result = {
  "storage": rows(f"select dt, bucket, storage_class, objects, bytes, source from read_parquet('{out}/storage_daily/*/*.parquet', hive_partitioning=true) order by all"),
  "dt_type": rows(f"select distinct typeof(dt) from read_parquet('{out}/storage_daily/*/*.parquet', hive_partitioning=true)"),
  "prefixes": rows(f"select dt, prefix, sum(objects), sum(bytes) from read_parquet('{out}/prefix_daily/*/*.parquet', hive_partitioning=true) where bucket = 'alpha' group by all order by all"),
  "growth": rows(f"select dt, bucket, storage_class, objects_delta, bytes_delta from read_parquet('{out}/growth_daily/*/*.parquet', hive_partitioning=true) order by all"),
  "ages": rows(f"select sum(objects) from read_parquet('{out}/age_histogram/*/*.parquet', hive_partitioning=true)"),
  "listing": rows(f"select count(*), sum(size), typeof(any_value(last_modified)), count(etag) from read_parquet('{pkg}')"),
}
print(json.dumps(result))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duckdb_reads_the_rollups_unchanged() {
    let Some(python) = venv_python(&["duckdb"]) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let home = tmp.path().join("home");
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    run(
        s3scope(&home, &s3.endpoint)
            .args(["extract", "--since", "2026-11-01", "--until", "2026-11-02"])
            .arg("--data-dir")
            .arg(&data),
        0,
    );
    put(&s3, "beta", "new/x.bin", 25, StorageClass::StandardIa);
    run(
        s3scope(&home, &s3.endpoint)
            .args(["extract", "--since", "2026-11-02", "--until", "2026-11-03"])
            .arg("--data-dir")
            .arg(&data),
        0,
    );
    run(
        s3scope(&home, &s3.endpoint)
            .args(["process", "--since", "2026-11-01", "--until", "2026-11-03"])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out),
        0,
    );
    let listing = files_under(&data)
        .into_iter()
        .find(|f| f.starts_with("dt=2026-11-01/") && f.contains("/listing-"))
        .unwrap();
    let result = Command::new(&python)
        .args(["-c", QUERY])
        .arg(&out)
        .arg(data.join(listing))
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&result.stdout).unwrap();
    let rows = |k: &str| -> Vec<Vec<String>> { serde_json::from_value(v[k].clone()).unwrap() };
    let s = |x: &[&str]| x.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(
        rows("storage"),
        [
            s(&["2026-11-01", "alpha", "GLACIER", "1", "1000", "listing"]),
            s(&["2026-11-01", "alpha", "STANDARD", "4", "610", "listing"]),
            s(&["2026-11-01", "beta", "STANDARD", "1", "50", "listing"]),
            s(&["2026-11-02", "alpha", "GLACIER", "1", "1000", "listing"]),
            s(&["2026-11-02", "alpha", "STANDARD", "4", "610", "listing"]),
            s(&["2026-11-02", "beta", "STANDARD", "1", "50", "listing"]),
            s(&["2026-11-02", "beta", "STANDARD_IA", "1", "25", "listing"]),
        ]
    );
    assert_eq!(rows("dt_type"), [s(&["DATE"])], "DuckDB sees dt as a date");
    assert_eq!(
        rows("prefixes")[..4],
        [
            s(&["2026-11-01", "archive/", "1", "1000"]),
            s(&["2026-11-01", "docs/", "1", "10"]),
            s(&["2026-11-01", "img/", "1", "300"]),
            s(&["2026-11-01", "logs/", "2", "300"]),
        ]
    );
    let growth = rows("growth");
    assert_eq!(growth.len(), 3, "{growth:?}");
    // A class first seen on day 2 has no growth row (nothing to compare with).
    assert!(
        growth.iter().all(|r| r[0] == "2026-11-02" && r[4] == "0"),
        "{growth:?}"
    );
    assert_eq!(rows("ages"), [s(&["13"])], "6 + 7 objects over two days");
    assert_eq!(
        rows("listing"),
        [s(&["6", "1660", "TIMESTAMP WITH TIME ZONE", "6"])]
    );
    s3.shutdown().await;
}
