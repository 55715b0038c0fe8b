//! The real binary in a pseudo-terminal: `s3scope demo` draws the seeded buckets and quits cleanly.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Reads the PTY until `done(screen)` holds or the deadline passes; returns the last screen.
fn wait_for(
    rx: &mpsc::Receiver<Vec<u8>>,
    parser: &mut vt100::Parser,
    deadline: Duration,
    done: impl Fn(&str) -> bool,
) -> (bool, String) {
    let start = Instant::now();
    loop {
        let screen = parser.screen().contents();
        if done(&screen) {
            return (true, screen);
        }
        let left = deadline.saturating_sub(start.elapsed());
        if left.is_zero() {
            return (false, screen);
        }
        match rx.recv_timeout(left.min(Duration::from_millis(200))) {
            Ok(bytes) => parser.process(&bytes),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => return (done(&screen), screen),
        }
    }
}

#[test]
fn demo_shows_buckets_and_quits() {
    let home = tempfile::tempdir().unwrap();
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 30,
            cols: 110,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_s3scope"));
    cmd.arg("demo");
    cmd.env("HOME", home.path());
    cmd.env("XDG_STATE_HOME", home.path().join("state"));
    cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
    cmd.env("TERM", "xterm-256color");
    cmd.env_remove("AWS_CA_BUNDLE");
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
    let mut parser = vt100::Parser::new(30, 110, 0);
    let (ok, screen) = wait_for(&rx, &mut parser, Duration::from_secs(90), |s| {
        s.contains("demo-analytics") && s.contains("demo-cdr") && s.contains("demo-logs")
    });
    if !ok {
        let _ = child.kill();
        panic!("bucket names never appeared; last screen:\n{screen}");
    }
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        // Keep draining so the child never blocks on a full PTY buffer.
        while let Ok(bytes) = rx.try_recv() {
            parser.process(&bytes);
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("s3scope did not exit after q");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit status {status:?}");
    while let Ok(bytes) = rx.try_recv() {
        parser.process(&bytes);
    }
    assert!(
        !parser.screen().alternate_screen(),
        "terminal left in the alternate screen"
    );
}
