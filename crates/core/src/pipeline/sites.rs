//! Several profiles (sites) in one run: their `site=<profile>/` partitions and the summary across them.
//!
//! One data dir holds every site: `<data_dir>/site=<profile>/dt=D/<run>/...` for packages,
//! `<output>/<table>/site=<profile>/dt=D/part-0.parquet` for rollups (Hive order: DuckDB,
//! Spark, Trino and Athena see `site` and `dt` as columns) and
//! `<output>/reports/<window>/site=<profile>/` for each site's summaries. The window's own
//! `reports/<window>/` then holds the combined `summary.json`, `report.html` and CSVs with a
//! `site` column first. A data dir without `site=` partitions is the single-profile layout.

use super::PipelineError;
use super::process::{ProcessReport, reports_dir};
use super::report;
use super::storage::Storage;
use super::table::Table;
use crate::instants::Window;
use serde::Serialize;

/// The partition directory of a site.
pub fn dir(site: &str) -> String {
    format!("site={site}")
}

/// The sites that have packages in `data` (`site=*/dt=*/<run>/manifest.json`), sorted.
pub async fn found(data: &Storage) -> Result<Vec<String>, PipelineError> {
    let mut sites: Vec<String> = data
        .glob("site=*/dt=*/*/manifest.json")
        .await?
        .iter()
        .filter_map(|n| {
            n.split('/')
                .next()?
                .strip_prefix("site=")
                .map(str::to_string)
        })
        .filter(|s| super::settings::check_site(s).is_ok())
        .collect();
    sites.dedup();
    Ok(sites)
}

/// Packages directly under `data`, outside any site partition (written before the data dir
/// had several sites): process with sites does not read them.
pub async fn unpartitioned(data: &Storage) -> Result<usize, PipelineError> {
    Ok(data.glob("dt=*/*/manifest.json").await?.len())
}

/// One site of a multi-site `process`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteResult {
    pub site: String,
    pub ok: bool,
    /// Why the site has no rollups (its partition is missing, unreadable...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The site's own summary (its `reports/<window>/site=S/summary.json`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The site's figures, for a glance without opening its summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<Figures>,
    #[serde(skip)]
    pub report: Option<ProcessReport>,
}

/// One site's figures in the combined summary.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Figures {
    pub packages: u64,
    /// Sources that failed at extract time: name → packages (see each package's manifest).
    pub failed_sources: std::collections::BTreeMap<String, u64>,
    /// Days of the window with at least one package.
    pub days_with_packages: usize,
    /// Damaged or incomplete packages skipped (listed in the site's summary).
    pub problems: usize,
    /// The last day with storage rows, and its totals over every bucket and class.
    pub last_day: Option<String>,
    pub buckets: usize,
    pub objects: i64,
    pub bytes: i64,
    /// Requests over the window (usage_daily).
    pub requests: i64,
}

impl Figures {
    pub fn of(r: &ProcessReport) -> Self {
        let last = r.storage.iter().map(|x| x.dt.as_str()).max();
        let latest: Vec<_> = r
            .storage
            .iter()
            .filter(|x| Some(x.dt.as_str()) == last)
            .collect();
        let buckets: std::collections::BTreeSet<&str> =
            latest.iter().map(|x| x.bucket.as_str()).collect();
        Self {
            packages: r.packages,
            failed_sources: r.failed_sources.clone(),
            days_with_packages: r.day_packages.values().filter(|n| **n > 0).count(),
            problems: r.problems.len(),
            last_day: last.map(str::to_string),
            buckets: buckets.len(),
            objects: latest.iter().map(|x| x.objects).sum(),
            bytes: latest.iter().map(|x| x.bytes).sum(),
            requests: r.usage.iter().map(|u| u.ops).sum(),
        }
    }
}

impl SiteResult {
    pub fn of(
        site: &str,
        out: &Storage,
        window: &Window,
        r: Result<ProcessReport, String>,
    ) -> Self {
        let dir = super::process::site_reports_dir(window, Some(site));
        match r {
            Ok(report) => Self {
                site: site.to_string(),
                ok: true,
                error: None,
                summary: Some(out.describe(&format!("{dir}/summary.json"))),
                figures: Some(Figures::of(&report)),
                report: Some(report),
            },
            Err(e) => Self {
                site: site.to_string(),
                ok: false,
                error: Some(e),
                summary: None,
                figures: None,
                report: None,
            },
        }
    }
}

