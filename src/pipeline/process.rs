//! `process`: the packages of a window, day by day, into Parquet rollups, CSV, JSON and a report.
//!
//! Only one day's aggregates are in memory at a time (listings are read batch by batch); the
//! per-day totals kept for growth, CSV and the report are small (buckets × classes × days).
//! Every output file is written atomically under a name fixed by its table and day, so a
//! second run of the same window replaces the first one's files; a day that no longer has
//! data loses its old partition.

mod packages; // manifests of a day, verified fetches, problems
pub mod rollups; // aggregates and row types
pub mod write; // Parquet partitions and CSV

pub use packages::Problem;

use super::PipelineError;
use super::report;
use super::storage::Storage;
use crate::instants::Window;
use crate::job::JobProgress;
use chrono::{Duration, NaiveDate};
use packages::{Package, fetch_verified, load_day};
use rollups::{
    AGE_CLASSES, AgeRow, DayAggregate, GrowthRow, PrefixRow, StorageRow, UsageAggregate, UsageRow,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use write::{csv_bytes, write_partition};

/// What to process.
#[derive(Debug, Clone)]
pub struct ProcessRequest {
    pub window: Window,
    /// Levels of prefixes in `prefix_daily` (1 = the first `/`-separated part).
    pub prefix_depth: usize,
}

/// Everything process produced, also written as `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessReport {
    pub since: String,
    pub until: String,
    pub days: Vec<String>,
    pub packages: u64,
    pub files_read: u64,
    /// Rows written per table.
    pub rows: BTreeMap<String, u64>,
    pub problems: Vec<Problem>,
    /// Output root (directory or s3:// prefix).
    pub output: String,
    /// The report a person opens.
    pub report: String,
    pub elapsed_secs: f64,
    pub storage: Vec<StorageRow>,
    pub growth: Vec<GrowthRow>,
    pub ages: Vec<AgeRow>,
    pub usage: Vec<UsageRow>,
}

/// The days whose partitions the window covers.
pub fn days_of(window: &Window) -> Vec<NaiveDate> {
    let first = window.since.date_naive();
    let last = (window.until - Duration::microseconds(1)).date_naive();
    first.iter_days().take_while(|d| *d <= last).collect()
}

/// The directory of a window's summaries, relative to the output root.
pub fn reports_dir(window: &Window) -> String {
    let f = |t: chrono::DateTime<chrono::Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    format!("reports/{}-{}", f(window.since), f(window.until))
}

