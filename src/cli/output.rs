//! Rendering rows for headless output: aligned table, CSV, TSV, JSON; untrusted text escaped.

use super::args::Format;
use s3scope_core::text::escape_control;
use serde::Serialize;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// Rows of text with a header; numbers already formatted.
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns aligned right (numbers).
    pub right: Vec<bool>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            right: vec![false; headers.len()],
        }
    }

    pub fn align_right(mut self, cols: &[usize]) -> Self {
        for &c in cols {
            if let Some(r) = self.right.get_mut(c) {
                *r = true;
            }
        }
        self
    }

    pub fn push(&mut self, row: Vec<String>) {
        self.rows.push(row);
    }

    /// Writes the table in a text format (not JSON). Control characters are always escaped:
    /// output may be a terminal, and CSV/TSV readers gain nothing from raw escapes.
    pub fn write(&self, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
        let escaped: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(|c| escape_control(c).into_owned()).collect())
            .collect();
        match format {
            Format::Csv | Format::Tsv => {
                let mut w = csv::WriterBuilder::new()
                    .delimiter(if format == Format::Csv { b',' } else { b'\t' })
                    .quote_style(if format == Format::Csv {
                        csv::QuoteStyle::Necessary
                    } else {
                        csv::QuoteStyle::Never
                    })
                    .from_writer(out);
                w.write_record(&self.headers)?;
                for r in &escaped {
                    w.write_record(r)?;
                }
                w.flush()
            }
            Format::Table | Format::Json => {
                let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
                for r in &escaped {
                    for (i, c) in r.iter().enumerate() {
                        if let Some(w) = widths.get_mut(i) {
                            *w = (*w).max(c.width());
                        }
                    }
                }
                let line = |cells: &[String], out: &mut dyn Write| -> std::io::Result<()> {
                    let mut s = String::new();
                    for (i, c) in cells.iter().enumerate() {
                        let pad = widths
                            .get(i)
                            .copied()
                            .unwrap_or(0)
                            .saturating_sub(c.width());
                        if i > 0 {
                            s.push_str("  ");
                        }
                        if self.right.get(i).copied().unwrap_or(false) {
                            s.push_str(&" ".repeat(pad));
                            s.push_str(c);
                        } else {
                            s.push_str(c);
                            if i + 1 < cells.len() {
                                s.push_str(&" ".repeat(pad));
                            }
                        }
                    }
                    writeln!(out, "{}", s.trim_end())
                };
                line(&self.headers, out)?;
                for r in &escaped {
                    line(r, out)?;
                }
                Ok(())
            }
        }
    }
}

/// Pretty JSON with a trailing newline. serde_json escapes control characters itself.
pub fn write_json<T: Serialize>(value: &T, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_and_escapes() {
        let mut t = Table::new(&["name", "n"]).align_right(&[1]);
        t.push(vec!["a\x1b[2Jb".into(), "5".into()]);
        t.push(vec!["long-name".into(), "123".into()]);
        let mut out = Vec::new();
        t.write(Format::Table, &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "name         n\na\\x1b[2Jb    5\nlong-name  123\n");
        let mut out = Vec::new();
        t.write(Format::Csv, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "name,n\na\\x1b[2Jb,5\nlong-name,123\n"
        );
    }
}
