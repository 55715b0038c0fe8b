//! The `serve` command as a user runs it: refusals with exit 2 and one line, and the binary
//! serving an embedded S3 server until SIGTERM.

use s3scope_store::store::{EmbeddedServer, ServerOptions};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const AK: &str = "SERVECLIAK";
const SK: &str = "serve-cli-secret";
const TOKEN: &str = "cli-test-token-0123456789";

fn s3scope(home: &Path, endpoint: &str) -> Command {
    let mut cmd = crate::support::cmd::s3scope_std(home);
    cmd.env("XDG_CONFIG_HOME", home.join("config"))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ACCESS_KEY_ID", AK)
        .env("AWS_SECRET_ACCESS_KEY", SK);
    cmd
}

fn refused(cmd: &mut Command, needle: &str) {
    let err = usage_error(cmd, needle);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
}

/// Exit 2 with `needle` on stderr (clap's own errors add a `--help` hint line).
fn usage_error(cmd: &mut Command, needle: &str) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(needle), "{err}");
    err
}

#[test]
fn refusals_exit_2_with_one_line() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let url = "http://127.0.0.1:9";
    refused(
        s3scope(h, url)
            .args(["serve", "--listen", "0.0.0.0:0"])
            .env("S3SCOPE_SERVE_TOKEN", TOKEN),
        "not a loopback address: add --allow-remote",
    );
    refused(
        s3scope(h, url).args(["serve", "--listen", "127.0.0.1:0"]),
        "needs a bearer token",
    );
    refused(
        s3scope(h, url)
            .args(["serve"])
            .env("S3SCOPE_SERVE_TOKEN", "short"),
        "at least 16 printable characters",
    );
    let missing = h.join("no-such-token");
    refused(
        s3scope(h, url)
            .args(["serve", "--token-file"])
            .arg(&missing),
        "cannot read --token-file",
    );
    usage_error(
        s3scope(h, url).args(["serve", "--refresh", "15"]),
        "needs a unit",
    );
    usage_error(
        s3scope(h, url).args(["serve", "--refresh", "0s"]),
        "at least 1s",
    );
    // The [serve] section: its values are checked like the flags, and the flags win.
    let config = h.join("serve.toml");
    std::fs::write(&config, "[serve]\nlisten = \"localhost\"\n").unwrap();
    refused(
        s3scope(h, url)
            .arg("--config")
            .arg(&config)
            .arg("serve")
            .env("S3SCOPE_SERVE_TOKEN", TOKEN),
        "[serve] listen: `localhost` is not an ADDR:PORT",
    );
    std::fs::write(&config, "[serve]\nlisten = \"10.1.2.3:9340\"\n").unwrap();
    refused(
        s3scope(h, url)
            .arg("--config")
            .arg(&config)
            .arg("serve")
            .env("S3SCOPE_SERVE_TOKEN", TOKEN),
        "--listen 10.1.2.3:9340 is not a loopback address",
    );
    std::fs::write(&config, "[serve]\nrefresh = \"5 minutes\"\n").unwrap();
    refused(
        s3scope(h, url)
            .arg("--config")
            .arg(&config)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env("S3SCOPE_SERVE_TOKEN", TOKEN),
        "[serve] refresh:",
    );
    std::fs::write(&config, "[serve]\nsource = \"guess\"\n").unwrap();
    refused(
        s3scope(h, url)
            .arg("--config")
            .arg(&config)
            .arg("serve")
            .env("S3SCOPE_SERVE_TOKEN", TOKEN),
        "[serve] source: `guess` is not one of auto, scan, rgw, cloudwatch",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_until_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let s3 = EmbeddedServer::start(ServerOptions {
        dir: dir.path().join("s3"),
        port: 0,
        access_key: AK.into(),
        secret_key: SK.into(),
        region: "us-east-1".into(),
    })
    .await
    .unwrap();
    s3.store().create_bucket("cli-bucket").unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    std::fs::set_permissions(
        &token_file,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    // Listen address, refresh and token file come from the [serve] section.
    let config = dir.path().join("config.toml");
    std::fs::write(
        &config,
        format!(
            "[serve]\nlisten = \"127.0.0.1:0\"\nrefresh = \"1h\"\ntoken_file = \"{}\"\n\
             allow_query_token = true\n",
            token_file.display()
        ),
    )
    .unwrap();
    let mut child = s3scope(dir.path(), &s3.endpoint)
        .arg("--config")
        .arg(&config)
        .arg("serve")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    stderr.read_line(&mut banner).unwrap();
    let addr = banner
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {banner:?}"))
        .to_string();
    assert!(addr.starts_with("127.0.0.1:"), "{banner}");
    // Only a hang guard: the wait ends when the first refresh is done.
    let hang_guard = Duration::from_secs(120);
    let http = reqwest::Client::builder()
        .timeout(hang_guard)
        .build()
        .unwrap();
    let deadline = tokio::time::Instant::now() + hang_guard;
    let body = loop {
        let r = http
            .get(format!("http://{addr}/metrics"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        let body = r.text().await.unwrap();
        if body.contains("\ns3scope_refresh_success 1\n") {
            break body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no successful refresh within {hang_guard:?}:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        body.contains("s3scope_bucket_up{bucket=\"cli-bucket\""),
        "{body}"
    );
    // The seed's script: `curl "$URL/?token=$TOKEN&fmt=tsv"`, allowed by the [serve] section.
    let tsv = http
        .get(format!("http://{addr}/?token={TOKEN}&fmt=tsv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(tsv.starts_with("Bucket\tRegion\tFiles\t"), "{tsv}");
    assert!(tsv.contains("\ncli-bucket\t"), "{tsv}");
    let status = Command::new("kill")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "SIGTERM ends serve cleanly");
    s3.shutdown().await;
}