/// The combined summary of a multi-site `process` (`reports/<window>/summary.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Combined {
    pub since: String,
    pub until: String,
    pub sites: Vec<SiteResult>,
    /// Packages outside any `site=` partition that were not read.
    pub unpartitioned_packages: usize,
    pub output: String,
    /// The combined report.html and the site-tagged CSVs.
    pub reports: Vec<String>,
}

/// Rows of every site as CSV with `site` first (the other columns as in each site's CSV).
fn site_csv<R: Table + Serialize>(parts: &[(&str, &[R])]) -> Result<Vec<u8>, PipelineError> {
    let err = |e: csv::Error| PipelineError::Other(format!("cannot write CSV: {e}"));
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let header: Vec<&str> = std::iter::once("site")
        .chain(R::COLUMNS.iter().copied())
        .collect();
    w.write_record(&header).map_err(err)?;
    for (site, rows) in parts {
        for row in *rows {
            w.serialize((site, row)).map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| PipelineError::Other(format!("cannot write CSV: {e}")))
}

/// Each site that has a report, with one of its tables.
fn parts<'a, R>(
    sites: &'a [SiteResult],
    rows: impl Fn(&'a ProcessReport) -> &'a [R],
) -> Vec<(&'a str, &'a [R])> {
    sites
        .iter()
        .filter_map(|s| Some((s.site.as_str(), rows(s.report.as_ref()?))))
        .collect()
}

/// Writes the window's combined summary, report and CSVs over `sites` to `out`.
pub async fn write_combined(
    out: &Storage,
    window: &Window,
    sites: Vec<SiteResult>,
    unpartitioned_packages: usize,
) -> Result<Combined, PipelineError> {
    let dir = reports_dir(window);
    let csvs = [
        (
            "storage_daily.csv",
            site_csv(&parts(&sites, |r| &r.storage))?,
        ),
        ("growth_daily.csv", site_csv(&parts(&sites, |r| &r.growth))?),
        ("age_histogram.csv", site_csv(&parts(&sites, |r| &r.ages))?),
        ("usage_daily.csv", site_csv(&parts(&sites, |r| &r.usage))?),
    ];
    let mut combined = Combined {
        since: crate::instants::iso(window.since),
        until: crate::instants::iso(window.until),
        sites,
        unpartitioned_packages,
        output: out.describe(""),
        reports: vec![out.describe(&format!("{dir}/report.html"))],
    };
    for (name, bytes) in csvs {
        out.put_bytes(&format!("{dir}/{name}"), &bytes).await?;
        combined
            .reports
            .push(out.describe(&format!("{dir}/{name}")));
    }
    let html = report::sites::html(&combined, &super::process::days_of(window));
    out.put_bytes(&format!("{dir}/report.html"), html.as_bytes())
        .await?;
    let json = serde_json::to_vec_pretty(&combined)
        .map_err(|e| PipelineError::Other(format!("cannot encode the summary: {e}")))?;
    out.put_bytes(&format!("{dir}/summary.json"), &json).await?;
    Ok(combined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::process::rollups::StorageRow;

    #[test]
    fn csv_has_the_site_first_and_keeps_newlines_quoted() {
        let row = |bucket: &str, bytes| StorageRow {
            dt: "2026-11-01".into(),
            bucket: bucket.into(),
            storage_class: "STANDARD".into(),
            objects: 2,
            bytes,
            source: "listing".into(),
        };
        let (uc, tacc) = ([row("a\nb", 30)], [row("c", 5)]);
        let csv = site_csv::<StorageRow>(&[("chi_uc", &uc), ("chi_tacc", &tacc)]).unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            "site,dt,bucket,storage_class,objects,bytes,source\n\
             chi_uc,2026-11-01,\"a\nb\",STANDARD,2,30,listing\n\
             chi_tacc,2026-11-01,c,STANDARD,2,5,listing\n"
        );
        let empty = site_csv::<StorageRow>(&[]).unwrap();
        assert_eq!(
            String::from_utf8(empty).unwrap(),
            "site,dt,bucket,storage_class,objects,bytes,source\n"
        );
    }
}
