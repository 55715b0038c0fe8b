//! Helpers of the inventory tests: the binary run as a user runs it, and reports generated
//! from a real listing of the server under test and stored on it.
#![allow(dead_code)] // each test binary uses a different part of this module

use assert_cmd::Command;
use chrono::{DateTime, Utc};
use s3scope_core::scan::inventory::generate::{self, ReportSpec};
use s3scope_core::scan::inventory::manifest::FileFormat;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        assert_eq!(self.code, 0, "stderr: {}", self.stderr);
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }

    /// One line on stderr, exit 1.
    pub fn one_line_error(&self) -> &str {
        assert_eq!(
            self.code, 1,
            "stdout: {}\nstderr: {}",
            self.stdout, self.stderr
        );
        let lines: Vec<&str> = self
            .stderr
            .lines()
            .filter(|l| l.contains("error"))
            .collect();
        assert_eq!(lines.len(), 1, "{}", self.stderr);
        lines[0]
    }
}

/// The binary with only the given environment: keys and an optional config file.
pub fn s3scope(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut cmd = Command::cargo_bin("s3scope").unwrap();
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") || k.starts_with("S3SCOPE_") || k.starts_with("XDG_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .timeout(Duration::from_secs(300)) // only a hang guard
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Lists `source` for real and stores its report in `dest`; returns the configuration folder
/// as `s3://dest/source/ID/` and the manifest's key.
#[allow(clippy::too_many_arguments)] // a test helper: every knob of the report in one call
pub async fn store_report(
    s3: &aws_sdk_s3::Client,
    source: &str,
    dest: &str,
    id: &str,
    format: FileFormat,
    versions: bool,
    created: DateTime<Utc>,
    tweak: impl FnOnce(&mut ReportSpec),
) -> (String, String) {
    let rows = generate::from_listing(s3, "test", source, "", versions)
        .await
        .unwrap();
    let mut spec = ReportSpec::new(source, dest, id, format, created);
    spec.versions = versions;
    spec.rows_per_file = 7; // several data files, fetched in parallel
    tweak(&mut spec);
    let key = generate::upload(s3, "test", &spec, rows).await.unwrap();
    (format!("s3://{dest}/{}", spec.root()), key)
}

/// The parts of a du report that must not depend on where the tree came from.
pub fn tree_of(report: &Value) -> Value {
    let strip = |p: &Value| {
        let mut p = p.clone();
        if let Some(o) = p.as_object_mut() {
            o.remove("list_calls");
            o.remove("elapsed_secs");
            o.remove("inventory");
        }
        p
    };
    let mut r = strip(report);
    r["prefixes"] = Value::Array(
        report["prefixes"]
            .as_array()
            .unwrap()
            .iter()
            .map(strip)
            .collect(),
    );
    r
}
