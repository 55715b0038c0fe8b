//! `s3scope du --save FILE` and `s3scope du --diff OLD NEW` as a user runs them, against the
//! embedded server: growth by prefix, table/json/csv, and bad snapshot files as one-line errors.

use crate::support::cmd::Run;
use bytes::Bytes;
use s3scope_store::PutOptions;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use std::path::Path;
use std::time::Duration;

fn s3scope(home: &Path, args: &[&str]) -> Run {
    let mut cmd = crate::support::cmd::s3scope(home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("AWS_ACCESS_KEY_ID", "TESTAK")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .timeout(Duration::from_secs(120)) // only a hang guard
        .args(args);
    Run::of(cmd.output().unwrap())
}

fn put(server: &EmbeddedServer, key: &str, size: usize) {
    server
        .store()
        .put_object(
            "data",
            key,
            Bytes::from(vec![b'x'; size]),
            PutOptions::default(),
        )
        .unwrap();
}

#[test]
fn save_then_diff_shows_growth_by_prefix() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = rt
        .block_on(EmbeddedServer::start(ServerOptions {
            dir: dir.path().join("store"),
            port: 0,
            access_key: "TESTAK".into(),
            secret_key: "test-secret".into(),
            region: "us-east-1".into(),
        }))
        .unwrap();
    server.store().create_bucket("data").unwrap();
    put(&server, "logs/a.log", 100);
    put(&server, "logs/b.log", 100);
    put(&server, "tmp/x", 50);
    let home = tempfile::tempdir().unwrap();
    let ep = server.endpoint.clone();
    let old = home.path().join("old.s3snap");
    let new = home.path().join("new.s3snap");
    let old_s = old.to_str().unwrap();
    let new_s = new.to_str().unwrap();

    let r = s3scope(
        home.path(),
        &["--endpoint", &ep, "du", "s3://data", "--save", old_s],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("snapshot saved to"), "{}", r.stderr);
    assert!(r.stdout.contains("TOTAL s3://data/"), "{}", r.stdout);

    put(&server, "logs/c.log", 1000);
    put(&server, "media/new.mp4", 4000);
    server.store().delete_object("data", "tmp/x").unwrap();
    let r = s3scope(
        home.path(),
        &["--endpoint", &ep, "du", "s3://data", "--save", new_s],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    rt.block_on(server.shutdown());

    // No endpoint or credentials needed: two files are compared.
    let r = s3scope(
        home.path(),
        &["du", "--diff", old_s, new_s, "--format", "csv"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "prefix,objects_before,objects_after,objects_delta,bytes_before,bytes_after,bytes_delta",
            "media/,0,1,+1,0,4000,+4000",
            "logs/,2,3,+1,200,1200,+1000",
            "tmp/,1,0,-1,50,0,-50",
            "TOTAL,3,4,+1,250,5200,+4950",
        ]
    );
    let r = s3scope(home.path(), &["du", "--diff", old_s, new_s]);
    assert!(
        r.stdout.contains("media/  (new)") && r.stdout.contains("tmp/  (gone)"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("+3.91 KiB"), "{}", r.stdout);
    let r = s3scope(
        home.path(),
        &["du", "--diff", old_s, new_s, "--format", "json"],
    );
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["total"]["bytes_delta"], 4950);
    assert_eq!(v["old"]["bucket"], "data");
    assert_eq!(v["prefixes"][0]["prefix"], "media/");

    // A truncated file is one line naming it; nothing is overwritten.
    let bytes = std::fs::read(&new).unwrap();
    std::fs::write(&new, &bytes[..bytes.len() / 2]).unwrap();
    let r = s3scope(home.path(), &["du", "--diff", old_s, new_s]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("new.s3snap") && r.stderr.contains("truncated"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read(&new).unwrap().len(), bytes.len() / 2);

    // Usage mistakes exit 2 before any scan.
    let r = s3scope(home.path(), &["du"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = s3scope(home.path(), &["du", "s3://data", "--diff", old_s, new_s]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = s3scope(
        home.path(),
        &[
            "--endpoint",
            "http://127.0.0.1:9",
            "du",
            "s3://data",
            "--save",
            "/no/such/dir/x.s3snap",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
}
