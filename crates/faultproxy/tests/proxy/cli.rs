//! The `faultproxy` binary: its ready line, faults from its options, counts over HTTP, SIGTERM,
//! and one-line errors for bad options.

use crate::support;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use support::*;

const BIN: &str = env!("CARGO_BIN_EXE_faultproxy");

#[tokio::test]
async fn prints_its_address_injects_faults_and_stops_on_sigterm() {
    let s = server().await;
    let mut child = Command::new(BIN)
        .args([
            "--upstream",
            &s.server.endpoint,
            "--slowdown",
            "1",
            "--only",
        ])
        .arg("ListBuckets,HeadObject")
        .args(["--delay-ms", "1", "--seed", "9"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn faultproxy");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let endpoint = line
        .trim()
        .strip_prefix("listening ")
        .unwrap_or_else(|| panic!("ready line: {line:?}"))
        .to_string();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");

    assert_eq!(raw(&endpoint, "GET", "/").await.unwrap().status, 503);
    // Not a faulted operation: forwarded (and refused, unsigned, by the server).
    let listed = raw(&endpoint, "GET", "/bkt?list-type=2").await.unwrap();
    assert!((400..500).contains(&listed.status), "{listed:?}");
    let proxied = client(&s.server, &endpoint);
    bucket(&proxied, "bkt").await;
    let counts = raw(&endpoint, "GET", "/__faultproxy/counts").await.unwrap();
    let json: serde_json::Value = serde_json::from_slice(&counts.body).unwrap();
    assert_eq!(json["requests"], 3, "{json}");
    assert_eq!(json["slowdowns"], 1, "{json}");
    assert_eq!(json["delayed"], 3, "{json}");
    assert_eq!(json["by_op"]["ListObjectsV2"], 1, "{json}");

    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status:?}");
}

fn refused(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("run faultproxy");
    assert!(!out.status.success(), "{args:?} was accepted");
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn bad_options_are_one_line_errors() {
    let up = ["--upstream", "http://127.0.0.1:9"];
    let err = refused(&[&up[..], &["--listen", "0.0.0.0:0"]].concat());
    assert!(err.contains("refusing to listen on 0.0.0.0:0"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let err = refused(&[&up[..], &["--slowdown", "1.5"]].concat());
    assert!(err.contains("slowdown must be a probability"), "{err}");
    let err = refused(&[&up[..], &["--slowdown", "0.6", "--reset", "0.6"]].concat());
    assert!(err.contains("add up to"), "{err}");
    let err = refused(&[&up[..], &["--only", "CopyObject,Nope"]].concat());
    assert!(err.contains("unknown S3 operation \"Nope\""), "{err}");
    let err = refused(&["--upstream", "https://127.0.0.1:9"]);
    assert!(err.contains("must be an http:// URL"), "{err}");
    let err = refused(&[]);
    assert!(err.contains("--upstream"), "{err}");
}
