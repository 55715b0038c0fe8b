//! Shared harness of the extract/process tests: an embedded server seeded with a few buckets,
//! the binary pointed at it, and library clients for the same server.
#![allow(dead_code)] // each test binary uses a different part of the harness

use bytes::Bytes;
use s3scope_core::s3::client::Clients;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use s3scope_store::{PutOptions, StorageClass};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const AK: &str = "PIPELINEAK";
pub const SK: &str = "pipeline-secret-key";

/// A key with a control character and markup: must never reach a terminal or the report raw.
pub const NASTY_KEY: &str = "docs/evil\u{1b}[31m<script>.txt";

pub async fn server(dir: &Path) -> EmbeddedServer {
    EmbeddedServer::start(ServerOptions {
        dir: dir.to_owned(),
        port: 0,
        access_key: AK.into(),
        secret_key: SK.into(),
        region: "us-east-1".into(),
    })
    .await
    .expect("embedded server starts")
}

pub fn put(server: &EmbeddedServer, bucket: &str, key: &str, size: usize, class: StorageClass) {
    let opts = PutOptions {
        storage_class: class,
        ..Default::default()
    };
    server
        .store()
        .put_object(bucket, key, Bytes::from(vec![7u8; size]), opts)
        .expect("put");
}

/// `alpha`: 3 STANDARD objects under two prefixes (100 + 200 + 300 bytes), one GLACIER (1000),
/// the nasty key (10); `beta`: one object (50).
pub fn seed(server: &EmbeddedServer) {
    let store = server.store();
    store.create_bucket("alpha").expect("bucket");
    store.create_bucket("beta").expect("bucket");
    put(
        server,
        "alpha",
        "logs/2026/a.log",
        100,
        StorageClass::Standard,
    );
    put(
        server,
        "alpha",
        "logs/2026/b.log",
        200,
        StorageClass::Standard,
    );
    put(server, "alpha", "img/c.png", 300, StorageClass::Standard);
    put(
        server,
        "alpha",
        "archive/old.tar",
        1000,
        StorageClass::Glacier,
    );
    put(server, "alpha", NASTY_KEY, 10, StorageClass::Standard);
    put(server, "beta", "top.txt", 50, StorageClass::Standard);
}

/// The binary with only this server's settings in its environment.
pub fn s3scope(home: &Path, endpoint: &str) -> Command {
    let mut cmd = crate::support::cmd::s3scope_std(home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", AK)
        .env("AWS_SECRET_ACCESS_KEY", SK);
    cmd
}

/// Runs the command; panics with its output unless it exits with `code`.
pub fn run(cmd: &mut Command, code: i32) -> Output {
    let out = cmd.output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub async fn clients(endpoint: &str) -> Clients {
    crate::support::clients::clients(endpoint, AK, SK).await
}

/// Every file under `dir`, relative, sorted (temporary files included: there must be none).
pub fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, d: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(d).expect("read_dir") {
            let e = e.expect("entry");
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).expect("under base");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out.sort();
    out
}

/// The test venv's python (`.venv`, made by `scripts/moto.sh venv`) when it imports every one of
/// `modules`; without it, None and a note, or a failure under CI=true (never a silent pass).
pub fn venv_python(modules: &[&str]) -> Option<PathBuf> {
    let python = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let import = format!("import {}", modules.join(", "));
    let ready = python.exists()
        && Command::new(&python)
            .args(["-c", &import])
            .status()
            .is_ok_and(|s| s.success());
    if ready {
        return Some(python);
    }
    let ci = std::env::var("CI")
        .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"));
    let what = modules.join(" and ");
    assert!(
        !ci,
        "{} with {what} is missing but CI=true: run scripts/moto.sh venv (scripts/test-all.sh does)",
        python.display()
    );
    eprintln!(
        "NOTE: .venv/bin/python with {what} is missing: skipping; run `bash scripts/moto.sh venv` first"
    );
    None
}
