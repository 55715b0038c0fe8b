//! The portable binary of scripts/build-portable.sh as a jump host gets it: checksum, glibc <= 2.17, `--version`, and the same `du` as the debug build.
//!
//! `bash scripts/test-all.sh` (CI) builds it first, names it in `$S3SCOPE_PORTABLE_BIN` and sets
//! `S3SCOPE_PORTABLE_REQUIRED=1`: then a missing binary fails these tests. Run by hand
//! (`cargo test --test cli portable`) they check `dist/s3scope-<version>-x86_64-linux` when it
//! exists and say they skipped when it does not.

use crate::support::cmd::s3scope_std;
use s3scope_store::seed;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use sha2::Digest;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest glibc the binary may need: CentOS 7's.
const MAX_GLIBC: (u32, u32) = (2, 17);
const TARGET: &str = "x86_64-unknown-linux-gnu.2.17";

fn required() -> bool {
    std::env::var("S3SCOPE_PORTABLE_REQUIRED").is_ok_and(|v| v == "1")
}

fn portable_binary() -> Option<PathBuf> {
    let bin = std::env::var_os("S3SCOPE_PORTABLE_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
                "dist/s3scope-{}-x86_64-linux",
                env!("CARGO_PKG_VERSION")
            ))
        });
    if bin.is_file() {
        return Some(bin);
    }
    assert!(
        !required(),
        "S3SCOPE_PORTABLE_REQUIRED=1 but the portable binary {} is missing \
         (bash scripts/build-portable.sh builds it)",
        bin.display()
    );
    eprintln!(
        "SKIP: no portable binary {} (bash scripts/build-portable.sh builds it; \
         scripts/test-all.sh requires it)",
        bin.display()
    );
    None
}

/// Every `GLIBC_x.y[.z]` version the dynamic symbols of `bin` refer to, as (major, minor).
fn glibc_versions(bin: &Path) -> Vec<(u32, u32)> {
    let out = Command::new("objdump")
        .arg("-T")
        .arg(bin)
        .output()
        .expect("objdump runs (binutils; scripts/test-all.sh installs it)");
    assert!(
        out.status.success(),
        "objdump -T failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let mut found: Vec<(u32, u32)> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter_map(|w| w.strip_prefix("GLIBC_"))
        .filter_map(|v| {
            let mut parts = v.split('.').map(|n| n.parse::<u32>().ok());
            Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

#[test]
fn glibc_versions_are_read_from_objdump_words() {
    // The parser on its own, so a change of objdump's layout cannot make the check vacuous.
    let dir = tempfile::tempdir().unwrap();
    let host = s3scope_std(dir.path()).get_program().to_owned();
    let versions = glibc_versions(Path::new(&host));
    assert!(
        versions.iter().any(|&v| v >= (2, 2)),
        "the debug binary needs some GLIBC_2.x symbol: {versions:?}"
    );
}

#[test]
fn portable_binary_matches_its_checksum_and_needs_at_most_glibc_2_17() {
    let Some(bin) = portable_binary() else { return };
    let sums = PathBuf::from(format!("{}.sha256", bin.display()));
    let line = std::fs::read_to_string(&sums).unwrap_or_else(|e| panic!("{}: {e}", sums.display()));
    // `sha256sum -c` format: "<hex>  <file name>", the name relative to dist/.
    let (want, name) = line.trim().split_once("  ").expect("sha256sum format");
    assert_eq!(name, bin.file_name().unwrap().to_str().unwrap());
    let got = hex::encode(sha2::Sha256::digest(std::fs::read(&bin).unwrap()));
    assert_eq!(got, want, "checksum of {}", bin.display());

    let versions = glibc_versions(&bin);
    assert!(
        !versions.is_empty(),
        "no GLIBC symbol versions: not a glibc binary?"
    );
    let highest = *versions.last().unwrap();
    assert!(
        highest <= MAX_GLIBC,
        "{} needs GLIBC_{}.{} (> 2.17): {versions:?}",
        bin.display(),
        highest.0,
        highest.1
    );
}

#[test]
fn portable_binary_prints_version_commit_date_and_target() {
    let Some(bin) = portable_binary() else { return };
    let out = Command::new(&bin).arg("--version").output().unwrap();
    assert!(out.status.success());
    let line = String::from_utf8_lossy(&out.stdout).trim().to_string();
    // s3scope 0.1.0 (commit 1a2b3c4d5e6f[-dirty], built 2026-12-03, target x86_64-unknown-linux-gnu.2.17)
    let rest = line
        .strip_prefix(&format!("s3scope {} (commit ", env!("CARGO_PKG_VERSION")))
        .unwrap_or_else(|| panic!("version first: {line}"));
    let (commit, rest) = rest.split_once(", built ").expect(&line);
    let (date, target) = rest.split_once(", target ").expect(&line);
    assert_eq!(target, format!("{TARGET})"), "{line}");
    assert!(
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok(),
        "build date: {line}"
    );
    let hash = commit.strip_suffix("-dirty").unwrap_or(commit);
    assert!(
        hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit()),
        "commit: {line}"
    );
    if required() {
        // Built by test-all.sh just now, from this checkout.
        let head = Command::new("git")
            .args(["rev-parse", "--short=12", "HEAD"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(hash, String::from_utf8_lossy(&head.stdout).trim(), "{line}");
    }
}

/// `du --format json` of `location` by `cmd`, without the wall time and the LIST call count
/// (the parallel listing's split points vary from run to run: 65 or 66 calls for demo-analytics).
fn du(mut cmd: Command, endpoint: &str, location: &str) -> serde_json::Value {
    cmd.env("AWS_ACCESS_KEY_ID", "PORTABLEAK")
        .env("AWS_SECRET_ACCESS_KEY", "portable-secret")
        .env("AWS_REGION", "us-east-1")
        .args(["--endpoint", endpoint, "du", location, "--depth", "2"])
        .args(["--format", "json"]);
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", cmd.get_program());
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fields = v.as_object_mut().unwrap();
    fields.remove("elapsed_secs");
    assert!(
        fields
            .remove("list_calls")
            .is_some_and(|n| n.as_u64() > Some(0))
    );
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portable_binary_scans_the_demo_store_like_the_debug_build() {
    let Some(bin) = portable_binary() else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = EmbeddedServer::start(ServerOptions {
        dir: dir.path().join("store"),
        port: 0,
        access_key: "PORTABLEAK".into(),
        secret_key: "portable-secret".into(),
        region: "us-east-1".into(),
    })
    .await
    .unwrap();
    seed(&server.store()).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let endpoint = server.endpoint.clone();
    tokio::task::spawn_blocking(move || {
        for location in [
            "s3://demo-analytics",
            "s3://demo-logs",
            "s3://demo-versioned",
        ] {
            let mut portable = Command::new(&bin);
            portable
                .env_clear()
                .env("HOME", &home)
                .env("AWS_EC2_METADATA_DISABLED", "true");
            let got = du(portable, &endpoint, location);
            let want = du(s3scope_std(&home), &endpoint, location);
            assert!(
                got["objects"].as_u64().unwrap() > 0,
                "{location} is seeded: {got}"
            );
            assert_eq!(got, want, "{location}: portable vs debug binary");
        }
    })
    .await
    .unwrap();
}
