//! Finding the packages of a window, reading their manifests and verifying each file against
//! its size and SHA-256 before it is used. Every defect becomes a [`Problem`], never a stop.

use crate::pipeline::PipelineError;
use crate::pipeline::manifest::{FileEntry, MANIFEST_NAME, Manifest, checksum};
use crate::pipeline::storage::{Fetched, Storage};
use chrono::NaiveDate;
use serde::Serialize;

/// A package that could not be used whole: reported, and the rest is processed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Problem {
    /// The package directory (relative to the data dir).
    pub package: String,
    pub file: Option<String>,
    pub problem: String,
}

/// One package with a readable manifest.
#[derive(Debug, Clone)]
pub struct Package {
    pub dir: String,
    pub manifest: Manifest,
}

impl Package {
    /// Newest first: later window end, then later run.
    pub fn newer_first(a: &Self, b: &Self) -> std::cmp::Ordering {
        (b.manifest.until, b.manifest.created_at).cmp(&(a.manifest.until, a.manifest.created_at))
    }
}

/// The packages of day `day`, and what was wrong with the others.
pub async fn load_day(
    data: &Storage,
    day: NaiveDate,
) -> Result<(Vec<Package>, Vec<Problem>), PipelineError> {
    let dt = day.format("%Y-%m-%d");
    let names = data.glob(&format!("dt={dt}/*/*")).await?;
    let mut dirs: Vec<String> = names
        .iter()
        .filter_map(|n| n.rsplit_once('/').map(|(d, _)| d.to_string()))
        .collect();
    dirs.dedup();
    let mut packages = Vec::new();
    let mut problems = Vec::new();
    for dir in dirs {
        let manifest_name = format!("{dir}/{MANIFEST_NAME}");
        if !names.contains(&manifest_name) {
            problems.push(Problem {
                package: dir.clone(),
                file: Some(MANIFEST_NAME.into()),
                problem: "manifest.json is missing (an extract that failed or is still running); \
                          package skipped"
                    .into(),
            });
            continue;
        }
        let read = async {
            let f = data.get(&manifest_name).await?;
            let bytes = tokio::fs::read(f.path())
                .await
                .map_err(PipelineError::io(format!("cannot read {manifest_name}")))?;
            Manifest::from_json(&bytes, &data.describe(&manifest_name))
        };
        match read.await {
            Ok(mut manifest) => {
                // Files the manifest names but the package lacks: reported, never read.
                manifest.files.retain(|f| {
                    let present = names.contains(&format!("{dir}/{}", f.name));
                    if !present {
                        problems.push(Problem {
                            package: dir.clone(),
                            file: Some(f.name.clone()),
                            problem: format!(
                                "{} is missing; file skipped (re-run extract for this window)",
                                f.name
                            ),
                        });
                    }
                    present
                });
                packages.push(Package { dir, manifest });
            }
            Err(e) => problems.push(Problem {
                package: dir,
                file: Some(MANIFEST_NAME.into()),
                problem: format!("{e}; package skipped"),
            }),
        }
    }
    packages.sort_by(Package::newer_first);
    Ok((packages, problems))
}

/// A data file of a package, fetched and checked against the manifest.
pub async fn fetch_verified(
    data: &Storage,
    pkg: &Package,
    entry: &FileEntry,
) -> Result<Fetched, Problem> {
    let problem = |p: String| Problem {
        package: pkg.dir.clone(),
        file: Some(entry.name.clone()),
        problem: p,
    };
    let name = format!("{}/{}", pkg.dir, entry.name);
    let fetched = data
        .get(&name)
        .await
        .map_err(|e| problem(format!("{e}; file skipped")))?;
    let (size, sha) = checksum(fetched.path()).map_err(|e| problem(e.to_string()))?;
    if size != entry.bytes || sha != entry.sha256 {
        return Err(problem(format!(
            "corrupt: {size} bytes with SHA-256 {sha}, but the manifest says {} bytes with {}; \
             file skipped (re-run extract for this window)",
            entry.bytes, entry.sha256
        )));
    }
    Ok(fetched)
}
