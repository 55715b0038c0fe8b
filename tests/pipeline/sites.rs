//! Several sites from one cron line (seed 004's repeatable `--site`): `--profile` given twice or
//! `[pipeline] profiles`, each profile under its own site=<profile>/ partition, one denied
//! profile reported while the other completes, DuckDB reading `site` as a column.

use crate::support::cmd::s3scope_std;
use crate::support::pipeline as pipeline_support;

use pipeline_support::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A config with the seed's two Chameleon sites on the embedded server: `chi_uc` with the
/// server's keys, `chi_tacc` with a wrong secret (every request denied).
pub fn two_sites(home: &Path, endpoint: &str, extra: &str) -> PathBuf {
    std::fs::create_dir_all(home).unwrap();
    let config = home.join("site.toml");
    let profile = |name: &str, secret: &str| {
        format!(
            "[profiles.{name}]\nendpoint = \"{endpoint}\"\nregion = \"us-east-1\"\npath_style = true\n\
             access_key_id = \"{AK}\"\nsecret_access_key = \"{secret}\"\nmax_attempts = 1\n"
        )
    };
    let text = format!(
        "{extra}\n{}{}",
        profile("chi_uc", SK),
        profile("chi_tacc", "not-the-secret")
    );
    std::fs::write(&config, text).unwrap();
    std::fs::set_permissions(
        &config,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
    )
    .unwrap();
    config
}

pub fn cmd(home: &Path, config: &Path) -> Command {
    let mut c = s3scope_std(home);
    c.env("XDG_CONFIG_HOME", home.join("xdg"))
        .env("S3SCOPE_CONFIG", config);
    c
}

fn manifest(dir: &Path) -> Value {
    let m: Vec<String> = files_under(dir)
        .into_iter()
        .filter(|f| f.ends_with("manifest.json"))
        .collect();
    assert_eq!(m.len(), 1, "one package under {}: {m:?}", dir.display());
    serde_json::from_slice(&std::fs::read(dir.join(&m[0])).unwrap()).unwrap()
}

fn collectors(m: &Value) -> Vec<(String, bool)> {
    m["collectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["success"].as_bool().unwrap(),
            )
        })
        .collect()
}

const DUCKDB: &str = r#"
import duckdb, json, sys
data, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
def rows(sql):
    return [list(map(str, r)) for r in con.execute(sql).fetchall()]
