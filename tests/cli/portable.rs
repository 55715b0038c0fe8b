//! The portable binary of scripts/build-portable.sh as a jump host gets it: its checksum
//! matches, it needs no glibc symbol newer than 2.17, prints its version, and scans the embedded
//! store. `PORTABLE=1 bash scripts/test-all.sh` builds it first and names it in `$S3SCOPE_PORTABLE_BIN`.

use bytes::Bytes;
use s3scope_store::PutOptions;
use s3scope_store::store::{EmbeddedServer, ServerOptions};
use sha2::Digest;
use std::path::PathBuf;
use std::process::Command;

/// The newest glibc the binary may need: CentOS 7's.
const MAX_GLIBC: (u32, u32) = (2, 17);

fn portable_binary() -> Option<PathBuf> {
    let named = std::env::var_os("S3SCOPE_PORTABLE_BIN").map(PathBuf::from);
    let default = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "dist/s3scope-{}-x86_64-linux",
        env!("CARGO_PKG_VERSION")
    ));
    match named {
        Some(p) => {
            assert!(
                p.is_file(),
                "S3SCOPE_PORTABLE_BIN={} is not a file",
                p.display()
            );
            Some(p)
        }
        None if default.is_file() => Some(default),
        None => {
            eprintln!("SKIP: no portable binary (bash scripts/build-portable.sh builds it)");
            None
        }
    }
}

/// Every `GLIBC_x.y[.z]` version the dynamic symbols of `bin` refer to, as (major, minor).
fn glibc_versions(bin: &std::path::Path) -> Vec<(u32, u32)> {
    let out = Command::new("objdump")
        .arg("-T")
        .arg(bin)
        .output()
        .expect("objdump runs (binutils)");
    assert!(out.status.success(), "objdump -T failed");
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
fn portable_binary_matches_its_checksum_and_needs_at_most_glibc_2_17() {
    let Some(bin) = portable_binary() else { return };
    let sums = PathBuf::from(format!("{}.sha256", bin.display()));
    let line = std::fs::read_to_string(&sums).unwrap_or_else(|e| panic!("{}: {e}", sums.display()));
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portable_binary_prints_its_version_and_scans_the_embedded_store() {
    let Some(bin) = portable_binary() else { return };
    let out = Command::new(&bin).arg("--version").output().unwrap();
    assert!(out.status.success());
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        version.starts_with(&format!("s3scope {} (commit ", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    assert!(version.contains(", built 20"), "{version}");
    assert!(
        version.ends_with(", target x86_64-unknown-linux-gnu.2.17)"),
        "{version}"
    );

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
    let store = server.store();
    store.create_bucket("data").unwrap();
    for (key, size) in [("logs/a", 1000), ("logs/b", 2000), ("tmp/c", 4000)] {
        store
            .put_object(
                "data",
                key,
                Bytes::from(vec![b'x'; size]),
                PutOptions::default(),
            )
            .unwrap();
    }
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut cmd = Command::new(&bin);
    cmd.env_clear()
        .env("HOME", &home)
        .env("AWS_ACCESS_KEY_ID", "PORTABLEAK")
        .env("AWS_SECRET_ACCESS_KEY", "portable-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "--endpoint",
            &server.endpoint,
            "du",
            "s3://data",
            "--format",
            "json",
        ]);
    let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["objects"], 3, "{v}");
    assert_eq!(v["bytes"], 7000, "{v}");
    let prefixes: Vec<&str> = v["prefixes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["prefix"].as_str().unwrap())
        .collect();
    assert_eq!(prefixes, ["tmp/", "logs/"], "{v}");
}
