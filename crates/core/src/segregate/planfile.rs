//! Plan files on disk: written atomically as JSON, read back with line-numbered errors and checked.

use super::error::SegregateError;
use super::plan::{MovePlan, PLAN_VERSION, Status};
use std::collections::HashSet;
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

/// Checks a plan read from a file before anything is applied: the rules apply relies on.
pub fn check(plan: &MovePlan) -> Result<(), String> {
    if plan.version != PLAN_VERSION {
        return Err(format!(
            "plan format version {} is not supported (this s3scope writes version {PLAN_VERSION}); make the plan again",
            plan.version
        ));
    }
    if plan.bucket.is_empty() {
        return Err("the plan names no bucket".into());
    }
    let mut keys = HashSet::new();
    let mut targets = HashSet::new();
    for e in &plan.entries {
        if e.key.is_empty() || e.target.is_empty() {
            return Err("an entry has an empty key or target".into());
        }
        if !keys.insert(e.key.as_str()) {
            return Err(format!("key {} appears twice", e.key));
        }
        if e.status.stays() {
            if e.target != e.key {
                return Err(format!("entry {} stays but names another target", e.key));
            }
            continue;
        }
        if e.status != Status::Conflict && !targets.insert(e.target.as_str()) {
            return Err(format!("two entries move to {}", e.target));
        }
        if e.status == Status::Error && e.reason.is_none() {
            return Err(format!("entry {} has status error but no reason", e.key));
        }
    }
    if let Some(e) = plan.entries.iter().find(|e| {
        e.status != Status::Conflict && !e.status.stays() && keys.contains(e.target.as_str())
    }) {
        return Err(format!(
            "entry {} moves onto another entry's source {}",
            e.key, e.target
        ));
    }
    Ok(())
}
