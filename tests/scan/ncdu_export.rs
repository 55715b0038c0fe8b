//! `du --format ncdu` opened by the real programs: `ncdu -f` (driven in a pseudo-terminal, its
//! screen read back) shows the prefixes and the exact totals, and `gdu -f -n` the same totals
//! (plus the 4 KiB gdu counts for every directory). The export of an inventory read equals the
//! export of a listing. Needs the Debian packages ncdu and gdu (scripts/test-all.sh installs
//! them); without them the test is skipped, in CI it fails.

use crate::support::inventory as inventory_support;

use bytes::Bytes;
use chrono::Utc;
use inventory_support::{s3scope, store_report};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use s3scope_core::config::{Credentials, Profile, Secret};
use s3scope_core::s3::client::Clients;
use s3scope_core::scan::inventory::manifest::FileFormat;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use s3scope_store::{PutOptions, StorageClass};
use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const AK: &str = "NCDUAK";
const SK: &str = "ncdu-secret";
const ENV: &[(&str, &str)] = &[("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];
/// Only guards against a hang: the waits end on what the screen shows.
const HANG_GUARD: Duration = Duration::from_secs(120);

fn have(program: &str) -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found && std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{program} is not installed but CI=true; scripts/test-all.sh installs it");
    }
    if !found {
        eprintln!("NOTE: {program} is not installed: skipping; apt-get install ncdu gdu");
    }
    found
}

/// Runs `ncdu -f FILE` in an 80x24 pty, presses `keys` once `ready` shows, returns the screens.
fn ncdu_screens(file: &Path, steps: &[(&str, &[u8])]) -> Vec<String> {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new("ncdu");
    cmd.arg("-f");
    cmd.arg(file);
    cmd.env("TERM", "xterm");
    let mut child = pty.slave.spawn_command(cmd).unwrap();
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().unwrap();
    let mut writer = pty.master.take_writer().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut parser = vt100::Parser::new(24, 80, 0);
    let mut screens = Vec::new();
    for (wait_for, keys) in steps {
        let start = Instant::now();
        loop {
            let screen = parser.screen().contents();
            if screen.contains(wait_for) {
                screens.push(screen);
                break;
            }
            if start.elapsed() > HANG_GUARD {
                let _ = child.kill();
                panic!("ncdu never showed {wait_for:?}; last screen:\n{screen}");
            }
            if let Ok(bytes) = rx.recv_timeout(Duration::from_millis(200)) {
                parser.process(&bytes);
            }
        }
        writer.write_all(keys).unwrap();
        writer.flush().unwrap();
    }
    let _ = child.wait();
    screens
}

#[test]
fn ncdu_and_gdu_open_the_export_with_the_same_totals() {
    if !have("ncdu") || !have("gdu") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = rt
        .block_on(EmbeddedServer::start(ServerOptions {
            dir: dir.path().join("store"),
            port: 0,
            access_key: AK.into(),
            secret_key: SK.into(),
            region: "us-east-1".into(),
        }))
        .unwrap();
    let store = server.store();
    store.create_bucket("src").unwrap();
    store.create_bucket("dest").unwrap();
    let put = |key: &str, kib: usize, class: &str| {
        let options = PutOptions {
            storage_class: StorageClass::from_str(class).unwrap(),
            ..PutOptions::default()
        };
        store
            .put_object("src", key, Bytes::from(vec![b'x'; kib * 1024]), options)
            .unwrap();
    };
    // 100 KiB in all: big/ 90 KiB in two classes, small/deeper/ 4 KiB, 6 KiB at the top.
    put("big/a.bin", 40, "GLACIER");
    put("big/b.bin", 30, "GLACIER");
    put("big/c.bin", 20, "STANDARD");
    put("small/deeper/x", 2, "STANDARD");
    put("small/deeper/y", 2, "STANDARD_IA");
    put("top level", 6, "STANDARD");
    put("evil\u{1b}[31m/zero", 0, "STANDARD");
    let home = tempfile::tempdir().unwrap();
    let ep = server.endpoint.clone();
    let run = s3scope(
        home.path(),
        ENV,
        &["--endpoint", &ep, "du", "s3://src", "--format", "ncdu"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let export = home.path().join("tree.json");
    std::fs::write(&export, &run.stdout).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!((doc[0].as_u64(), doc[1].as_u64()), (Some(1), Some(2)));
    assert_eq!(doc[3][0]["name"], "s3://src");
    assert_eq!(doc[3][0]["bytes:GLACIER"], 70 * 1024);

    // Biggest first: big/ (90 KiB), the 6 KiB object at the top, small/ (4 KiB), evil/ (0).
    let screens = ncdu_screens(
        &export,
        &[("Total disk usage", b"jj\r" as &[u8]), ("/deeper", b"q")],
    );
    let top = &screens[0];
    assert!(top.contains("--- s3://src ---"), "{top}");
    assert!(
        top.contains("Total disk usage: 100.0 KiB  Apparent size: 100.0 KiB"),
        "{top}"
    );
    let line = |what: &str| {
        top.lines()
            .position(|l| l.contains(what))
            .unwrap_or_else(|| panic!("no {what}: {top}"))
    };
    assert!(line("/big") < line("<1 objects: STANDARD>"), "{top}");
    assert!(line("<1 objects: STANDARD>") < line("/small"), "{top}");
    assert!(top.contains("90.0 KiB"), "{top}");
    assert!(top.contains("<1 objects: STANDARD>"), "{top}");
    assert!(
        top.contains("/evil\\x1b[31m"),
        "the key's escape is shown, not obeyed: {top}"
    );
    assert!(
        screens[1].contains("--- s3://src/small -"),
        "{}",
        screens[1]
    );
    assert!(screens[1].contains("4.0 KiB"), "{}", screens[1]);

    // gdu: the same bytes, plus 4 KiB for each of its 5 directories (root, big, evil, small, deeper).
    let out = std::process::Command::new("gdu")
        .args(["-n", "-s", "-a", "-p", "--no-prefix", "-f"])
        .arg(&export)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let total: u64 = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("gdu said {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(total, 100 * 1024 + 5 * 4096);

    // The same export from an inventory report of the bucket (metadata aside).
    let clients = rt
        .block_on(Clients::new(&Profile {
            name: "t".into(),
            endpoint: Some(url::Url::parse(&ep).unwrap()),
            region: Some("us-east-1".into()),
            path_style: true,
            aws_profile: None,
            credentials: Credentials::Static {
                access_key_id: AK.into(),
                secret_access_key: Secret::new(SK),
                origin: "test".into(),
            },
            ca_bundle: None,
            read_only: false,
            rgw_admin: false,
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(30),
            max_attempts: 2,
        }))
        .unwrap();
    let (root, _) = rt.block_on(store_report(
        &clients.s3(),
        "src",
        "dest",
        "daily",
        FileFormat::Parquet,
        false,
        Utc::now(),
        |_| {},
    ));
    let inv = s3scope(
        home.path(),
        ENV,
        &[
            "--endpoint",
            &ep,
            "du",
            "s3://src",
            "--source",
            "inventory",
            "--inventory",
            &root,
            "--format",
            "ncdu",
        ],
    );
    assert_eq!(inv.code, 0, "{}", inv.stderr);
    let inv_doc: serde_json::Value = serde_json::from_str(&inv.stdout).unwrap();
    assert_eq!(inv_doc[3], doc[3]);
    assert!(
        inv_doc[2]["source"]
            .as_str()
            .unwrap()
            .starts_with("inventory as of")
    );
}