print(json.dumps({
  "rollups": rows(f"select site, dt, sum(objects), sum(bytes) from read_parquet('{out}/storage_daily/*/*/*.parquet', hive_partitioning=true) group by all order by all"),
  "packages": rows(f"select site, dt, count(*), sum(size) from read_parquet('{data}/site=*/dt=*/*/listing-*.parquet', hive_partitioning=true) group by all order by all"),
}))
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_profiles_one_denied_from_one_cron_line() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let home = tmp.path().join("home");
    let (data, out) = (tmp.path().join("data"), tmp.path().join("output/usage"));
    let config = two_sites(&home, &s3.endpoint, "");
    // chameleon-usage --site chi_uc --site chi_tacc extract
    let run1 = run(
        cmd(&home, &config)
            .args(["--profile", "chi_uc", "--profile", "chi_tacc", "extract"])
            .args(["--since", "2024-12-30", "--until", "2024-12-31"])
            .arg("--data-dir")
            .arg(&data),
        1,
    );
    let err = stderr(&run1);
    let denied: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("s3scope: site `"))
        .collect();
    assert_eq!(denied.len(), 1, "{err}");
    assert!(
        denied[0].starts_with("s3scope: site `chi_tacc`: 2 source(s) failed (listing"),
        "{err}"
    );
    assert!(
        err.contains("1 of 2 site(s) incomplete (chi_tacc)"),
        "{err}"
    );
    assert!(
        !err.contains("not-the-secret"),
        "a secret in the output: {err}"
    );
    let table = stdout(&run1);
    assert!(table.contains("site chi_uc: package "), "{table}");
    let uc = manifest(&data.join("site=chi_uc"));
    assert_eq!(
        collectors(&uc),
        [("listing".into(), true), ("bucket-stats".into(), true)]
    );
    let tacc = manifest(&data.join("site=chi_tacc"));
    assert_eq!(
        collectors(&tacc),
        [("listing".into(), false), ("bucket-stats".into(), false)]
    );
    assert!(
        tacc["collectors"][0]["error"].as_str().unwrap().len() > 10,
        "{tacc}"
    );
    assert!(
        files_under(&data)
            .iter()
            .all(|f| f.starts_with("site=chi_uc/dt=2024-12-30/")
                || f.starts_with("site=chi_tacc/dt=2024-12-30/")),
        "{:?}",
        files_under(&data)
    );

    // The same sites from [pipeline]: process --start-date 2024-01-01 --end-date 2024-12-31.
    let config = two_sites(
        &home,
        &s3.endpoint,
        &format!(
            "[pipeline]\nprofiles = [\"chi_uc\", \"chi_tacc\"]\ndata_dir = \"{}\"\n",
            data.display()
        ),
    );
    let run2 = run(
        cmd(&home, &config)
            .args([
                "process",
                "--since",
                "2024-01-01",
                "--until",
                "2025-01-01",
                "--format",
                "json",
            ])
            .args(["--report", "html,xlsx", "--output"])
            .arg(&out),
        0,
    );
    let v: Value = serde_json::from_slice(&run2.stdout).unwrap();
    let sites: Vec<&str> = v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["site"].as_str().unwrap())
        .collect();
    assert_eq!(sites, ["chi_uc", "chi_tacc"]);
    assert_eq!(v["sites"][0]["rows"]["storage_daily"], 3, "{v}");
    assert_eq!(v["sites"][1]["rows"]["storage_daily"], 0, "{v}");
    let files = files_under(&out);
    for want in [
        "storage_daily/site=chi_uc/dt=2024-12-30/part-0.parquet",
        "prefix_daily/site=chi_uc/dt=2024-12-30/part-0.parquet",
        "reports/20240101T000000Z-20250101T000000Z/site=chi_uc/report.html",
        "reports/20240101T000000Z-20250101T000000Z/site=chi_uc/report.xlsx",
        "reports/20240101T000000Z-20250101T000000Z/site=chi_tacc/summary.json",
        "reports/20240101T000000Z-20250101T000000Z/report.html",
        "reports/20240101T000000Z-20250101T000000Z/summary.json",
        "reports/20240101T000000Z-20250101T000000Z/storage_daily.csv",
    ] {
        assert!(
            files.contains(&want.to_string()),
            "{want} missing: {files:?}"
        );
    }
    assert!(
        !files.iter().any(|f| f.starts_with("storage_daily/dt=")),
        "{files:?}"
    );
    let reports = out.join("reports/20240101T000000Z-20250101T000000Z");
    let csv = std::fs::read_to_string(reports.join("storage_daily.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("site,dt,bucket,storage_class,objects,bytes,source")
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(
        rows,
        [
            "chi_uc,2024-12-30,alpha,GLACIER,1,1000,listing",
            "chi_uc,2024-12-30,alpha,STANDARD,4,610,listing",
            "chi_uc,2024-12-30,beta,STANDARD,1,50,listing",
        ]
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(reports.join("summary.json")).unwrap()).unwrap();
    assert_eq!(
        summary["sites"][0]["figures"],
        serde_json::json!({"packages": 1, "failed_sources": {}, "days_with_packages": 1, "problems": 0,
            "last_day": "2024-12-30", "buckets": 2, "objects": 6, "bytes": 1660, "requests": 0})
    );
    assert_eq!(summary["sites"][1]["site"], "chi_tacc");
    assert_eq!(summary["sites"][1]["ok"], true);
    assert_eq!(
        summary["sites"][1]["figures"]["failed_sources"],
        serde_json::json!({"bucket-stats": 1, "listing": 1})
    );
    let html = std::fs::read_to_string(reports.join("report.html")).unwrap();
    assert!(
        html.contains("<td>chi_uc</td>") && html.contains("site=chi_uc/report.html"),
        "{html}"
    );
    assert!(
        html.contains("failed: bucket-stats in 1, listing in 1"),
        "{html}"
    );
    let site_html = std::fs::read_to_string(reports.join("site=chi_uc/report.html")).unwrap();
    assert!(site_html.contains("site chi_uc"));

    let Some(python) = venv_python(&["duckdb"]) else {
        s3.shutdown().await;
        return;
    };
    let q = Command::new(&python)
        .args(["-c", DUCKDB])
        .arg(&data)
        .arg(&out)
        .output()
        .unwrap();
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    let v: Value = serde_json::from_slice(&q.stdout).unwrap();
    assert_eq!(
        v["rollups"],
        serde_json::json!([["chi_uc", "2024-12-30", "6", "1660"]])
    );
    assert_eq!(
        v["packages"],
        serde_json::json!([["chi_uc", "2024-12-30", "6", "1660"]])
    );
    s3.shutdown().await;
}
