//! `print-lifecycle`: its AWS JSON parses into the SDK's lifecycle model, its RGW XML is well
//! formed, and a rule AWS would refuse is a one-line error.

use crate::support::cmd::{Run, s3scope};

#[test]
fn print_lifecycle_prints_json_for_aws_and_xml_for_rgw() {
    let home = tempfile::tempdir().unwrap();
    let out = Run::of(
        s3scope(home.path())
            .args([
                "print-lifecycle",
                "s3://b/logs/",
                "--uploads-older-than",
                "7d",
            ])
            .args(["--noncurrent-older-than", "36h", "--delete-markers"])
            .args([
                "--transition",
                "STANDARD_IA:30",
                "--transition",
                "glacier:90",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let rule = &v["Rules"][0];
    assert_eq!(rule["Filter"]["Prefix"], "logs/");
    assert_eq!(
        rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"],
        7
    );
    assert_eq!(
        rule["NoncurrentVersionExpiration"]["NoncurrentDays"], 2,
        "36h: 2 days"
    );
    assert_eq!(rule["Transitions"][1]["StorageClass"], "GLACIER");
    assert!(out.stderr.contains("put-bucket-lifecycle-configuration"));

    let out = Run::of(
        s3scope(home.path())
            .args([
                "print-lifecycle",
                "s3://b",
                "--uploads-older-than",
                "7d",
                "--format",
                "rgw",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("<?xml"));
    assert!(
        out.stdout
            .contains("<DaysAfterInitiation>7</DaysAfterInitiation>")
    );
    assert!(
        out.stderr.contains("s3cmd setlifecycle") && out.stderr.contains("rgw_lc_debug_interval")
    );

    let out = Run::of(
        s3scope(home.path())
            .args(["print-lifecycle", "s3://b", "--transition", "STANDARD_IA:7"])
            .output()
            .unwrap(),
    );
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
    assert!(out.stderr.contains("30 days"), "{}", out.stderr);
}
