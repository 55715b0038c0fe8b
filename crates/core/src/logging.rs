//! Logging with tracing to a file (the terminal belongs to the TUI and to command output).

use std::path::{Path, PathBuf};
use tracing_subscriber::EnvFilter;

/// Default log file: `$XDG_STATE_HOME/s3scope/s3scope.log` or the cache dir.
pub fn default_log_file() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "s3scope")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.cache_dir());
    Some(dir.join("s3scope.log"))
}

/// Installs a file logger. Logging is best effort: when the file cannot be opened the
/// program runs without logs rather than failing. Returns the file in use.
pub fn init(file: Option<&Path>, level: Option<&str>) -> Option<PathBuf> {
    let path = file.map(Path::to_path_buf).or_else(default_log_file)?;
    if let Some(parent) = path.parent() {
        crate::fsutil::create_private_dir_all(parent).ok()?;
    }
    let f = crate::fsutil::open_private_append(&path).ok()?;
    let filter = std::env::var("S3SCOPE_LOG")
        .ok()
        .or_else(|| level.map(str::to_string))
        .unwrap_or_else(|| "info".to_string());
    let filter = EnvFilter::try_new(&filter).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::sync::Mutex::new(f))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(path)
}
