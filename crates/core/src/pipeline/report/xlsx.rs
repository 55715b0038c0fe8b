//! The report as an XLSX workbook: one sheet per rollup, typed cells, for people who live in Excel.
//!
//! Each rollup sheet takes its columns from the table's one declaration ([`Table::COLUMNS`],
//! the same as Parquet and CSV) and its cells from the row's serde form: numbers are numbers
//! (bytes with a human-readable number format, the value itself exact), `dt`/`previous_dt`
//! are Excel dates, the rest text (control characters escaped, never a formula). Every sheet
//! has a frozen header row, an autofilter and column widths. The `daily_totals` sheet has one
//! row per day of the window and a column per bucket: a day without a package is an empty
//! cell, not 0 (it is unknown, not empty storage).

use super::super::process::ProcessReport;
use super::super::table::Table;
use crate::pipeline::PipelineError;
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use serde::Serialize;
use std::collections::BTreeMap;

/// Rows per sheet at most (Excel's limit is 1,048,576 with the header); the rest is in Parquet.
const MAX_ROWS: usize = 1_000_000;

/// Exact bytes shown as B, MB or GB (decimal units: Excel number formats scale by 1000).
const BYTES_FORMAT: &str = r#"[>=1000000000]#,##0.0,,," GB";[>=1000000]#,##0.0,," MB";#,##0" B""#;

struct Formats {
    header: Format,
    date: Format,
    bytes: Format,
    int: Format,
}

fn err(e: XlsxError) -> PipelineError {
    PipelineError::Other(format!("cannot write the XLSX report: {e}"))
}

/// The workbook's bytes.
pub fn workbook(r: &ProcessReport) -> Result<Vec<u8>, PipelineError> {
    let f = Formats {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        bytes: Format::new().set_num_format(BYTES_FORMAT),
        int: Format::new().set_num_format("#,##0"),
    };
    let mut wb = Workbook::new();
    daily_totals(wb.add_worksheet(), r, &f).map_err(err)?;
    rollup_sheet(wb.add_worksheet(), &r.storage, &f)?;
    rollup_sheet(wb.add_worksheet(), &r.growth, &f)?;
    rollup_sheet(wb.add_worksheet(), &r.prefixes, &f)?;
    rollup_sheet(wb.add_worksheet(), &r.ages, &f)?;
    rollup_sheet(wb.add_worksheet(), &r.usage, &f)?;
    wb.save_to_buffer().map_err(err)
}

fn is_date_column(c: &str) -> bool {
    c == "dt" || c.ends_with("_dt")
}

fn is_bytes_column(c: &str) -> bool {
    c.contains("bytes") && !c.ends_with("_delta")
}

fn header(ws: &mut Worksheet, cols: &[String], f: &Formats) -> Result<(), XlsxError> {
    for (i, c) in cols.iter().enumerate() {
        ws.write_string_with_format(0, col(i), c.as_str(), &f.header)?;
        let width = if is_date_column(c) {
            12.0
        } else {
            (c.chars().count() as f64 + 2.0).max(12.0)
        };
        ws.set_column_width(col(i), width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn date_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// One rollup table as a sheet named after it.
fn rollup_sheet<R: Table + Serialize>(
    ws: &mut Worksheet,
    rows: &[R],
    f: &Formats,
) -> Result<(), PipelineError> {
    ws.set_name(R::NAME).map_err(err)?;
    let cols: Vec<String> = R::COLUMNS.iter().map(|c| c.to_string()).collect();
    header(ws, &cols, f).map_err(err)?;
    let mut widths: Vec<usize> = vec![0; cols.len()];
    for (n, r) in rows.iter().take(MAX_ROWS).enumerate() {
        let value = serde_json::to_value(r)
            .map_err(|e| PipelineError::Other(format!("cannot encode a row: {e}")))?;
        let serde_json::Value::Object(map) = value else {
            continue;
        };
        for (i, c) in cols.iter().enumerate() {
            let (y, x) = (row(n + 1), col(i));
            match map.get(c.as_str()) {
                Some(serde_json::Value::Number(v)) => {
                    let fmt = if is_bytes_column(c) { &f.bytes } else { &f.int };
                    ws.write_number_with_format(y, x, v.as_f64().unwrap_or(0.0), fmt)
                        .map_err(err)?;
                }
                Some(serde_json::Value::String(s)) => match date_of(s) {
                    Some(d) if is_date_column(c) => {
                        ws.write_date_with_format(y, x, d, &f.date).map_err(err)?;
                    }
                    _ => {
                        let s = crate::text::escape_control(s);
                        widths[i] = widths[i].max(s.chars().count());
                        ws.write_string(y, x, s.as_ref()).map_err(err)?;
                    }
                },
                Some(serde_json::Value::Bool(b)) => {
                    ws.write_boolean(y, x, *b).map_err(err)?;
                }
                _ => {}
            }
        }
    }
    for (i, w) in widths.iter().enumerate() {
        let header_width = (cols[i].chars().count() as f64 + 2.0).max(12.0);
        let width = (*w as f64 + 2.0).min(60.0).max(header_width);
        ws.set_column_width(col(i), width).map_err(err)?;
    }
    let last = row(rows.len().min(MAX_ROWS));
    ws.autofilter(0, 0, last, col(cols.len().saturating_sub(1)))
        .map_err(err)?;
    Ok(())
}

/// Bytes per day (rows) and bucket (columns), with a total; days without a package are empty.
fn daily_totals(ws: &mut Worksheet, r: &ProcessReport, f: &Formats) -> Result<(), XlsxError> {
    ws.set_name("daily_totals")?;
    let mut per: BTreeMap<&str, BTreeMap<&str, i64>> = BTreeMap::new();
    for s in &r.storage {
        *per.entry(&s.bucket).or_default().entry(&s.dt).or_default() += s.bytes;
    }
    let mut cols = vec!["dt".to_string(), "packages".into(), "all buckets".into()];
    cols.extend(
        per.keys()
            .map(|b| crate::text::escape_control(b).into_owned()),
    );
    header(ws, &cols, f)?;
    for (n, day) in r.days.iter().enumerate() {
        let y = row(n + 1);
        if let Some(d) = date_of(day) {
            ws.write_date_with_format(y, 0, d, &f.date)?;
        }
        let packages = r.day_packages.get(day).copied().unwrap_or(0);
        ws.write_number_with_format(y, 1, packages as f64, &f.int)?;
        if packages == 0 {
            continue; // unknown, not zero: the cells stay empty
        }
        let mut total = 0_i64;
        for (i, days) in per.values().enumerate() {
            let b = days.get(day.as_str()).copied().unwrap_or(0);
            total += b;
            ws.write_number_with_format(y, col(i + 3), b as f64, &f.bytes)?;
        }
        ws.write_number_with_format(y, 2, total as f64, &f.bytes)?;
    }
    ws.autofilter(0, 0, row(r.days.len()), col(cols.len() - 1))?;
    Ok(())
}
