//! Shared by the usage tests: an embedded S3 server holding access logs of known content, the
//! profile and config file pointing at it, and the `s3scope` binary with a clean environment.
#![allow(dead_code)] // each test binary uses a different part of this module

pub mod fixture; // access logs of known content, collected with the library
pub mod tui; // a TUI state on the Usage pane with a known summary

use bytes::Bytes;
use chrono::{DateTime, Duration, Utc};
use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_store::{EmbeddedServer, PutOptions, ServerOptions, Store};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const ACCESS_KEY: &str = "usage-test-access";
pub const SECRET_KEY: &str = "usage-test-secret-never-shown";

/// An embedded server over its own temporary directory (kept as long as this lives).
pub struct LogServer {
    pub server: EmbeddedServer,
    pub dir: tempfile::TempDir,
}

impl LogServer {
    pub async fn start() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = EmbeddedServer::start(ServerOptions {
            dir: dir.path().join("store"),
            port: 0,
            access_key: ACCESS_KEY.into(),
            secret_key: SECRET_KEY.into(),
            region: "us-east-1".into(),
        })
        .await
        .expect("embedded server starts");
        Self { server, dir }
    }

    pub fn store(&self) -> std::sync::Arc<Store> {
        self.server.store()
    }

    /// The profile a user would write for this server.
    pub fn profile(&self) -> Profile {
        Profile {
            name: "logs-test".into(),
            endpoint: Some(url::Url::parse(&self.server.endpoint).expect("endpoint URL")),
            region: Some("us-east-1".into()),
            path_style: true,
            aws_profile: None,
            credentials: Credentials::Static {
                access_key_id: ACCESS_KEY.into(),
                secret_access_key: Secret::new(SECRET_KEY),
                origin: "test".into(),
            },
            ca_bundle: None,
            read_only: false,
            rgw_admin: false,
            connect_timeout: std::time::Duration::from_secs(2),
            read_timeout: std::time::Duration::from_secs(30),
            max_attempts: 2,
        }
    }

    pub async fn clients(&self) -> Clients {
        Clients::new(&self.profile()).await.expect("clients")
    }

    /// A config file with profile `logs-test` for this server and `extra` appended.
    pub fn config_file(&self, dir: &Path, extra: &str) -> PathBuf {
        let path = dir.join("config.toml");
        let text = format!(
            "[profiles.logs-test]\nendpoint = \"{}\"\nregion = \"us-east-1\"\npath_style = true\n\
             access_key_id = \"{ACCESS_KEY}\"\nsecret_access_key = \"{SECRET_KEY}\"\n{extra}",
            self.server.endpoint
        );
        std::fs::write(&path, text).expect("write config");
        // Kept 0600 as a user keeps it: a secret readable by others gets a warning on stderr.
        std::fs::set_permissions(
            &path,
            <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
        )
        .unwrap();
        path
    }

    /// Creates `bucket` (once).
    pub fn bucket(&self, bucket: &str) {
        let _ = self.store().create_bucket(bucket);
    }

    /// Puts a log object with `lines`.
    pub fn put_log(&self, bucket: &str, key: &str, lines: &[String]) {
        let mut text = lines.join("\n");
        text.push('\n');
        self.store()
            .put_object(bucket, key, Bytes::from(text), PutOptions::default())
            .expect("put log object");
    }

    /// Every key of `bucket`, in order.
    pub async fn keys(&self, bucket: &str) -> Vec<String> {
        let s3 = self.clients().await.s3();
        let mut pages = s3.list_objects_v2().bucket(bucket).into_paginator().send();
        let mut keys = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.expect("ListObjectsV2");
            keys.extend(
                page.contents()
                    .iter()
                    .filter_map(|o| o.key().map(str::to_string)),
            );
        }
        keys
    }
}

/// One request of an AWS server access log: all 26 fields.
#[allow(clippy::too_many_arguments)]
pub fn line(
    time: DateTime<Utc>,
    requester: &str,
    bucket: &str,
    operation: &str,
    key: &str,
    status: u16,
    sent: u64,
    size: u64,
) -> String {
    let dash = |n: u64| {
        if n == 0 {
            "-".to_string()
        } else {
            n.to_string()
        }
    };
    let error = if status >= 400 { "AccessDenied" } else { "-" };
    format!(
        "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be {bucket} [{}] 192.0.2.3 {requester} \
         3E57427F3EXAMPLE {operation} {key} \"GET /{bucket}/{key} HTTP/1.1\" {status} {error} {} {} 7 5 \"-\" \
         \"aws-cli/2.15 Python/3.11\" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPF= SigV4 \
         ECDHE-RSA-AES128-GCM-SHA256 AuthHeader {bucket}.s3.us-west-1.amazonaws.com TLSv1.2 - -",
        time.format("%d/%b/%Y:%H:%M:%S +0000"),
        dash(sent),
        dash(size),
    )
}

/// The log object name AWS gives a delivery at `t`.
pub fn log_name(t: DateTime<Utc>, unique: &str) -> String {
    format!("{}-{unique}", t.format("%Y-%m-%d-%H-%M-%S"))
}

/// The start of the hour `n` hours before the current one.
pub fn hours_ago(n: i64) -> DateTime<Utc> {
    s3scope_core::instants::this_hour() - Duration::hours(n)
}

/// `s3scope` with only the given environment: nothing of this machine's AWS or s3scope setup.
pub fn s3scope(config: &Path, cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_s3scope"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", cwd)
        .env("S3SCOPE_CONFIG", config)
        .env("S3SCOPE_PROFILE", "logs-test")
        .current_dir(cwd);
    cmd
}

/// `stderr` without the progress lines `usage collect` writes every 5 s when stderr is not a
/// terminal (`s3scope: usage WINDOW: ...`): whether a run has any depends on the machine's
/// speed, not on what it reports.
pub fn without_progress(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.starts_with("s3scope: usage "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Runs a command to its end; (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("s3scope runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
