//! `rm` on a terminal (a real pseudo-terminal): it shows the plan and asks for the bucket name
//! before a prefix delete; a wrong answer deletes nothing, the right one deletes the prefix.

use crate::support::store as store_support;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Only against hangs: the test waits for text, never for a time.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// Runs `rm ARGS` in a pty, types `answer` once the question shows, returns all it printed.
fn rm_on_a_terminal(
    t: &store_support::TestServer,
    home: &std::path::Path,
    args: &[&str],
    answer: &str,
) -> (String, u32) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_s3scope"));
    cmd.env_clear();
    cmd.env("HOME", home);
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    cmd.env("AWS_ACCESS_KEY_ID", &t.server.access_key);
    cmd.env("AWS_SECRET_ACCESS_KEY", &t.server.secret_key);
    cmd.env("AWS_REGION", "us-east-1");
    let config = home.join("config.toml");
    std::fs::write(&config, "").unwrap();
    cmd.arg("--config");
    cmd.arg(&config);
    cmd.args(["--endpoint", &t.server.endpoint, "--path-style=true", "rm"]);
    cmd.args(args);
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
    let mut out = String::new();
    let start = Instant::now();
    while !out.contains("type the bucket name") {
        assert!(start.elapsed() < HANG_GUARD, "never asked; printed:\n{out}");
        if let Ok(b) = rx.recv_timeout(Duration::from_millis(200)) {
            out.push_str(&String::from_utf8_lossy(&b));
        }
    }
    writer.write_all(format!("{answer}\r").as_bytes()).unwrap();
    writer.flush().unwrap();
    let status = child.wait().unwrap();
    // The reader ends at the pty's end of file, which drops the sender: drain until then.
    while let Ok(b) = rx.recv_timeout(HANG_GUARD) {
        out.push_str(&String::from_utf8_lossy(&b));
    }
    (out, status.exit_code())
}

#[test]
fn rm_asks_for_the_bucket_name_on_a_terminal() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = rt.block_on(store_support::start());
    let s3 = store_support::client(&t.server);
    rt.block_on(async {
        store_support::create_bucket(&s3, "act-tty").await;
        for k in ["logs/a", "logs/b", "keep/c"] {
            store_support::put(&s3, "act-tty", k, b"x").await;
        }
    });
    let count = || {
        rt.block_on(async {
            s3.list_objects_v2()
                .bucket("act-tty")
                .send()
                .await
                .unwrap()
                .key_count()
        })
    };
    let home = tempfile::tempdir().unwrap();
    let (out, code) = rm_on_a_terminal(&t, home.path(), &["s3://act-tty/logs/", "-r"], "act-tt");
    assert!(out.contains("would delete 2 objects"), "{out}");
    assert!(out.contains("logs/a") && out.contains("logs/b"), "{out}");
    assert!(out.contains("not confirmed: nothing deleted"), "{out}");
    assert_ne!(code, 0);
    assert_eq!(count(), Some(3));
    let (out, code) = rm_on_a_terminal(&t, home.path(), &["s3://act-tty/logs/", "-r"], "act-tty");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("deleted 2 objects"), "{out}");
    assert_eq!(count(), Some(1));
}
