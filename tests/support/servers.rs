//! Where the test servers started by scripts/test-all.sh listen, and skip-or-fail when they don't.
//!
//! A developer running plain `cargo test` without the servers gets these tests skipped with a
//! printed notice; under `CI=true` a missing server fails the test instead, so that a broken
//! setup can never pass as green.
#![allow(dead_code)] // each test binary uses a different part of this module

use std::io::Write;
use std::sync::Once;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The Ceph RGW of scripts/ceph-rgw.sh: an admin user with every admin cap, and one without caps.
#[derive(Clone)]
pub struct RgwEnv {
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    /// The uid owning `access_key` (the usage log is per uid).
    pub uid: String,
    pub nocaps_access_key: String,
    pub nocaps_secret_key: String,
}

/// moto's server of scripts/moto.sh (CloudWatch).
#[derive(Clone)]
pub struct MotoEnv {
    pub endpoint: String,
}

/// The Ceph RGW, or `None` (tests skip) when `RGW_ENDPOINT` is unset outside CI.
pub fn rgw() -> Option<RgwEnv> {
    static NOTICE: Once = Once::new();
    let endpoint = server_var("RGW_ENDPOINT", "Ceph RGW", "scripts/ceph-rgw.sh", &NOTICE)?;
    Some(RgwEnv {
        endpoint,
        access_key: required("RGW_ACCESS_KEY"),
        secret_key: required("RGW_SECRET_KEY"),
        uid: required("RGW_UID"),
        nocaps_access_key: required("RGW_NOCAPS_ACCESS_KEY"),
        nocaps_secret_key: required("RGW_NOCAPS_SECRET_KEY"),
    })
}

/// moto's server, or `None` (tests skip) when `MOTO_ENDPOINT` is unset outside CI.
pub fn moto() -> Option<MotoEnv> {
    static NOTICE: Once = Once::new();
    let endpoint = server_var("MOTO_ENDPOINT", "moto", "scripts/moto.sh", &NOTICE)?;
    Some(MotoEnv { endpoint })
}

/// True when running in CI (`CI=true`, as CI services and `.ci/run` set it).
pub fn in_ci() -> bool {
    std::env::var("CI")
        .is_ok_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes"))
}

/// A bucket name no other test or earlier run uses: `prefix` + pid + time + counter, lowercase,
/// at most 63 characters, valid for S3 and RGW.
pub fn unique_bucket(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let prefix: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(30)
        .collect();
    format!(
        "{prefix}-{}-{:x}-{n}",
        std::process::id(),
        nanos % (1 << 40)
    )
}

fn server_var(var: &str, what: &str, script: &str, notice: &Once) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.trim().is_empty() => Some(v.trim().to_string()),
        _ if in_ci() => panic!(
            "{var} is not set but CI=true: the {what} tests must not be skipped in CI; \
             run them through scripts/test-all.sh, which starts {what}"
        ),
        _ => {
            // Written past the test harness's output capture, so the notice is always seen.
            notice.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "NOTE: {var} is not set: skipping the tests that need {what}. \
                     Run scripts/test-all.sh, or `{script} start DIR && eval \"$({script} env DIR)\"` first."
                );
            });
            None
        }
    }
}

fn required(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        panic!("{var} is not set although the server's endpoint is: source the whole env file of the script")
    })
}
