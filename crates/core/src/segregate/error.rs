//! What can stop a segregate plan or apply, each with what to do next.

use super::rule::RuleError;
use crate::s3::error::S3Error;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum SegregateError {
    #[error(transparent)]
    Rule(#[from] RuleError),
    #[error(transparent)]
    S3(#[from] S3Error),
    #[error("cannot read plan file {path}: {source}")]
    ReadPlan {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "plan file {path}, line {line}: {message}; make a new one with `s3scope segregate plan --out FILE`"
    )]
    ParsePlan {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("plan file {path}: {message}")]
    InvalidPlan { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("journal {path}: {message}")]
    Journal { path: PathBuf, message: String },
    #[error(
        "profile `{profile}` is read-only: segregate apply would copy and delete objects; use a profile without read_only (and without --read-only)"
    )]
    ReadOnly { profile: String },
    #[error("interrupted before the plan was complete; nothing was moved")]
    Cancelled,
}

impl SegregateError {
    /// True when the input (rule, plan file, profile) is at fault rather than the run.
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            Self::Rule(_)
                | Self::ReadPlan { .. }
                | Self::ParsePlan { .. }
                | Self::InvalidPlan { .. }
                | Self::ReadOnly { .. }
        )
    }
}
