//! The report a person opens: one self-contained HTML page with inline SVG charts and tables.
//!
//! HTML by default: it opens in any browser straight from a jump host (or an S3 console
//! link), needs no spreadsheet program, is plain text (diffable, greppable), and its charts
//! are drawn as SVG by s3scope itself, with no JavaScript at all. `--report xlsx` adds a
//! workbook ([`xlsx`]). Bucket names, keys and users are untrusted: every text goes through
//! [`esc`]. A day of the window without a package is a gap in the charts (no point, the line
//! broken), never 0 B: it is unknown, not empty.

use super::process::ProcessReport;
use super::process::rollups::AGE_CLASSES;
use page::{count, head, table};
use std::collections::BTreeMap;
use std::fmt::Write;
use svg::{bar_chart, line_chart};

mod page; // the page's head, tables and figures
pub mod sites; // the combined page of a multi-site process
mod svg; // line and bar charts as inline SVG
pub mod xlsx; // the workbook of --report xlsx

/// A report `process` writes beside the rollups.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::VariantArray,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
pub enum ReportFormat {
    /// report.html: one self-contained page with charts and tables.
    Html,
    /// report.xlsx: one sheet per rollup, typed cells, frozen headers.
    Xlsx,
}

impl ReportFormat {
    /// The file's name in the window's reports directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Html => "report.html",
            Self::Xlsx => "report.xlsx",
        }
    }
}

