//! Build facts for `s3scope --version`: git commit, build date (UTC) and target triple.
//!
//! Sets `S3SCOPE_VERSION_LINE`, e.g. `0.1.0 (commit 1a2b3c4d5e6f, built 2026-12-03, target
//! x86_64-unknown-linux-gnu)`. The commit is `$S3SCOPE_GIT_COMMIT`, else git's HEAD when this
//! script last ran, else `unknown`; `SOURCE_DATE_EPOCH` fixes the date for reproducible builds; `S3SCOPE_BUILD_TARGET`
//! names the target when a wrapper knows more than cargo does (cargo-zigbuild's glibc version).

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=S3SCOPE_GIT_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rerun-if-env-changed=S3SCOPE_BUILD_TARGET");
    // Not re-run on every commit (that would rebuild the crate and every test after each one):
    // release builds (scripts/build-portable.sh) pass S3SCOPE_GIT_COMMIT, so theirs is exact.
    println!("cargo:rerun-if-changed=build.rs");
    let commit = std::env::var("S3SCOPE_GIT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(git_commit)
        .unwrap_or_else(|| "unknown".to_string());
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    let target = std::env::var("S3SCOPE_BUILD_TARGET")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| std::env::var("TARGET").ok())
        .unwrap_or_else(|| "unknown".to_string());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!(
        "cargo:rustc-env=S3SCOPE_VERSION_LINE={version} (commit {commit}, built {}, target {target})",
        civil_date(secs)
    );
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The short commit, with `-dirty` when tracked files differ from it.
fn git_commit() -> Option<String> {
    let commit = git(&["rev-parse", "--short=12", "HEAD"])?;
    let dirty = Command::new("git")
        .args(["diff", "--quiet", "HEAD", "--"])
        .status()
        .is_ok_and(|s| s.code() == Some(1));
    Some(if dirty {
        format!("{commit}-dirty")
    } else {
        commit
    })
}

/// `YYYY-MM-DD` of a Unix time (UTC), by the days-from-civil inverse (H. Hinnant).
fn civil_date(secs: u64) -> String {
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
