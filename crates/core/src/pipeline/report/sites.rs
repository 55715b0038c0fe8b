//! The combined report of a multi-site `process`: one series per site, one row per site, links to each site's report.

use super::page::{count, head, table_html};
use super::svg::line_chart;
use super::{esc, size};
use crate::pipeline::sites::Combined;
use chrono::NaiveDate;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a path segment of the link keeps as it is.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'.').remove(b'-').remove(b'_');
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

/// A link from the combined page (`reports/<window>/`) to the site's own report beside it
/// (`site=<site>/report.html`); the site name is percent-encoded as one path segment.
fn site_link(site: &str, report: &str) -> String {
    let file = report.rsplit('/').next().unwrap_or("report.html");
    let href = format!(
        "site={}/{}",
        utf8_percent_encode(site, SEGMENT),
        utf8_percent_encode(file, SEGMENT)
    );
    format!(
        "<a href=\"{}\">site={}/{}</a>",
        esc(&href),
        esc(site),
        esc(file)
    )
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
    s.push_str(&head(&title));
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
            let mut row = vec![esc(&x.site), String::new(), "failed".to_string()];
            row.resize(8, String::new());
            rows.push(row);
            continue;
        };
        // The link comes second: on a narrow window the table scrolls, the link stays in view.
        rows.push(vec![
            esc(&x.site),
            site_link(&x.site, &r.report),
            esc(&status(f)),
            esc(&f.last_day.clone().unwrap_or_default()),
            count(f.buckets as i64),
            count(f.objects),
            size(f.bytes),
            count(f.requests),
        ]);
    }
    s.push_str(&table_html(
        &[
            "site", "report", "status", "last day", "buckets", "objects", "bytes", "requests",
        ],
        &rows,
    ));
    s.push_str("</body></html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::site_link;

    #[test]
    fn site_reports_are_real_relative_links() {
        assert_eq!(
            site_link("chi_uc", "out/reports/w/site=chi_uc/report.html"),
            "<a href=\"site=chi_uc/report.html\">site=chi_uc/report.html</a>"
        );
        // An odd profile name stays one path segment and cannot break out of the attribute.
        assert_eq!(
            site_link("a b\"/<x>", "report.html"),
            "<a href=\"site=a%20b%22%2F%3Cx%3E/report.html\">site=a b&quot;/&lt;x&gt;/report.html</a>"
        );
    }
}