/// Escapes text for HTML element content and attribute values; control characters are shown
/// escaped as on the terminal.
pub fn esc(s: &str) -> String {
    let s = crate::text::escape_control(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn size(b: i64) -> String {
    let sign = if b < 0 { "-" } else { "" };
    format!(
        "{sign}{}",
        humansize::format_size(b.unsigned_abs(), humansize::BINARY)
    )
}

/// The whole page.
pub fn html(r: &ProcessReport) -> String {
    let mut s = String::new();
    let title = match &r.site {
        Some(site) => format!(
            "s3scope storage report {} .. {}, site {site}",
            r.since, r.until
        ),
        None => format!("s3scope storage report {} .. {}", r.since, r.until),
    };
    s.push_str(&head(&title));
    let _ = write!(
        s,
        "<p>{} day(s), {} package(s), {} file(s) read; rollups in <code>{}</code>.</p>",
        r.days.len(),
        r.packages,
        r.files_read,
        esc(&r.output)
    );
    if !r.problems.is_empty() {
        s.push_str("<h2 class=\"warn\">Problems (skipped, the rest was processed)</h2><ul>");
        for p in &r.problems {
            let _ = write!(
                s,
                "<li class=\"warn\">{} {}: {}</li>",
                esc(&p.package),
                esc(p.file.as_deref().unwrap_or("")),
                esc(&p.problem)
            );
        }
        s.push_str("</ul>");
    }
    storage_section(r, &mut s);
    age_section(r, &mut s);
    growth_section(r, &mut s);
    usage_section(r, &mut s);
    s.push_str("</body></html>\n");
    s
}

fn storage_section(r: &ProcessReport, s: &mut String) {
    s.push_str("<h2>Storage per day</h2>");
    if r.storage.is_empty() {
        s.push_str("<p>No listing or bucket stats in this window.</p>");
        return;
    }
    let mut per: BTreeMap<&str, BTreeMap<&str, i64>> = BTreeMap::new();
    for row in &r.storage {
        *per.entry(&row.bucket)
            .or_default()
            .entry(&row.dt)
            .or_default() += row.bytes;
    }
    let last_day = r.storage.iter().map(|x| x.dt.as_str()).max().unwrap_or("");
    let mut top: Vec<(&str, i64)> = per
        .iter()
        .map(|(b, d)| (*b, d.get(last_day).copied().unwrap_or(0)))
        .collect();
    top.sort_by_key(|t| std::cmp::Reverse(t.1));
    let x = r.days.clone();
    let known = |day: &String| r.day_packages.get(day).is_some_and(|n| *n > 0);
    let mut series: Vec<(String, Vec<Option<f64>>)> = top
        .iter()
        .take(7)
        .map(|(b, _)| {
            let d = &per[b];
            (
                (*b).to_string(),
                x.iter()
                    .map(|day| known(day).then(|| d.get(day.as_str()).copied().unwrap_or(0) as f64))
                    .collect(),
            )
        })
        .collect();
    if per.len() > 1 {
        let total = x
            .iter()
            .map(|day| {
                known(day).then(|| {
                    per.values()
                        .map(|d| d.get(day.as_str()).copied().unwrap_or(0))
                        .sum::<i64>() as f64
                })
            })
            .collect();
        series.push(("(all buckets)".into(), total));
    }
    s.push_str(&line_chart(&x, &series, &|v| size(v as i64)));
    let _ = write!(s, "<h3>{} by bucket and storage class</h3>", esc(last_day));
    let mut latest: Vec<&super::process::rollups::StorageRow> =
        r.storage.iter().filter(|x| x.dt == last_day).collect();
    latest.sort_by_key(|r| std::cmp::Reverse(r.bytes));
    let bars: Vec<(String, f64)> = latest
        .iter()
        .take(15)
        .map(|x| (format!("{} {}", x.bucket, x.storage_class), x.bytes as f64))
        .collect();
    s.push_str(&bar_chart(&bars, &|v| size(v as i64)));
    let rows: Vec<Vec<String>> = latest
        .iter()
        .map(|x| {
            vec![
                x.bucket.clone(),
                x.storage_class.clone(),
                count(x.objects),
                size(x.bytes),
                x.source.clone(),
            ]
        })
        .collect();
    s.push_str(&table(
        &["bucket", "storage class", "objects", "bytes", "source"],
        &rows,
    ));
}

fn age_section(r: &ProcessReport, s: &mut String) {
    let Some(last) = r.ages.iter().map(|a| a.dt.as_str()).max() else {
        return;
    };
    let _ = write!(s, "<h2>Object age on {}</h2>", esc(last));
    let mut by: BTreeMap<i64, (String, i64, i64)> = BTreeMap::new();
    for a in r.ages.iter().filter(|a| a.dt == last) {
        let e = by.entry(a.age_order).or_insert((a.age.clone(), 0, 0));
        e.1 += a.objects;
        e.2 += a.bytes;
    }
    let bars: Vec<(String, f64)> = by
        .values()
        .map(|(n, o, b)| (format!("{n} ({} objects)", count(*o)), *b as f64))
        .collect();
    s.push_str(&bar_chart(&bars, &|v| size(v as i64)));
    let _ = AGE_CLASSES;
}

fn growth_section(r: &ProcessReport, s: &mut String) {
    if r.growth.is_empty() {
        return;
    }
    s.push_str("<h2>Growth (biggest changes)</h2>");
    // Rows where nothing changed say nothing: the table lists changes only.
    let mut g: Vec<&super::process::rollups::GrowthRow> = r
        .growth
        .iter()
        .filter(|x| x.bytes_delta != 0 || x.objects_delta != 0)
        .collect();
    if g.is_empty() {
        s.push_str("<p>No bucket changed in objects or bytes over the window.</p>");
        return;
    }
    g.sort_by_key(|x| std::cmp::Reverse(x.bytes_delta.unsigned_abs()));
    let rows: Vec<Vec<String>> = g
        .iter()
        .take(25)
        .map(|x| {
            vec![
                x.dt.clone(),
                x.bucket.clone(),
                x.storage_class.clone(),
                x.previous_dt.clone(),
                if x.objects_delta > 0 {
                    format!("+{}", count(x.objects_delta))
                } else {
                    count(x.objects_delta)
                },
                if x.bytes_delta > 0 {
                    format!("+{}", size(x.bytes_delta))
                } else {
                    size(x.bytes_delta)
                },
                size(x.bytes),
            ]
        })
        .collect();
    s.push_str(&table(
        &[
            "day",
            "bucket",
            "class",
            "since",
            "Δ objects",
            "Δ bytes",
            "bytes",
        ],
        &rows,
    ));
}

fn usage_section(r: &ProcessReport, s: &mut String) {
    if r.usage.is_empty() {
        return;
    }
    s.push_str("<h2>Requests per day</h2>");
    let mut per_day: BTreeMap<&str, i64> = BTreeMap::new();
    let mut per_key: BTreeMap<(&str, &str, &str), [i64; 4]> = BTreeMap::new();
    for u in &r.usage {
        *per_day.entry(&u.dt).or_default() += u.ops;
        let e = per_key
            .entry((&u.user, &u.bucket, &u.category))
            .or_default();
        e[0] += u.ops;
        e[1] += u.successful_ops;
        e[2] += u.bytes_sent;
        e[3] += u.bytes_received;
    }
    let x: Vec<String> = r.days.clone();
    let ops: Vec<Option<f64>> = x
        .iter()
        .map(|d| {
            let known = r.day_packages.get(d).is_some_and(|n| *n > 0);
            known.then(|| per_day.get(d.as_str()).copied().unwrap_or(0) as f64)
        })
        .collect();
    s.push_str(&line_chart(&x, &[("requests".into(), ops)], &|v| {
        count(v.round() as i64)
    }));
    let mut top: Vec<_> = per_key.into_iter().collect();
    top.sort_by_key(|(_, c)| std::cmp::Reverse(c[0]));
    let rows: Vec<Vec<String>> = top
        .iter()
        .take(25)
        .map(|((u, b, c), v)| {
            vec![
                (*u).to_string(),
                (*b).to_string(),
                (*c).to_string(),
                count(v[0]),
                count(v[1]),
                size(v[2]),
                size(v[3]),
            ]
        })
        .collect();
    s.push_str("<h3>Top users, buckets and categories</h3>");
    s.push_str(&table(
        &[
            "user",
            "bucket",
            "category",
            "ops",
            "successful",
            "sent",
            "received",
        ],
        &rows,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_untrusted_text() {
        assert_eq!(
            esc("<b>&\"x'\u{1b}[31m"),
            "&lt;b&gt;&amp;&quot;x&#39;\\x1b[31m"
        );
    }
}
