//! The report a person opens: one self-contained HTML page with inline SVG charts and tables.
//!
//! HTML rather than XLSX: it opens in any browser straight from a jump host (or an S3
//! console link), needs no spreadsheet program and no extra crate, is plain text (diffable,
//! greppable), and its charts are drawn as SVG by s3scope itself, with no JavaScript at all.
//! Bucket names, keys and users are untrusted: every text goes through [`esc`].

use super::process::ProcessReport;
use super::process::rollups::AGE_CLASSES;
use std::collections::BTreeMap;
use std::fmt::Write;

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

const COLORS: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f",
];

/// A line chart: one polyline per series over the x labels.
fn line_chart(x: &[String], series: &[(String, Vec<f64>)], unit: &dyn Fn(f64) -> String) -> String {
    let (w, h, left, bottom) = (760.0, 260.0, 90.0, 40.0);
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let n = x.len().max(2) as f64 - 1.0;
    let px = |i: usize| left + (w - left - 20.0) * i as f64 / n;
    let py = |v: f64| 10.0 + (h - bottom - 10.0) * (1.0 - v / max);
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {}\" width=\"{w}\" role=\"img\">",
        h + 20.0 * series.len().div_ceil(4) as f64
    );
    for t in 0..=4 {
        let v = max * f64::from(t) / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
            w - 20.0,
            left - 6.0,
            py(v) + 4.0,
            esc(&unit(v)),
            y = py(v)
        );
    }
    let step = (x.len() / 8).max(1);
    for (i, label) in x.iter().enumerate().step_by(step) {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            px(i),
            h - bottom + 16.0,
            esc(label)
        );
    }
    for (k, (name, values)) in series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{:.1},{:.1}", px(i), py(*v)))
            .collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        for p in &points {
            let (cx, cy) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(
                s,
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"3\" fill=\"{color}\"/>"
            );
        }
        let (lx, ly) = (left + 170.0 * (k % 4) as f64, h + 20.0 * (k / 4) as f64);
        let _ = write!(
            s,
            "<rect x=\"{lx}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{}\" y=\"{ly}\" font-size=\"12\">{}</text>",
            ly - 9.0,
            lx + 14.0,
            esc(name)
        );
    }
    s.push_str("</svg>");
    s
}

/// A horizontal bar chart of labelled values.
fn bar_chart(bars: &[(String, f64)], unit: &dyn Fn(f64) -> String) -> String {
    let (w, row) = (760.0, 22.0);
    let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1.0);
    let mut s = format!(
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" role=\"img\">",
        h = row * bars.len() as f64 + 4.0
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = row * i as f64;
        let bw = 400.0 * v / max;
        let _ = write!(
            s,
            "<text x=\"230\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text><rect x=\"240\" y=\"{}\" width=\"{bw:.1}\" height=\"{}\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 15.0,
            esc(&truncate(label, 36)),
            y + 3.0,
            row - 6.0,
            COLORS[0],
            246.0 + bw,
            y + 15.0,
            esc(&unit(*v))
        );
    }
    s.push_str("</svg>");
    s
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut s = String::from("<table><thead><tr>");
    for h in headers {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for c in r {
            let _ = write!(s, "<td>{}</td>", esc(c));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
    s
}

/// The whole page.
pub fn html(r: &ProcessReport) -> String {
    let mut s = String::new();
    let title = format!("s3scope storage report {} .. {}", r.since, r.until);
    let _ = write!(
        s,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         body{{font-family:sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin:1em 0}}\
         td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}td:first-child,th:first-child{{text-align:left}}\
         th{{background:#f3f3f3}}.warn{{color:#a00}}</style></head><body><h1>{}</h1>",
        esc(&title),
        esc(&title)
    );
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
    let mut series: Vec<(String, Vec<f64>)> = top
        .iter()
        .take(7)
        .map(|(b, _)| {
            let d = &per[b];
            (
                (*b).to_string(),
                x.iter()
                    .map(|day| d.get(day.as_str()).copied().unwrap_or(0) as f64)
                    .collect(),
            )
        })
        .collect();
    if per.len() > 1 {
        let total = x
            .iter()
            .map(|day| {
                per.values()
                    .map(|d| d.get(day.as_str()).copied().unwrap_or(0))
                    .sum::<i64>() as f64
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
                x.objects.to_string(),
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
        .map(|(n, o, b)| (format!("{n} ({o} objects)"), *b as f64))
        .collect();
    s.push_str(&bar_chart(&bars, &|v| size(v as i64)));
    let _ = AGE_CLASSES;
}

fn growth_section(r: &ProcessReport, s: &mut String) {
    if r.growth.is_empty() {
        return;
    }
    s.push_str("<h2>Growth (biggest changes)</h2>");
    let mut g: Vec<&super::process::rollups::GrowthRow> = r.growth.iter().collect();
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
                format!("{:+}", x.objects_delta),
                size(x.bytes_delta),
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
    let ops: Vec<f64> = x
        .iter()
        .map(|d| per_day.get(d.as_str()).copied().unwrap_or(0) as f64)
        .collect();
    s.push_str(&line_chart(&x, &[("requests".into(), ops)], &|v| {
        format!("{v:.0}")
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
                v[0].to_string(),
                v[1].to_string(),
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
