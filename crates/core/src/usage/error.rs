//! Why a usage collection stopped, worded as what to do next; whether anything was trimmed is explicit.

use crate::instants::WindowError;
use crate::s3::error::S3Error;
use crate::s3::rgw::RgwError;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// What went wrong collecting, saving, trimming or showing usage.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum UsageError {
    /// The `--since/--until/--period` flags (or their config and seed equivalents).
    #[error(transparent)]
    Window(#[from] WindowError),

    /// A setting, flag or seed `KEY=VALUE` argument that cannot work.
    #[error("{0}")]
    Settings(String),

    #[error(
        "profile `{profile}` is read-only, and trimming deletes from the source; drop --trim \
         (or S3_REMOVE_STATS_ITEMS), or use a profile without read_only"
    )]
    ReadOnly { profile: String },

    #[error("{0}")]
    Rgw(#[from] RgwError),

    #[error("{context}: {source}")]
    S3 {
        context: String,
        #[source]
        source: S3Error,
    },

    #[error("cannot {action} {}: {source}{}", .path.display(), trimmed_note(*.before_trim))]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
        /// The failure happened before anything was trimmed (said so in the message).
        before_trim: bool,
    },

    #[error(
        "the usage state file {} is damaged ({reason}); it records what was collected and \
         trimmed: restore it from a backup, or move it away to start over (windows collected \
         before would then be counted again)",
        .path.display()
    )]
    StateDamaged { path: PathBuf, reason: String },

    #[error(
        "the usage state file {} belongs to {recorded}, not to {asked}; give this source its own \
         --state-file (or --results-dir)",
        .path.display()
    )]
    StateMismatch {
        path: PathBuf,
        recorded: String,
        asked: String,
    },

    #[error(
        "another `s3scope usage collect` is running on {} (its lock file {} is held); wait for \
         it to finish",
        .state.display(), .lock.display()
    )]
    Locked { state: PathBuf, lock: PathBuf },

    #[error(
        "the window starts at {since}, before {horizon}, the oldest hour the state file still \
         keeps (keep_days); collect a later window, or raise keep_days before it is pruned"
    )]
    BeforeHorizon { since: String, horizon: String },

    #[error(
        "refusing to trim the hour in progress ({hour}): requests logged between reading and \
         trimming it would be lost; trim once the hour is over, or pass --trim-current-hour to \
         accept that"
    )]
    TrimInProgressHour { hour: String },

    #[error("no usage summary at {}: run `s3scope usage collect` first", .path.display())]
    NoSummary { path: PathBuf },

    #[error("{} is not a usage summary of s3scope ({reason})", .path.display())]
    BadSummary { path: PathBuf, reason: String },

    #[error("{0}; the summary and its backup are saved, and the next run retries the trim")]
    TrimFailed(Box<UsageError>),

    #[error("{0}")]
    Cancelled(String),
}

fn trimmed_note(before_trim: bool) -> &'static str {
    if before_trim {
        "; nothing was trimmed"
    } else {
        ""
    }
}

impl UsageError {
    /// An I/O failure on `path`, before anything was trimmed.
    pub fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self + use<> {
        let path = path.to_path_buf();
        move |source| Self::Io {
            action,
            path,
            source,
            before_trim: true,
        }
    }

    /// An S3 failure, with what was being done.
    pub fn s3(context: impl Into<String>) -> impl FnOnce(S3Error) -> Self {
        let context = context.into();
        move |source| Self::S3 { context, source }
    }

    /// True for mistakes in the command line or configuration (exit code 2), false for
    /// failures while running (exit code 1).
    pub fn is_usage_error(&self) -> bool {
        matches!(
            self,
            Self::Window(_)
                | Self::Settings(_)
                | Self::ReadOnly { .. }
                | Self::StateMismatch { .. }
                | Self::BeforeHorizon { .. }
                | Self::TrimInProgressHour { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_say_nothing_was_trimmed() {
        let e = UsageError::io("write", Path::new("/ro/results/summarized_data.json"))(
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        );
        assert_eq!(
            e.to_string(),
            "cannot write /ro/results/summarized_data.json: permission denied; nothing was trimmed"
        );
        assert!(!e.is_usage_error());
    }
}
