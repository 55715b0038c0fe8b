//! Shared by the `faults_*` tests: the fault mix of issue 12 (5% SlowDown, 5% 500 after the work,
//! 3% connection resets, before and after the work), seeded, and the binary run without any of
//! this machine's AWS or s3scope settings, so that the default retry settings are the ones tested.
#![allow(dead_code)] // each test binary uses a different part of this module

use faultproxy::{Counts, Faults, S3Op};
use std::path::Path;
use std::process::Stdio;

/// The measured mix: 13% of requests fail, a third of them after the server did the work.
pub fn mix(seed: u64) -> Faults {
    Faults {
        slowdown: 0.05,
        error_after: 0.05,
        reset: 0.015,
        reset_after: 0.015,
        seed,
        ..Faults::default()
    }
}

/// Only the steps that change something, failing after they succeeded: every retry of them
/// meets the work already done.
pub fn after_success(seed: u64, ops: &[S3Op]) -> Faults {
    Faults {
        error_after: 0.25,
        reset_after: 0.1,
        seed,
        only: Some(ops.to_vec()),
        ..Faults::default()
    }
}

/// The binary with a clean environment: HOME in `home`, an empty config file, the keys in the
/// standard variables.
pub fn s3scope(home: &Path, access_key: &str, secret_key: &str) -> tokio::process::Command {
    let config = home.join("empty-config.toml");
    if !config.exists() {
        std::fs::write(&config, "").expect("write config");
    }
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_s3scope"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", access_key)
        .env("AWS_SECRET_ACCESS_KEY", secret_key)
        .env("AWS_REGION", "us-east-1")
        .arg("--config")
        .arg(&config)
        .arg("--log-file")
        .arg(home.join("s3scope.log"))
        .current_dir(home)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// What a run printed and how it ended.
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub async fn run(mut cmd: tokio::process::Command) -> Ran {
    let out = cmd.output().await.expect("s3scope runs");
    Ran {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Panics unless every kind of fault of the mix was injected at least once.
pub fn assert_all_kinds(c: &Counts) {
    assert!(
        c.slowdowns > 0 && c.errors_after > 0 && c.resets > 0 && c.resets_after > 0,
        "not every fault was injected: {c:?}"
    );
}
