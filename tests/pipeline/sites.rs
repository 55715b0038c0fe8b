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

fn cmd(home: &Path, config: &Path) -> Command {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_profile_keeps_the_flat_layout_until_the_data_dir_has_sites() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let home = tmp.path().join("home");
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let config = two_sites(&home, &s3.endpoint, "");
    let extract = |data: &Path, day: &str, until: &str, args: &[&str], code| {
        run(
            cmd(&home, &config)
                .args(args)
                .args(["extract", "--since", day, "--until", until])
                .arg("--data-dir")
                .arg(data),
            code,
        )
    };
    // An existing single-profile cron line writes what it always wrote.
    extract(&data, "2024-12-29", "2024-12-30", &["-p", "chi_uc"], 0);
    assert!(
        files_under(&data)[0].starts_with("dt=2024-12-29/"),
        "{:?}",
        files_under(&data)
    );
    run(
        cmd(&home, &config)
            .args([
                "-p",
                "chi_uc",
                "process",
                "--since",
                "2024-12-29",
                "--until",
                "2024-12-30",
            ])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out),
        0,
    );
    assert!(files_under(&out).contains(&"storage_daily/dt=2024-12-29/part-0.parquet".to_string()));
    // Once sites exist (a second profile), one profile alone writes into its own partition
    // and the old top-level packages are pointed out.
    let run2 = extract(
        &data,
        "2024-12-30",
        "2024-12-31",
        &["-p", "chi_uc", "-p", "chi_tacc"],
        1,
    );
    assert!(
        stderr(&run2).contains("1 package(s) directly under"),
        "{}",
        stderr(&run2)
    );
    extract(&data, "2024-12-31", "2025-01-01", &["-p", "chi_uc"], 0);
    let files = files_under(&data);
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("site=chi_uc/dt=2024-12-31/")),
        "{files:?}"
    );
    // process without a profile finds every site; a named site without packages is one line, exit 1.
    let all = run(
        cmd(&home, &config)
            .args([
                "process",
                "--since",
                "2024-12-30",
                "--until",
                "2025-01-01",
                "--format",
                "json",
            ])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out),
        0,
    );
    let v: Value = serde_json::from_slice(&all.stdout).unwrap();
    assert_eq!(v["sites"].as_array().unwrap().len(), 2, "{v}");
    let missing = run(
        cmd(&home, &config)
            .args([
                "-p",
                "chi_uc",
                "-p",
                "chi_mia",
                "process",
                "--since",
                "2024-12-30",
            ])
            .args(["--until", "2025-01-01"])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out),
        1,
    );
    let err = stderr(&missing);
    assert!(
        err.contains("s3scope: site `chi_mia`: no packages under "),
        "{err}"
    );
    assert!(
        err.contains("1 of 2 site(s) have no rollups (chi_mia)"),
        "{err}"
    );
    // Input every site refuses is exit 2, as with one profile.
    let r = run(
        cmd(&home, &config)
            .args([
                "-p",
                "chi_uc",
                "-p",
                "chi_tacc",
                "extract",
                "--buckets",
                "[",
            ])
            .arg("--data-dir")
            .arg(&data),
        2,
    );
    let err = stderr(&r);
    assert!(
        err.contains("s3scope: site `chi_uc`: nothing extracted: --buckets is not a glob"),
        "{err}"
    );
    assert!(
        err.contains("2 of 2 site(s) incomplete (chi_uc, chi_tacc)")
            && err.contains("no site is complete"),
        "{err}"
    );
    // Other commands take one profile.
    let buckets = run(
        cmd(&home, &config).args(["-p", "chi_uc", "-p", "chi_tacc", "buckets"]),
        2,
    );
    assert!(stderr(&buckets).contains("only extract and process run over several profiles"));
    // A site name that cannot be a partition value is refused before anything runs.
    let bad = two_sites(&home, &s3.endpoint, "[pipeline]\nprofiles = [\"a b\"]\n");
    let r = run(
        cmd(&home, &bad)
            .args(["process", "--output"])
            .arg(&out)
            .arg("--data-dir")
            .arg(&data),
        2,
    );
    assert!(
        stderr(&r).contains("[pipeline] profiles: profile `a b` cannot name a site= partition"),
        "{}",
        stderr(&r)
    );
    s3.shutdown().await;
}

/// The seed's `data_dir: "s3://usage-new-collector/chi_uc"`: one bucket for every site, reached
/// with the first profile, each site under its own prefix.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sites_on_an_s3_data_dir() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    s3.store().create_bucket("usage-new-collector").unwrap();
    let home = tmp.path().join("home");
    let out = tmp.path().join("output/usage");
    let config = two_sites(
        &home,
        &s3.endpoint,
        "[pipeline]\nprofiles = [\"chi_uc\", \"chi_tacc\"]\ndata_dir = \"s3://usage-new-collector/usage\"\n",
    );
    let r = run(
        cmd(&home, &config).args(["extract", "--since", "2024-12-30", "--until", "2024-12-31"]),
        1,
    );
    assert!(
        stderr(&r).contains("site `chi_tacc`: 2 source(s) failed"),
        "{}",
        stderr(&r)
    );
    assert!(
        stdout(&r).contains(
            "site chi_uc: package s3://usage-new-collector/usage/site=chi_uc/dt=2024-12-30/"
        ),
        "{}",
        stdout(&r)
    );
    let p = run(
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
            .arg("--output")
            .arg(&out),
        0,
    );
    let v: Value = serde_json::from_slice(&p.stdout).unwrap();
    assert_eq!(v["sites"][0]["site"], "chi_uc");
    assert_eq!(v["sites"][0]["packages"], 1, "{v}");
    assert_eq!(v["sites"][1]["packages"], 1, "{v}");
    assert_eq!(v["sites"][0]["rows"]["storage_daily"], 3, "{v}");
    assert!(
        out.join("storage_daily/site=chi_uc/dt=2024-12-30/part-0.parquet")
            .exists()
    );
    // $S3SCOPE_PROFILE (one) wins over [pipeline] profiles: the denied site is not run.
    let r = run(
        cmd(&home, &config).env("S3SCOPE_PROFILE", "chi_uc").args([
            "extract",
            "--since",
            "2024-12-31",
            "--until",
            "2025-01-01",
            "--format",
            "json",
        ]),
        0,
    );
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    let package = v["package"].as_str().unwrap();
    assert!(
        package.starts_with("s3://usage-new-collector/usage/site=chi_uc/dt=2024-12-31/"),
        "{v}"
    );
    s3.shutdown().await;
}
