//! `process`: the packages of a window, day by day, into Parquet rollups, CSV, JSON and a report.
//!
//! Only one day's aggregates are in memory at a time (listings are read batch by batch); the
//! per-day totals kept for growth, CSV and the report are small (buckets × classes × days).
//! Every output file is written atomically under a name fixed by its table and day, so a
//! second run of the same window replaces the first one's files; a day that no longer has
//! data loses its old partition.

mod days; // one day's rollups, growth, usage
mod packages; // manifests of a day, verified fetches, problems
pub mod rollups; // aggregates and row types
pub mod write; // Parquet partitions and CSV

pub use packages::Problem;

use super::PipelineError;
use super::report;
use super::storage::Storage;
use crate::instants::Window;
use crate::job::Progress;
use crate::pipeline::table::Table as _;
use chrono::{Duration, NaiveDate};
use days::{aggregate_day, aggregate_usage, growth_rows, i64_of};
use packages::{Package, load_day};
use rollups::{AgeRow, GrowthRow, PrefixRow, StorageRow, UsageRow};
use serde::Serialize;
use std::collections::BTreeMap;
use write::{csv_bytes, write_partition};

/// What to process.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessRequest {
    pub window: Window,
    /// Levels of prefixes in `prefix_daily` (1 = the first `/`-separated part).
    pub prefix_depth: usize,
    /// The reports to write beside the rollups (HTML by default).
    pub reports: Vec<report::ReportFormat>,
}

/// Everything process produced, also written as `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessReport {
    /// The site (profile) whose `site=` partition this is; absent for a data dir without sites.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    pub since: String,
    pub until: String,
    pub days: Vec<String>,
    /// Packages per day of the window: a day with 0 is a gap in the charts, not zero bytes.
    pub day_packages: BTreeMap<String, u64>,
    pub packages: u64,
    /// Sources that failed when a package of the window was extracted: name → packages.
    pub failed_sources: BTreeMap<String, u64>,
    pub files_read: u64,
    /// Rows written per table.
    pub rows: BTreeMap<String, u64>,
    pub problems: Vec<Problem>,
    /// Output root (directory or s3:// prefix).
    pub output: String,
    /// The report a person opens (the first of the requested formats).
    pub report: String,
    /// Every report written.
    pub reports: Vec<String>,
    pub elapsed_secs: f64,
    pub storage: Vec<StorageRow>,
    pub growth: Vec<GrowthRow>,
    pub ages: Vec<AgeRow>,
    pub usage: Vec<UsageRow>,
    /// Kept for the XLSX report only (per prefix, the biggest table; not in summary.json).
    #[serde(skip)]
    pub prefixes: Vec<PrefixRow>,
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

/// The directory of one site's summaries: `reports/<window>/site=<site>`.
pub fn site_reports_dir(window: &Window, site: Option<&str>) -> String {
    match site {
        Some(s) => format!("{}/site={s}", reports_dir(window)),
        None => reports_dir(window),
    }
}

/// The stages a process run reports, in order.
pub const STAGES: [&str; 3] = ["storage", "usage", "summaries"];

/// Reads the packages of `req.window` from `data` and writes the rollups to `out`.
pub async fn process(
    data: &Storage,
    out: &Storage,
    req: &ProcessRequest,
    progress: &Progress,
) -> Result<ProcessReport, PipelineError> {
    process_site(data, out, req, None, progress).await
}

