//! Bad input for extract and process: one-line errors with exit 2, and damaged packages that
//! are reported while the rest is processed; outputs of an earlier run are replaced whole.

use crate::support::pipeline as pipeline_support;

use pipeline_support::*;
use serde_json::Value;
use std::path::Path;

fn one_line_exit_2(out: &std::process::Output, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "{needle:?} in {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_with_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let home = tmp.path().join("home");
    let data = tmp.path().join("data");
    let ep = &s3.endpoint;
    let out = s3scope(&home, ep)
        .args(["extract", "--since", "2026-11-21", "--until", "2026-11-20"])
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    one_line_exit_2(&out, "--until must be later than --since");
    let out = s3scope(&home, ep)
        .args(["process", "--since", "2026-11-21", "--until", "2026-11-20"])
        .arg("--data-dir")
        .arg(&data)
        .args(["--output", "x"])
        .output()
        .unwrap();
    one_line_exit_2(&out, "--until must be later than --since");
    // Unknown source: clap's error (plus its usage hint), exit 2.
    let out = s3scope(&home, ep)
        .args(["extract", "--sources", "listing,bogus"])
        .arg("--data-dir")
        .arg(&data)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'bogus'"),
        "{}",
        stderr(&out)
    );
    // A data dir below a regular file cannot be created.
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let out = s3scope(&home, ep)
        .args(["extract", "--data-dir"])
        .arg(file.join("sub"))
        .output()
        .unwrap();
    one_line_exit_2(&out, "is not writable");
    // An S3 data dir in a bucket that does not exist.
    let out = s3scope(&home, ep)
        .args(["extract", "--data-dir", "s3://no-such-bucket/x"])
        .output()
        .unwrap();
    one_line_exit_2(&out, "no-such-bucket");
    let out = s3scope(&home, ep)
        .args(["--read-only", "extract", "--data-dir", "s3://alpha/x"])
        .output()
        .unwrap();
    one_line_exit_2(&out, "is read-only");
    let out = s3scope(&home, ep)
        .args(["extract", "--data-dir", "s3://bad bucket/x"])
        .output()
        .unwrap();
    one_line_exit_2(&out, "is not an S3 location");
    let out = s3scope(&home, ep)
        .args(["process", "--since", "2026-11-20", "--data-dir"])
        .arg(tmp.path().join("missing"))
        .args(["--output", "o"])
        .output()
        .unwrap();
    one_line_exit_2(&out, "is not a directory");
    assert!(!data.exists(), "nothing was written by refused commands");
    s3.shutdown().await;
}

fn find(dir: &Path, suffix: &str) -> std::path::PathBuf {
    files_under(dir)
        .into_iter()
        .find(|f| f.ends_with(suffix))
        .map(|f| dir.join(f))
        .unwrap_or_else(|| panic!("no {suffix} under {}", dir.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damaged_packages_are_reported_and_the_rest_processed() {
    let tmp = tempfile::tempdir().unwrap();
    let s3 = server(&tmp.path().join("s3")).await;
    seed(&s3);
    let home = tmp.path().join("home");
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    for (since, until) in [
        ("2026-11-10", "2026-11-11"),
        ("2026-11-11", "2026-11-12"),
        ("2026-11-12", "2026-11-13"),
    ] {
        run(
            s3scope(&home, &s3.endpoint)
                .args(["extract", "--since", since, "--until", until])
                .arg("--data-dir")
                .arg(&data),
            0,
        );
    }
    // Day 1: the listing is corrupt (bucket stats stand in). Day 2: the bucket stats file is
    // missing (the listing is fine). Day 3: the manifest is not JSON. Plus a package of day 2
    // without any manifest (a run that died).
    let day1 = data.join("dt=2026-11-10");
    let corrupt = files_under(&day1)
        .into_iter()
        .find(|f| f.contains("listing-"))
        .map(|f| day1.join(f))
        .unwrap();
    let mut bytes = std::fs::read(&corrupt).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&corrupt, bytes).unwrap();
    let day2 = data.join("dt=2026-11-11");
    let stats = files_under(&day2)
        .into_iter()
        .find(|f| f.contains("bucket_stats-"))
        .unwrap();
    std::fs::remove_file(day2.join(stats)).unwrap();
    std::fs::create_dir_all(day2.join("20261111T060000Z-20261111T070000Z")).unwrap();
    std::fs::write(
        day2.join("20261111T060000Z-20261111T070000Z/listing-1.parquet"),
        b"half",
    )
    .unwrap();
    std::fs::write(
        find(&data.join("dt=2026-11-12"), "manifest.json"),
        b"{not json",
    )
    .unwrap();

    // An earlier run left a partition for 2026-11-09, which has no package: it must go.
    let stale = out.join("storage_daily/dt=2026-11-09/part-0.parquet");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, b"stale").unwrap();
    let result = run(
        s3scope(&home, &s3.endpoint)
            .args(["process", "--since", "2026-11-09", "--until", "2026-11-13"])
            .arg("--data-dir")
            .arg(&data)
            .arg("--output")
            .arg(&out)
            .args(["--format", "json"]),
        0,
    );
    let summary: Value = serde_json::from_slice(&result.stdout).unwrap();
    let problems = summary["problems"].as_array().unwrap();
    let text = serde_json::to_string(problems).unwrap();
    assert_eq!(problems.len(), 4, "{text}");
    assert!(text.contains("corrupt"), "{text}");
    assert!(text.contains("is missing"), "{text}");
    assert!(text.contains("manifest.json is missing"), "{text}");
    assert!(text.contains("not a valid manifest"), "{text}");
    let warnings = stderr(&result);
    assert_eq!(
        warnings.matches("s3scope: warning:").count(),
        4,
        "{warnings}"
    );
    assert!(
        !stale.exists(),
        "the stale partition of the same window was removed"
    );
    let csv = std::fs::read_to_string(
        out.join("reports/20261109T000000Z-20261113T000000Z/storage_daily.csv"),
    )
    .unwrap();
    // Day 1 from bucket stats (the listing's totals), day 2 from its listing, day 3 skipped.
    assert!(csv.contains("2026-11-10,alpha,STANDARD,4,610,"), "{csv}");
    assert!(
        csv.contains("2026-11-11,alpha,STANDARD,4,610,listing"),
        "{csv}"
    );
    assert!(!csv.contains("2026-11-12"), "{csv}");
    let outputs = files_under(&out);
    assert!(
        !outputs.iter().any(|f| f.contains(".s3scope-")),
        "{outputs:?}"
    );
    s3.shutdown().await;
}