/// Reads the packages of `req.window` from `data` and writes the rollups to `out`.
pub async fn process(
    data: &Storage,
    out: &Storage,
    req: &ProcessRequest,
    progress: &JobProgress,
) -> Result<ProcessReport, PipelineError> {
    let started = std::time::Instant::now();
    out.check_writable().await?;
    let staging = tempfile::Builder::new()
        .prefix("s3scope-process-")
        .tempdir()
        .map_err(PipelineError::io("cannot create a temporary directory"))?;
    let days = days_of(&req.window);
    let mut report = ProcessReport {
        since: crate::instants::iso(req.window.since),
        until: crate::instants::iso(req.window.until),
        days: days.iter().map(|d| d.to_string()).collect(),
        packages: 0,
        files_read: 0,
        rows: BTreeMap::new(),
        problems: Vec::new(),
        output: out.describe(""),
        report: String::new(),
        elapsed_secs: 0.0,
        storage: Vec::new(),
        growth: Vec::new(),
        ages: Vec::new(),
        usage: Vec::new(),
    };
    progress.stage("storage");
    progress
        .total
        .store(days.len() as u64, std::sync::atomic::Ordering::Relaxed);
    let mut all_packages: Vec<Package> = Vec::new();
    let mut previous: BTreeMap<(String, String), (String, i64, i64)> = BTreeMap::new();
    for day in &days {
        if progress.cancel.is_cancelled() {
            return Err(PipelineError::Cancelled);
        }
        let dt = day.to_string();
        let (packages, problems) = load_day(data, *day).await?;
        for p in &problems {
            progress.error(&p.problem);
        }
        report.problems.extend(problems);
        report.packages += packages.len() as u64;
        let agg = aggregate_day(data, &dt, &packages, req, &mut report, progress).await?;
        let (storage, prefixes, ages, sources) = agg;
        let growth = growth_rows(&dt, &storage, &mut previous);
        let storage_rows: Vec<StorageRow> = storage
            .storage
            .iter()
            .map(|((bucket, class), (o, b))| StorageRow {
                dt: dt.clone(),
                bucket: bucket.clone(),
                storage_class: class.clone(),
                objects: i64_of(*o),
                bytes: i64_of(*b),
                source: sources
                    .get(bucket)
                    .cloned()
                    .unwrap_or_else(|| "listing".into()),
            })
            .collect();
        let st = staging.path();
        write_partition(out, st, "storage_daily", &dt, &storage_rows).await?;
        write_partition(out, st, "prefix_daily", &dt, &prefixes).await?;
        write_partition(out, st, "growth_daily", &dt, &growth).await?;
        write_partition(out, st, "age_histogram", &dt, &ages).await?;
        for (table, n) in [
            ("storage_daily", storage_rows.len()),
            ("prefix_daily", prefixes.len()),
            ("growth_daily", growth.len()),
            ("age_histogram", ages.len()),
        ] {
            *report.rows.entry(table.into()).or_default() += n as u64;
        }
        report.storage.extend(storage_rows);
        report.growth.extend(growth);
        report.ages.extend(ages);
        all_packages.extend(packages);
        progress.add(1, 0);
    }
    progress.stage("usage");
    let usage = aggregate_usage(data, &all_packages, req, &mut report).await?;
    for day in &days {
        let dt = day.to_string();
        let rows: Vec<UsageRow> = usage.iter().filter(|r| r.dt == dt).cloned().collect();
        write_partition(out, staging.path(), "usage_daily", &dt, &rows).await?;
    }
    report.rows.insert("usage_daily".into(), usage.len() as u64);
    report.usage = usage;
    progress.stage("summaries");
    let dir = reports_dir(&req.window);
    let csvs: [(&str, Vec<u8>); 4] = [
        (
            "storage_daily.csv",
            csv_bytes(
                &report.storage,
                &[
                    "dt",
                    "bucket",
                    "storage_class",
                    "objects",
                    "bytes",
                    "source",
                ],
            )?,
        ),
        (
            "growth_daily.csv",
            csv_bytes(
                &report.growth,
                &[
                    "dt",
                    "bucket",
                    "storage_class",
                    "previous_dt",
                    "objects",
                    "bytes",
                    "objects_delta",
                    "bytes_delta",
                ],
            )?,
        ),
        (
            "age_histogram.csv",
            csv_bytes(
                &report.ages,
                &["dt", "bucket", "age_order", "age", "objects", "bytes"],
            )?,
        ),
        (
            "usage_daily.csv",
            csv_bytes(
                &report.usage,
                &[
                    "dt",
                    "user",
                    "bucket",
                    "category",
                    "ops",
                    "successful_ops",
                    "bytes_sent",
                    "bytes_received",
                ],
            )?,
        ),
    ];
    for (name, bytes) in csvs {
        out.put_bytes(&format!("{dir}/{name}"), &bytes).await?;
    }
    report.report = out.describe(&format!("{dir}/report.html"));
    report.elapsed_secs = started.elapsed().as_secs_f64();
    let html = report::html(&report);
    out.put_bytes(&format!("{dir}/report.html"), html.as_bytes())
        .await?;
    let json = serde_json::to_vec_pretty(&report)
        .map_err(|e| PipelineError::Other(format!("cannot encode the summary: {e}")))?;
    out.put_bytes(&format!("{dir}/summary.json"), &json).await?;
    Ok(report)
}

type DayOutput = (
    DayAggregate,
    Vec<PrefixRow>,
    Vec<AgeRow>,
    BTreeMap<String, String>,
);

/// One day: per bucket the newest package's listing, else its bucket stats.
async fn aggregate_day(
    data: &Storage,
    dt: &str,
    packages: &[Package],
    req: &ProcessRequest,
    report: &mut ProcessReport,
    progress: &JobProgress,
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
                Ok(rows) => {
                    report.files_read += 1;
                    progress
                        .bytes
                        .fetch_add(rows, std::sync::atomic::Ordering::Relaxed);
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
fn growth_rows(
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
async fn aggregate_usage(
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

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn days_of_windows() {
        let t = |d, h| Utc.with_ymd_and_hms(2026, 11, d, h, 0, 0).unwrap();
        let w = Window::new(t(20, 0), t(22, 0)).unwrap();
        let days: Vec<String> = days_of(&w).iter().map(|d| d.to_string()).collect();
        assert_eq!(days, ["2026-11-20", "2026-11-21"]);
        let w = Window::new(t(20, 5), t(20, 6)).unwrap();
        assert_eq!(days_of(&w).len(), 1);
        assert_eq!(reports_dir(&w), "reports/20261120T050000Z-20261120T060000Z");
    }

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