/// [`process`] for one site: `data` is the site's own partition (`<data_dir>/site=S`), the
/// rollups go to `<table>/site=S/dt=D/` and the summaries to `reports/<window>/site=S/`.
pub async fn process_site(
    data: &Storage,
    out: &Storage,
    req: &ProcessRequest,
    site: Option<&str>,
    progress: &Progress,
) -> Result<ProcessReport, PipelineError> {
    let started = std::time::Instant::now();
    out.check_writable().await?;
    let staging = tempfile::Builder::new()
        .prefix("s3scope-process-")
        .tempdir()
        .map_err(PipelineError::io("cannot create a temporary directory"))?;
    let days = days_of(&req.window);
    let mut report = ProcessReport {
        site: site.map(str::to_string),
        since: crate::instants::iso(req.window.since),
        until: crate::instants::iso(req.window.until),
        days: days.iter().map(|d| d.to_string()).collect(),
        day_packages: BTreeMap::new(),
        packages: 0,
        failed_sources: BTreeMap::new(),
        files_read: 0,
        rows: BTreeMap::new(),
        problems: Vec::new(),
        output: out.describe(""),
        report: String::new(),
        reports: Vec::new(),
        elapsed_secs: 0.0,
        storage: Vec::new(),
        growth: Vec::new(),
        ages: Vec::new(),
        usage: Vec::new(),
        prefixes: Vec::new(),
    };
    progress.stage(STAGES[0]);
    progress.set_total(days.len() as u64);
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
        for c in packages.iter().flat_map(|p| &p.manifest.collectors) {
            if !c.success {
                *report.failed_sources.entry(c.name.clone()).or_default() += 1;
            }
        }
        report
            .day_packages
            .insert(dt.clone(), packages.len() as u64);
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
        write_partition(out, st, site, &dt, &storage_rows).await?;
        write_partition(out, st, site, &dt, &prefixes).await?;
        write_partition(out, st, site, &dt, &growth).await?;
        write_partition(out, st, site, &dt, &ages).await?;
        for (table, n) in [
            (StorageRow::NAME, storage_rows.len()),
            (PrefixRow::NAME, prefixes.len()),
            (GrowthRow::NAME, growth.len()),
            (AgeRow::NAME, ages.len()),
        ] {
            *report.rows.entry(table.into()).or_default() += n as u64;
        }
        report.storage.extend(storage_rows);
        report.growth.extend(growth);
        report.ages.extend(ages);
        if req.reports.contains(&report::ReportFormat::Xlsx) {
            report.prefixes.extend(prefixes);
        }
        all_packages.extend(packages);
        progress.add(1, 0);
    }
    progress.stage(STAGES[1]);
    let usage = aggregate_usage(data, &all_packages, req, &mut report).await?;
    for day in &days {
        let dt = day.to_string();
        let rows: Vec<UsageRow> = usage.iter().filter(|r| r.dt == dt).cloned().collect();
        write_partition(out, staging.path(), site, &dt, &rows).await?;
    }
    report
        .rows
        .insert(UsageRow::NAME.into(), usage.len() as u64);
    report.usage = usage;
    progress.stage(STAGES[2]);
    let dir = site_reports_dir(&req.window, site);
    let csvs: [(&str, Vec<u8>); 4] = [
        (StorageRow::NAME, csv_bytes(&report.storage)?),
        (GrowthRow::NAME, csv_bytes(&report.growth)?),
        (AgeRow::NAME, csv_bytes(&report.ages)?),
        (UsageRow::NAME, csv_bytes(&report.usage)?),
    ];
    for (name, bytes) in csvs {
        out.put_bytes(&format!("{dir}/{name}.csv"), &bytes).await?;
    }
    report.reports = req
        .reports
        .iter()
        .map(|f| out.describe(&format!("{dir}/{}", f.file_name())))
        .collect();
    report.report = report.reports.first().cloned().unwrap_or_default();
    report.elapsed_secs = started.elapsed().as_secs_f64();
    for f in &req.reports {
        let bytes = match f {
            report::ReportFormat::Html => report::html(&report).into_bytes(),
            report::ReportFormat::Xlsx => report::xlsx::workbook(&report)?,
        };
        out.put_bytes(&format!("{dir}/{}", f.file_name()), &bytes)
            .await?;
    }
    let json = serde_json::to_vec_pretty(&report)
        .map_err(|e| PipelineError::Other(format!("cannot encode the summary: {e}")))?;
    out.put_bytes(&format!("{dir}/summary.json"), &json).await?;
    Ok(report)
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
}
