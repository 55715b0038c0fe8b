//! Sites and the layouts a data dir already has: one profile keeps the single-store layout
//! until the data dir has site= partitions; sites on an s3:// data dir (the seed's
//! `s3://usage-new-collector/...`); which flag, variable or config key names the sites.

use super::sites::{cmd, two_sites};
use crate::support::pipeline as pipeline_support;

use pipeline_support::*;
use serde_json::Value;
use std::path::Path;

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
