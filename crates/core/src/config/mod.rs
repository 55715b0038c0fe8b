//! Profiles: find and parse the config file, then layer flag > env > file > default.

mod file;
mod perms;
mod resolve;
mod s3;

pub use file::{
    ConfigFile, LogSection, ProfileFile, S3Section, ScanSection, SegregateRuleFile,
    SegregateSection, ServeSection, UsageSection,
};
pub use perms::Exposure;
pub use resolve::{Credentials, Overrides, Profile, Secret};
pub use s3::{RetryMode, S3Layer, S3Settings, S3Values};

use std::path::{Path, PathBuf};
use thiserror::Error;

/// Environment variable naming the config file.
pub const CONFIG_ENV: &str = "S3SCOPE_CONFIG";
/// Environment variable naming the profile.
pub const PROFILE_ENV: &str = "S3SCOPE_PROFILE";

/// Everything that can be wrong with configuration; all map to exit code 2.
#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}, line {line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("unknown profile `{name}`; known profiles: {known} (see `s3scope config check`)")]
    UnknownProfile { name: String, known: String },
    #[error("profile `{profile}`: {message}")]
    Invalid { profile: String, message: String },
    /// A bad retry/timeout setting, naming the flag, variable or key it came from.
    #[error("{0}")]
    Setting(String),
}

/// A loaded config file and where it came from (None: no file, built-in defaults).
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
}

impl Config {
    /// Finds the config file: `--config`, then `$S3SCOPE_CONFIG`, then the XDG config dir.
    /// An explicitly named file must exist; the XDG one is optional.
    pub fn load(flag: Option<&Path>) -> Result<Self, ConfigError> {
        let explicit = flag
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os(CONFIG_ENV).map(PathBuf::from));
        if let Some(path) = explicit {
            return Self::from_path(&path);
        }
        match default_config_path() {
            Some(path) if path.exists() => Self::from_path(&path),
            _ => Ok(Self::default()),
        }
    }

    /// Reads and parses one file.
    pub fn from_path(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let file = parse(&text).map_err(|(line, message)| ConfigError::Parse {
            path: path.to_path_buf(),
            line,
            message,
        })?;
        Ok(Self {
            path: Some(path.to_path_buf()),
            file,
        })
    }

    /// Resolves one profile with the command-line overrides on top.
    pub fn profile(&self, overrides: &Overrides) -> Result<Profile, ConfigError> {
        resolve::resolve(&self.file, overrides).map(|(p, _)| p)
    }

    /// Resolves one profile and its retry/timeout settings (`[s3]`, the profile's own keys,
    /// `S3SCOPE_*` variables and flags); the profile's timeouts and attempts are those settings'.
    pub fn connection(&self, overrides: &Overrides) -> Result<(Profile, S3Settings), ConfigError> {
        resolve::resolve(&self.file, overrides)
    }

    /// Some when the config file holds inline secrets and group or others may read it.
    pub fn exposure(&self) -> Option<Exposure> {
        perms::exposure(self.path.as_deref()?, &self.file)
    }

    /// Parallel LIST requests per scan.
    pub fn scan_concurrency(&self) -> usize {
        self.file.scan.concurrency.unwrap_or(32).clamp(1, 256)
    }
}

/// `$XDG_CONFIG_HOME/s3scope/config.toml` (or the platform equivalent).
pub fn default_config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "s3scope").map(|d| d.config_dir().join("config.toml"))
}

/// Parses TOML into the config structs; on error returns (1-based line, one-line message).
pub fn parse(text: &str) -> Result<ConfigFile, (usize, String)> {
    toml::from_str::<ConfigFile>(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
            .unwrap_or(1);
        let message = e.message().lines().next().unwrap_or("invalid TOML").trim();
        (line, message.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = "[profiles.a]\nendpoint = \"http://127.0.0.1:9000\"\nbogus_key = 1\n";
        let (line, msg) = parse(text).unwrap_err();
        assert_eq!(line, 3);
        assert!(msg.contains("bogus_key"), "{msg}");
    }

    #[test]
    fn malformed_toml_has_line() {
        let (line, _) = parse("[profiles.a]\nregion = \n").unwrap_err();
        assert_eq!(line, 2);
    }
}
