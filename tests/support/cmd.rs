//! The s3scope binary as the tests run it: isolated from this machine's AWS and s3scope setup.
#![allow(dead_code)] // each test binary uses a different part of this module

use assert_cmd::Command;
use assert_cmd::cargo::CommandCargoExt;
use std::path::Path;
use std::process::Output;

/// The binary with no AWS_*, S3SCOPE_* or XDG_* variable of this machine, HOME in `home` (so no
/// ~/.aws files or user config are read) and the EC2 metadata lookup off.
pub fn s3scope_std(home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::cargo_bin("s3scope").expect("the s3scope binary is built");
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") || k.starts_with("S3SCOPE_") || k.starts_with("XDG_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// [`s3scope_std`] as an assert_cmd command (with `.timeout` for hang guards).
pub fn s3scope(home: &Path) -> Command {
    Command::from_std(s3scope_std(home))
}

/// What a run printed and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn of(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}
