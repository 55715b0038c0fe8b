//! The real binary in a pseudo-terminal: `s3scope demo` draws the seeded buckets and quits cleanly.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Only guards against a hang: the waits below end on what the pty shows.
const HANG_GUARD: Duration = Duration::from_secs(300);

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
        match rx.recv_timeout(left) {
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
    let (ok, screen) = wait_for(&rx, &mut parser, HANG_GUARD, |s| {
        s.contains("demo-analytics") && s.contains("demo-cdr") && s.contains("demo-logs")
    });
    if !ok {
        let _ = child.kill();
        panic!("bucket names never appeared; last screen:\n{screen}");
    }
    writer.write_all(b"q").unwrap();
    writer.flush().unwrap();
    // The reader thread ends (the channel disconnects) once the child has exited and closed
    // the pty: only then has everything it wrote been read.
    let deadline = Instant::now() + HANG_GUARD;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(bytes) => parser.process(&bytes),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                panic!("s3scope did not exit after q");
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
    assert!(
        !parser.screen().alternate_screen(),
        "terminal left in the alternate screen"
    );
}
