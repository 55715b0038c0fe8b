//! One day of rollups (newest listing per bucket, else its bucket stats), growth between
//! days, and usage where each hour comes from the newest package that has it.

use super::packages::{Package, Problem, fetch_verified};
use super::rollups::{
    AGE_CLASSES, AgeRow, DayAggregate, GrowthRow, PrefixRow, UsageAggregate, UsageRow,
};
use super::{ProcessReport, ProcessRequest};
use crate::job::Progress;
use crate::pipeline::PipelineError;
use crate::pipeline::storage::Storage;
use std::collections::{BTreeMap, HashSet};

pub(super) type DayOutput = (
    DayAggregate,
    Vec<PrefixRow>,
    Vec<AgeRow>,
    BTreeMap<String, String>,
);

/// One day: per bucket the newest package's listing, else its bucket stats.
pub(super) async fn aggregate_day(
    data: &Storage,
    dt: &str,
    packages: &[Package],
    req: &ProcessRequest,
    report: &mut ProcessReport,
    progress: &Progress,
) -> Result<DayOutput, PipelineError> {
    let mut agg = DayAggregate::default();
    let mut sources = BTreeMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    let dt = dt.to_string();
    for pkg in packages {
        for entry in pkg.manifest.files.iter().filter(|f| f.table == "listing") {
            let take: HashSet<String> = entry
                .buckets
                .iter()
                .filter(|b| !taken.contains(*b))
                .cloned()
                .collect();
            if take.is_empty() {
                continue;
            }
            let fetched = match fetch_verified(data, pkg, entry).await {
                Ok(f) => f,
                Err(p) => {
                    progress.error(&p.problem);
                    report.problems.push(p);
                    continue;
                }
            };
            let what = data.describe(&format!("{}/{}", pkg.dir, entry.name));
            let path = fetched.path().to_path_buf();
            let (depth, reference) = (req.prefix_depth, pkg.manifest.created_at);
            let mut day = std::mem::take(&mut agg);
            let result = tokio::task::spawn_blocking(move || {
                let r = day.add_listing(&path, &what, &take, depth, reference);
                (day, r, take)
            })
            .await
            .map_err(|e| PipelineError::Other(format!("reading a listing stopped: {e}")))?;
            let (day, r, take) = result;
            agg = day;
            match r {
                Ok(_rows) => {
                    report.files_read += 1;
                    taken.extend(take);
                }
                Err(e) => {
                    progress.error(&e.to_string());
                    report.problems.push(Problem {
                        package: pkg.dir.clone(),
                        file: Some(entry.name.clone()),
                        problem: format!("{e}; file skipped"),
                    });
                }
            }
        }
    }
    for pkg in packages {
        for entry in pkg
            .manifest
            .files
            .iter()
            .filter(|f| f.table == "bucket_stats")
        {
            if entry.buckets.iter().all(|b| agg.listed.contains(b)) && !entry.buckets.is_empty() {
                continue;
            }
            match fetch_verified(data, pkg, entry).await {
                Ok(f) => {
                    let what = data.describe(&format!("{}/{}", pkg.dir, entry.name));
                    match agg.add_bucket_stats(f.path(), &what, &mut sources) {
                        Ok(_) => report.files_read += 1,
                        Err(e) => report.problems.push(Problem {
                            package: pkg.dir.clone(),
                            file: Some(entry.name.clone()),
                            problem: format!("{e}; file skipped"),
                        }),
                    }
                }
                Err(p) => report.problems.push(p),
            }
        }
    }
    for pkg in packages {
        for entry in pkg
            .manifest
            .files
            .iter()
            .filter(|f| f.table == "cloudwatch")
        {
            match fetch_verified(data, pkg, entry).await {
                Ok(f) => {
                    let what = data.describe(&format!("{}/{}", pkg.dir, entry.name));
                    match agg.add_cloudwatch(f.path(), &what, &mut sources) {
                        Ok(_) => report.files_read += 1,
                        Err(e) => report.problems.push(Problem {
                            package: pkg.dir.clone(),
                            file: Some(entry.name.clone()),
                            problem: format!("{e}; file skipped"),
                        }),
                    }
                }
                Err(p) => report.problems.push(p),
            }
        }
    }
    let prefixes = agg
        .prefixes
        .iter()
        .map(|((bucket, prefix, class), (o, b))| PrefixRow {
            dt: dt.clone(),
            bucket: bucket.clone(),
            prefix: prefix.clone(),
            storage_class: class.clone(),
            objects: i64_of(*o),
            bytes: i64_of(*b),
        })
        .collect();
    let ages = agg
        .ages
        .iter()
        .map(|((bucket, i), (o, b))| AgeRow {
            dt: dt.clone(),
            bucket: bucket.clone(),
            age_order: *i as i64,
            age: AGE_CLASSES
                .get(*i)
                .map_or("unknown", |(name, _)| *name)
                .to_string(),
            objects: i64_of(*o),
            bytes: i64_of(*b),
        })
        .collect();
    Ok((agg, prefixes, ages, sources))
}

