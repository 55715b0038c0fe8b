//! A config file holding secrets must not be readable by others: the check, its warning and the chmod to run.

use super::ConfigFile;
use std::path::Path;

/// A config file with inline secrets that group or others may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// Permission bits, e.g. 0o644.
    pub mode: u32,
    /// Where the secrets are, e.g. `profiles.ceph.secret_access_key` (never their values).
    pub secrets: Vec<String>,
    /// `chmod 600 'PATH'`
    pub fix: String,
}

impl Exposure {
    /// The one-line warning printed before any command runs (like ssh's for a private key).
    pub fn warning(&self, path: &Path) -> String {
        format!(
            "config file {} holds secrets ({}) and is readable by {} (mode {:04o}); run: {}",
            path.display(),
            self.secrets.join(", "),
            readers(self.mode),
            self.mode,
            self.fix
        )
    }
}

fn readers(mode: u32) -> &'static str {
    match (mode & 0o040 != 0, mode & 0o004 != 0) {
        (true, true) => "group and others",
        (true, false) => "its group",
        _ => "others",
    }
}

/// The keys of `file` that hold a secret value inline (only the secret key: an access key id
/// is not one, and `*_env` keys name variables).
pub fn inline_secrets(file: &ConfigFile) -> Vec<String> {
    file.profiles
        .iter()
        .filter(|(_, p)| p.secret_access_key.is_some())
        .map(|(name, _)| format!("profiles.{name}.secret_access_key"))
        .collect()
}

/// Some(exposure) when `path` holds inline secrets and its mode lets group or others read it.
pub fn exposure(path: &Path, file: &ConfigFile) -> Option<Exposure> {
    let secrets = inline_secrets(file);
    if secrets.is_empty() {
        return None;
    }
    let mode = mode_of(path)?;
    if mode & 0o044 == 0 {
        return None;
    }
    Some(Exposure {
        mode,
        secrets,
        fix: format!("chmod 600 {}", shell_quote(&path.display().to_string())),
    })
}

#[cfg(unix)]
fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn mode_of(_path: &Path) -> Option<u32> {
    None
}

/// A path as one shell word.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%=".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn readable_secret_file_is_flagged_with_the_chmod_and_no_secret() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("my config.toml");
        let text = "[profiles.ceph]\naccess_key_id = \"AK\"\nsecret_access_key = \"TOPSECRET\"\n[profiles.env]\nsecret_access_key_env = \"X\"\naccess_key_id_env = \"Y\"\n";
        std::fs::write(&p, text).unwrap();
        let file = super::super::parse(text).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = exposure(&p, &file).unwrap();
        assert_eq!(e.secrets, vec!["profiles.ceph.secret_access_key"]);
        assert_eq!(e.fix, format!("chmod 600 '{}'", p.display()));
        let w = e.warning(&p);
        assert!(w.contains("group and others (mode 0644)"), "{w}");
        assert!(!w.contains("TOPSECRET"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        assert!(
            exposure(&p, &file)
                .unwrap()
                .warning(&p)
                .contains("its group")
        );
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(exposure(&p, &file), None);
        let env_only = super::super::parse(
            "[profiles.env]\nsecret_access_key_env = \"X\"\naccess_key_id_env = \"Y\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(
            exposure(&p, &env_only),
            None,
            "no inline secret, nothing to protect"
        );
    }
}
