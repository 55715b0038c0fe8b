//! Two stores from one cron line: a real Ceph RGW (bucket stats from the admin API) and the
//! embedded server, each under its own site= partition; a Ceph user without admin caps is a
//! third site whose failure is reported while the others complete.
//! Skipped without RGW_ENDPOINT outside CI (see tests/support/servers.rs).

use crate::support;
use crate::support::cmd::s3scope_std;
use crate::support::pipeline as pipeline_support;

use pipeline_support::*;
use serde_json::Value;
use std::path::Path;
use support::rgw::{bucket_with_objects, s3_client};
use support::servers;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ceph_and_embedded_sites_in_one_run() {
    let Some(env) = servers::rgw() else { return };
    let bucket = bucket_with_objects(&s3_client(&env), "s3scope-sites", &[100, 250, 4000]).await;
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let config = home.join("site.toml");
    std::fs::write(
        &config,
        format!(
            "[pipeline]\nprofiles = [\"chi_uc\", \"chi_tacc\", \"chi_nocaps\"]\n\
             [profiles.chi_uc]\nendpoint = \"{ep}\"\nrgw_admin = true\naccess_key_id = \"{ak}\"\nsecret_access_key = \"{sk}\"\n\
             [profiles.chi_nocaps]\nendpoint = \"{ep}\"\nrgw_admin = true\naccess_key_id = \"{nak}\"\nsecret_access_key = \"{nsk}\"\n\
             [profiles.chi_tacc]\nendpoint = \"{local}\"\nregion = \"us-east-1\"\naccess_key_id = \"{AK}\"\nsecret_access_key = \"{SK}\"\n",
            ep = env.endpoint,
            ak = env.access_key,
            sk = env.secret_key,
            nak = env.nocaps_access_key,
            nsk = env.nocaps_secret_key,
            local = s3.endpoint,
        ),
    )
    .unwrap();
    std::fs::set_permissions(
        &config,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
    )
    .unwrap();
    let cmd = |home: &Path| {
        let mut c = s3scope_std(home);
        c.env("S3SCOPE_CONFIG", &config)
            .env("S3SCOPE_DATA_DIR", &data);
        c
    };
    let glob = format!("{{alpha,beta,{bucket}}}");
    let r = run(
        cmd(&home)
            .args(["extract", "--since", "2024-12-30", "--until", "2024-12-31"])
            .args([
                "--sources",
                "listing,bucket-stats",
                "--buckets",
                &glob,
                "--format",
                "json",
            ]),
        1,
    );
    let err = stderr(&r);
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("s3scope: site `"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].starts_with("s3scope: site `chi_nocaps`: "),
        "{err}"
    );
    let v: Value = serde_json::from_slice(&r.stdout).unwrap();
    let ok: Vec<(&str, bool)> = v["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["site"].as_str().unwrap(), s["ok"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        ok,
        [("chi_uc", true), ("chi_tacc", true), ("chi_nocaps", false)]
    );
    let uc = &v["sites"][0];
    assert!(
        uc["package"]
            .as_str()
            .unwrap()
            .contains("/site=chi_uc/dt=2024-12-30/"),
        "{uc}"
    );
    assert_eq!(
        uc["manifest"]["endpoint"],
        env.endpoint.trim_end_matches('/')
    );
    assert_eq!(
        v["sites"][1]["manifest"]["endpoint"],
        s3.endpoint.trim_end_matches('/')
    );

    let p = run(
        cmd(&home)
            .args([
                "process",
                "--since",
                "2024-01-01",
                "--until",
                "2025-01-01",
                "--output",
            ])
            .arg(&out),
        0,
    );
    assert!(
        stdout(&p).contains("site chi_uc: 366 day(s), 1 package(s)"),
        "{}",
        stdout(&p)
    );
    let csv = std::fs::read_to_string(
        out.join("reports/20240101T000000Z-20250101T000000Z/storage_daily.csv"),
    )
    .unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(
        rows,
        [
            format!("chi_uc,2024-12-30,{bucket},STANDARD,3,4350,listing"),
            "chi_tacc,2024-12-30,alpha,GLACIER,1,1000,listing".to_string(),
            "chi_tacc,2024-12-30,alpha,STANDARD,4,610,listing".to_string(),
            "chi_tacc,2024-12-30,beta,STANDARD,1,50,listing".to_string(),
        ]
    );
    // The RGW admin API answered chi_uc's bucket stats (RGW's own counts, not the listing's).
    let stats: Vec<String> = files_under(&data.join("site=chi_uc"))
        .into_iter()
        .filter(|f| f.contains("bucket_stats-"))
        .collect();
    assert_eq!(stats.len(), 1, "{:?}", files_under(&data));
    s3.shutdown().await;
}