/// Growth of each bucket and class against the last day seen before `dt`.
pub(super) fn growth_rows(
    dt: &str,
    day: &DayAggregate,
    previous: &mut BTreeMap<(String, String), (String, i64, i64)>,
) -> Vec<GrowthRow> {
    let mut rows = Vec::new();
    let today: BTreeMap<(String, String), (i64, i64)> = day
        .storage
        .iter()
        .map(|(k, (o, b))| (k.clone(), (i64_of(*o), i64_of(*b))))
        .collect();
    let buckets: HashSet<&String> = today.keys().map(|(b, _)| b).collect();
    // A class that vanished from a bucket that still has data shrank to zero.
    let mut keys: Vec<(String, String)> = today.keys().cloned().collect();
    for k in previous.keys() {
        if buckets.contains(&k.0) && !today.contains_key(k) {
            keys.push(k.clone());
        }
    }
    for k in keys {
        let (o, b) = today.get(&k).copied().unwrap_or((0, 0));
        if let Some((pdt, po, pb)) = previous.get(&k) {
            rows.push(GrowthRow {
                dt: dt.to_string(),
                bucket: k.0.clone(),
                storage_class: k.1.clone(),
                previous_dt: pdt.clone(),
                objects: o,
                bytes: b,
                objects_delta: o - po,
                bytes_delta: b - pb,
            });
        }
        previous.insert(k, (dt.to_string(), o, b));
    }
    rows
}

/// Usage of every package of the window; an hour is counted from the newest package that has it.
pub(super) async fn aggregate_usage(
    data: &Storage,
    packages: &[Package],
    req: &ProcessRequest,
    report: &mut ProcessReport,
) -> Result<Vec<UsageRow>, PipelineError> {
    let mut sorted: Vec<&Package> = packages.iter().collect();
    sorted.sort_by(|a, b| Package::newer_first(a, b));
    let mut agg = UsageAggregate::default();
    for pkg in sorted {
        for entry in pkg.manifest.files.iter().filter(|f| f.table == "usage") {
            match fetch_verified(data, pkg, entry).await {
                Ok(f) => {
                    let what = data.describe(&format!("{}/{}", pkg.dir, entry.name));
                    match agg.add_file(f.path(), &what, req.window.since, req.window.until) {
                        Ok(_) => report.files_read += 1,
                        Err(e) => report.problems.push(Problem {
                            package: pkg.dir.clone(),
                            file: Some(entry.name.clone()),
                            problem: format!("{e}; file skipped"),
                        }),
                    }
                }
                Err(p) => report.problems.push(p),
            }
        }
    }
    Ok(agg
        .days
        .into_iter()
        .map(|((dt, user, bucket, category), c)| UsageRow {
            dt,
            user,
            bucket,
            category,
            ops: i64_of(c[0]),
            successful_ops: i64_of(c[1]),
            bytes_sent: i64_of(c[2]),
            bytes_received: i64_of(c[3]),
        })
        .collect())
}

pub(super) fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_against_previous_day() {
        let mut prev = BTreeMap::new();
        let mut d1 = DayAggregate::default();
        d1.storage.insert(("b".into(), "STANDARD".into()), (2, 100));
        d1.storage.insert(("b".into(), "GLACIER".into()), (1, 10));
        assert!(growth_rows("2026-01-01", &d1, &mut prev).is_empty());
        let mut d2 = DayAggregate::default();
        d2.storage.insert(("b".into(), "STANDARD".into()), (3, 150));
        let g = growth_rows("2026-01-02", &d2, &mut prev);
        assert_eq!(g.len(), 2);
        let std = g.iter().find(|r| r.storage_class == "STANDARD").unwrap();
        assert_eq!((std.objects_delta, std.bytes_delta), (1, 50));
        let gl = g.iter().find(|r| r.storage_class == "GLACIER").unwrap();
        assert_eq!((gl.bytes, gl.bytes_delta), (0, -10));
    }
}
