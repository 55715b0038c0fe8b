//! Plan files on disk: written atomically as JSON, read back with line-numbered errors and checked.

use super::error::SegregateError;
use super::plan::{MovePlan, check};
use std::path::Path;

/// Writes `plan` to `path` (temp + fsync + rename: never half-written).
pub fn save(plan: &MovePlan, path: &Path) -> Result<(), SegregateError> {
    let mut text = serde_json::to_vec_pretty(plan).map_err(|e| SegregateError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    text.push(b'\n');
    crate::fsutil::write_atomic(path, &text, None).map_err(|source| SegregateError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads and checks a plan file. The id is recomputed from the entries: an edited plan is
/// applied as written, under its new id.
pub fn load(path: &Path) -> Result<MovePlan, SegregateError> {
    let text = std::fs::read_to_string(path).map_err(|source| SegregateError::ReadPlan {
        path: path.to_path_buf(),
        source,
    })?;
    let mut plan: MovePlan =
        serde_json::from_str(&text).map_err(|e| SegregateError::ParsePlan {
            path: path.to_path_buf(),
            line: e.line(),
            message: first_line(&e.to_string()),
        })?;
    check(&plan).map_err(|message| SegregateError::InvalidPlan {
        path: path.to_path_buf(),
        message,
    })?;
    plan.refresh();
    Ok(plan)
}

fn first_line(s: &str) -> String {
    // serde_json appends " at line L column C", which the error already says.
    let line = s.lines().next().unwrap_or("invalid JSON");
    match line.rfind(" at line ") {
        Some(i) => line[..i].to_string(),
        None => line.to_string(),
    }
}
