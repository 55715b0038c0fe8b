//! The combined report of a multi-site `process`: one series per site, one row per site, links to each site's report.

use super::svg::line_chart;
use super::{esc, size, table};
use crate::pipeline::sites::Combined;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Per day of `days`: the site's bytes (all buckets), None on a day without a package (a gap).
fn bytes_per_day(r: &crate::pipeline::process::ProcessReport, days: &[String]) -> Vec<Option<f64>> {
    let mut per: BTreeMap<&str, i64> = BTreeMap::new();
    for row in &r.storage {
        *per.entry(&row.dt).or_default() += row.bytes;
    }
    days.iter()
        .map(|d| {
            let known = r.day_packages.get(d).is_some_and(|n| *n > 0);
            known.then(|| per.get(d.as_str()).copied().unwrap_or(0) as f64)
        })
        .collect()
}

/// Packages, problems and the sources that failed at extract time.
fn status(f: &crate::pipeline::sites::Figures) -> String {
    let mut s = format!("{} package(s), {} problem(s)", f.packages, f.problems);
    if !f.failed_sources.is_empty() {
        let failed: Vec<String> = f
            .failed_sources
            .iter()
            .map(|(name, n)| format!("{name} in {n}"))
            .collect();
        s.push_str(&format!("; failed: {}", failed.join(", ")));
    }
    s
}

/// The whole page.
pub fn html(c: &Combined, days: &[NaiveDate]) -> String {
    let days: Vec<String> = days.iter().map(|d| d.to_string()).collect();
    let mut s = String::new();
    let title = format!(
        "s3scope storage report {} .. {}, {} sites",
        c.since,
        c.until,
        c.sites.len()
    );
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         body{{font-family:sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin:1em 0}}\
         td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}td:first-child,th:first-child{{text-align:left}}\
         th{{background:#f3f3f3}}.warn{{color:#a00}}</style></head><body><h1>{}</h1>",
        esc(&title),
        esc(&title)
    );
    let failed: Vec<_> = c.sites.iter().filter(|x| !x.ok).collect();
    if !failed.is_empty() {
        s.push_str("<h2 class=\"warn\">Sites without rollups</h2><ul>");
        for f in failed {
            let _ = write!(
                s,
                "<li class=\"warn\">{}: {}</li>",
                esc(&f.site),
                esc(f.error.as_deref().unwrap_or(""))
            );
        }
        s.push_str("</ul>");
    }
    if c.unpartitioned_packages > 0 {
        let _ = write!(
            s,
            "<p class=\"warn\">{} package(s) directly under the data dir belong to no site and were \
             not read: move them under site=&lt;profile&gt;/.</p>",
            c.unpartitioned_packages
        );
    }
    s.push_str("<h2>Storage per day by site</h2>");
    let series: Vec<(String, Vec<Option<f64>>)> = c
        .sites
        .iter()
        .filter_map(|x| Some((x.site.clone(), bytes_per_day(x.report.as_ref()?, &days))))
        .collect();
    s.push_str(&line_chart(&days, &series, &|v| size(v as i64)));
    let mut rows = Vec::new();
    for x in &c.sites {
        let (Some(r), Some(f)) = (&x.report, &x.figures) else {
            let mut row = vec![x.site.clone(), "failed".to_string()];
            row.resize(8, String::new());
            rows.push(row);
            continue;
        };
        let link = format!(
            "site={}/{}",
            x.site,
            r.report.rsplit('/').next().unwrap_or("report.html")
        );
        rows.push(vec![
            x.site.clone(),
            status(f),
            f.last_day.clone().unwrap_or_default(),
            f.buckets.to_string(),
            f.objects.to_string(),
            size(f.bytes),
            f.requests.to_string(),
            link,
        ]);
    }
    s.push_str(&table(
        &[
            "site", "status", "last day", "buckets", "objects", "bytes", "requests", "report",
        ],
        &rows,
    ));
    s.push_str("</body></html>\n");
    s
}
