//! The parts both pages share: the head with its one style sheet, tables (figures right-aligned,
//! scrolling inside their box on a narrow window) and whole numbers grouped by thousands.

use super::esc;
use std::fmt::Write;

/// Whole numbers grouped by thousands (`1,234,567`), as in the workbook's `#,##0`.
pub(super) fn count(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The head of both pages: the title and the one style sheet (tables scroll sideways inside
/// their box on a narrow window instead of widening the page).
pub(super) fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title><style>\
         body{{font-family:sans-serif;margin:2em;color:#222}}.wide{{overflow-x:auto;max-width:100%;margin:1em 0}}\
         table{{border-collapse:collapse}}\
         td,th{{border:1px solid #ccc;padding:3px 8px;text-align:left;white-space:nowrap}}\
         .n{{text-align:right}}th{{background:#f3f3f3}}.warn{{color:#a00}}\
         </style></head><body><h1>{t}</h1>",
        t = esc(title)
    )
}

/// A figure: a whole number, a size or a signed change (`1,234`, `-3`, `4.5 MiB`), shown
/// right-aligned; days and names are text.
fn is_figure(cell: &str) -> bool {
    let number = cell.split(' ').next().unwrap_or("");
    let number = number.strip_prefix(['+', '-']).unwrap_or(number);
    !number.is_empty()
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && cell
            .split_once(' ')
            .is_none_or(|(_, unit)| unit.ends_with('B') && unit.len() <= 3)
}

pub(super) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| esc(c)).collect())
        .collect();
    table_html(headers, &cells)
}

/// A table of cells that are HTML already (escaped by the caller). A column whose every cell
/// is a figure is right-aligned, header included; the rest read left to right.
pub(super) fn table_html(headers: &[&str], rows: &[Vec<String>]) -> String {
    let figures: Vec<bool> = (0..headers.len())
        .map(|i| {
            !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| r.get(i).is_some_and(|c| c.is_empty() || is_figure(c)))
        })
        .collect();
    let class = |i: usize| {
        if figures.get(i).copied().unwrap_or(false) {
            " class=\"n\""
        } else {
            ""
        }
    };
    let mut s = String::from("<div class=\"wide\"><table><thead><tr>");
    for (i, h) in headers.iter().enumerate() {
        let _ = write!(s, "<th{}>{}</th>", class(i), esc(h));
    }
    s.push_str("</tr></thead><tbody>");
    for r in rows {
        s.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let _ = write!(s, "<td{}>{c}</td>", class(i));
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table></div>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_right_aligned_and_text_is_not() {
        for f in ["0", "1,234", "+12", "-3", "4.5 MiB", "0 B", "-1.2 GiB"] {
            assert!(is_figure(f), "{f}");
        }
        for t in [
            "2026-11-02",
            "demo-cdr",
            "STANDARD",
            "",
            "12 files",
            "site=a/report.html",
        ] {
            assert!(!is_figure(t), "{t}");
        }
        let t = table(
            &["bucket", "objects", "bytes"],
            &[vec!["a".into(), "1,000".into(), "3 MiB".into()]],
        );
        assert!(
            t.contains("<th>bucket</th><th class=\"n\">objects</th><th class=\"n\">bytes</th>"),
            "{t}"
        );
        assert!(t.contains("<td>a</td><td class=\"n\">1,000</td>"), "{t}");
        assert!(
            t.starts_with("<div class=\"wide\">"),
            "tables scroll in their box: {t}"
        );
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        let shown: Vec<String> = [0, 7, 999, 1_000, 1_234_567, -45_000]
            .into_iter()
            .map(count)
            .collect();
        assert_eq!(shown, ["0", "7", "999", "1,000", "1,234,567", "-45,000"]);
    }
}
