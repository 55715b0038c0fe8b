//! The TUI in a real pseudo-terminal: this test binary re-runs itself inside a pty as the "child"
//! that calls `tui::run`; the parent types keys, reads the screen with vt100, and checks that
//! the terminal is restored when the TUI quits and when the process panics.

use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

const CHILD_ENV: &str = "S3SCOPE_TUI_PTY_CHILD";
const ENDPOINT_ENV: &str = "S3SCOPE_TUI_PTY_ENDPOINT";
const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";
/// Only guards against a hang: every wait below ends on what the pty shows, not on a clock.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// What the child wrote so far, and whether its side of the pty is closed (it exited).
struct Seen {
    parser: vt100::Parser,
    raw: Vec<u8>,
    closed: bool,
}

struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    /// The reader thread updates `Seen` and notifies the condvar after every read.
    seen: Arc<(Mutex<Seen>, Condvar)>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Session {
    fn start(mode: &str) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(std::env::current_exe().unwrap());
        cmd.args([
            "--exact",
            "pty::child_tui",
            "--nocapture",
            "--test-threads=1",
        ]);
        cmd.env(CHILD_ENV, mode);
        cmd.env(ENDPOINT_ENV, format!("http://127.0.0.1:{port}"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("RUST_BACKTRACE", "0");
        cmd.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let seen = Arc::new((
            Mutex::new(Seen {
                parser: vt100::Parser::new(24, 80, 0),
                raw: Vec::new(),
                closed: false,
            }),
            Condvar::new(),
        ));
        let sink = Arc::clone(&seen);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends at EOF (EIO on Linux) once the child has exited and closed the pty.
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut s = sink.0.lock().unwrap();
                s.parser.process(&buf[..n]);
                s.raw.extend_from_slice(&buf[..n]);
                sink.1.notify_all();
            }
            sink.0.lock().unwrap().closed = true;
            sink.1.notify_all();
        });
        Self {
            child,
            writer,
            seen,
            _master: pair.master,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Seen> {
        self.seen.0.lock().unwrap()
    }

    fn screen(&self) -> String {
        self.lock().parser.screen().contents()
    }

    fn raw(&self) -> String {
        String::from_utf8_lossy(&self.lock().raw).into_owned()
    }

    /// Waits until `done` holds for what the child wrote; false when the hang guard ran out.
    fn wait_until(&self, done: impl Fn(&Seen) -> bool) -> bool {
        let deadline = Instant::now() + HANG_GUARD;
        let mut s = self.lock();
        while !done(&s) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            s = self.seen.1.wait_timeout(s, left).unwrap().0;
        }
        true
    }

    fn wait_for(&self, needle: &str) {
        if !self.wait_until(|s| s.parser.screen().contents().contains(needle)) {
            panic!(
                "`{needle}` never appeared; screen:\n{}\nraw: {:?}",
                self.screen(),
                self.raw()
            );
        }
    }

    fn wait_gone(&self, needle: &str) {
        if !self.wait_until(|s| !s.parser.screen().contents().contains(needle)) {
            panic!("`{needle}` never went away; screen:\n{}", self.screen());
        }
    }

    fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Waits until the child has exited and everything it wrote has been read.
    fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        if !self.wait_until(|s| s.closed) {
            let _ = self.child.kill();
            panic!("the TUI did not exit; screen:\n{}", self.screen());
        }
        self.child.wait().unwrap()
    }

    fn assert_restored(&self) {
        let raw = self.raw();
        let enter = raw
            .find(ENTER_ALT)
            .expect("never entered the alternate screen");
        let leave = raw
            .rfind(LEAVE_ALT)
            .expect("never left the alternate screen");
        assert!(leave > enter);
        assert!(raw[leave..].contains("\x1b[?25h"), "cursor not shown again");
        let s = self.lock();
        assert!(!s.parser.screen().alternate_screen());
        assert!(!s.parser.screen().hide_cursor());
    }
}

/// Runs only as the child inside the pty.
#[tokio::test]
async fn child_tui() {
    let Ok(mode) = std::env::var(CHILD_ENV) else {
        return;
    };
    let endpoint = std::env::var(ENDPOINT_ENV).unwrap();
    let profile = s3scope_core::config::Profile {
        name: "ptytest".into(),
        endpoint: Some(url::Url::parse(&endpoint).unwrap()),
        region: Some("us-east-1".into()),
        path_style: true,
        aws_profile: None,
        credentials: s3scope_core::config::Credentials::Static {
            access_key_id: "AKIDTEST".into(),
            secret_access_key: s3scope_core::config::Secret::new("secret"),
            origin: "test".into(),
        },
        ca_bundle: None,
        read_only: true,
        rgw_admin: false,
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        max_attempts: 1,
    };
    let clients = s3scope_core::s3::client::Clients::new(&profile)
        .await
        .unwrap();
    let ctx = s3scope_tui::TuiContext {
        clients,
        config: s3scope_core::config::Config::default(),
        banner: Some("pty test banner".into()),
    };
    if mode == "panic" {
        // The parent sends SIGUSR1 once the TUI is on screen; then this thread panics.
        let mut go =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::user_defined1()).unwrap();
        tokio::spawn(s3scope_tui::run(ctx));
        go.recv().await;
        panic!("deliberate panic while the TUI is up");
    }
    s3scope_tui::run(ctx).await.unwrap();
}

#[test]
fn quits_with_q_and_restores_the_terminal() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let mut s = Session::start("run");
    s.wait_for("Could not list the buckets");
    s.wait_for("connection refused");
    let screen = s.screen();
    assert!(screen.contains("profile ptytest"), "{screen}");
    assert!(screen.contains("read-only"), "{screen}");
    s.press("?");
    s.wait_for("Everywhere");
    s.press("\x1b");
    // The next key only once the Esc was taken alone: typed right behind it, the two bytes
    // would read as Alt+3.
    s.wait_gone("Everywhere");
    s.press("3");
    s.wait_for("has no usage source");
    s.press(":frob\r");
    s.wait_for("unknown command `:frob`");
    s.press("q");
    let status = s.wait_exit();
    assert!(status.success(), "exit {status:?}; screen:\n{}", s.screen());
    s.assert_restored();
}

#[test]
fn a_panic_restores_the_terminal_before_the_message() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return;
    }
    let mut s = Session::start("panic");
    s.wait_for("Buckets");
    let pid = s.child.process_id().expect("child pid");
    let kill = std::process::Command::new("kill")
        .args(["-USR1", &pid.to_string()])
        .status();
    assert!(kill.unwrap().success());
    let status = s.wait_exit();
    assert!(!status.success());
    s.assert_restored();
    let raw = s.raw();
    let leave = raw.rfind(LEAVE_ALT).unwrap();
    let message = raw
        .find("deliberate panic while the TUI is up")
        .expect("panic message lost");
    assert!(
        message > leave,
        "the panic message must come after the terminal is restored"
    );
    assert!(s.screen().contains("deliberate panic"), "{}", s.screen());
}
