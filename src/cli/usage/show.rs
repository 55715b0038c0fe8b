//! `usage show`: the latest summary (or a backup) grouped, filtered and sorted, as a table,
//! CSV, TSV or JSON.

use super::report::percent;
use super::usage;
use crate::cli::CliError;
use crate::cli::args::{Format, GlobalArgs, Unit};
use crate::cli::output::{Table, write_json};
use clap::Args;
use s3scope_core::config::{Config, PROFILE_ENV};
use s3scope_core::text::escape_control;
use s3scope_core::usage::view::{Grouping, SortKey, bucket_label, rows, sort_rows};
use s3scope_core::usage::{Summary, UsageOptions};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The summary to read (default: summary_file of the profile, results/summarized_data.json).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Directory of the summary, when --file is not given.
    #[arg(long, value_name = "DIR")]
    pub results_dir: Option<PathBuf>,
    /// One row per user, bucket, category, user and bucket, or all three.
    #[arg(long, value_parser = crate::cli::choice::choice::<Grouping>(), default_value_t = Grouping::UserBucketCategory)]
    pub by: Grouping,
    /// Order of the rows (success: lowest rate first).
    #[arg(long, value_parser = crate::cli::choice::choice::<SortKey>(), default_value_t = SortKey::Ops)]
    pub sort: SortKey,
    /// Only rows whose user, bucket or category contains this text (any case).
    #[arg(long)]
    pub filter: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Unit of byte columns in table/csv/tsv output (json is always bytes).
    #[arg(long, value_parser = crate::cli::choice::choice::<Unit>(), default_value_t = Unit::Auto)]
    pub unit: Unit,
}

pub fn run(a: &ShowArgs, config: &Config, global: &GlobalArgs) -> Result<(), CliError> {
    let path = match &a.file {
        Some(f) => f.clone(),
        None => {
            // Reading a file needs the profile's [usage] section only, not its credentials.
            let name = global
                .profile
                .last()
                .cloned()
                .or_else(|| {
                    std::env::var(PROFILE_ENV)
                        .ok()
                        .filter(|v| !v.trim().is_empty())
                })
                .or_else(|| config.file.default_profile.clone())
                .unwrap_or_else(|| "default".into());
            let flags = UsageOptions {
                results_dir: a.results_dir.clone(),
                ..Default::default()
            };
            UsageOptions::from_config(config, &name)
                .map_err(usage)?
                .overlaid_by(flags)
                .resolve()
                .summary_file
        }
    };
    let summary = Summary::read(&path).map_err(usage)?;
    let needle = a.filter.as_deref().unwrap_or("").to_lowercase();
    let mut table_rows: Vec<_> = rows(&summary, a.by)
        .into_iter()
        .filter(|r| r.matches(&needle))
        .collect();
    sort_rows(&mut table_rows, a.sort);
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        let list: Vec<_> = table_rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "user": r.user, "bucket": r.bucket, "category": r.category,
                    "ops": r.counters.ops, "successful_ops": r.counters.successful_ops,
                    "bytes_sent": r.counters.bytes_sent, "bytes_received": r.counters.bytes_received,
                })
            })
            .collect();
        let body = serde_json::json!({
            "source": summary.source, "window": summary.window, "run": summary.run,
            "generated_at": summary.generated_at, "totals": summary.totals, "rows": list,
        });
        write_json(&body, &mut out)?;
        return Ok(());
    }
    let unit = if a.format == Format::Table || a.unit != Unit::Auto {
        a.unit
    } else {
        Unit::B
    };
    let (u, b, c) = match a.by {
        Grouping::User => (true, false, false),
        Grouping::Bucket => (false, true, false),
        Grouping::Category => (false, false, true),
        Grouping::UserBucket => (true, true, false),
        Grouping::UserBucketCategory => (true, true, true),
    };
    let mut headers = Vec::new();
    for (on, name) in [(u, "user"), (b, "bucket"), (c, "category")] {
        if on {
            headers.push(name);
        }
    }
    let first_number = headers.len();
    headers.extend(["ops", "successful", "success", "bytes_in", "bytes_out"]);
    let mut t =
        Table::new(&headers).align_right(&(first_number..headers.len()).collect::<Vec<_>>());
    for r in &table_rows {
        let mut cells: Vec<String> = Vec::new();
        cells.extend(r.user.clone());
        cells.extend(r.bucket.as_deref().map(|x| bucket_label(x).to_string()));
        cells.extend(r.category.clone());
        let k = &r.counters;
        cells.extend([
            k.ops.to_string(),
            k.successful_ops.to_string(),
            percent(k),
            unit.format(k.bytes_received),
            unit.format(k.bytes_sent),
        ]);
        t.push(cells);
    }
    if a.format == Format::Table {
        let k = &summary.totals;
        let mut cells = vec![String::new(); first_number];
        if let Some(first) = cells.first_mut() {
            *first = "TOTAL".into();
        }
        cells.extend([
            k.ops.to_string(),
            k.successful_ops.to_string(),
            percent(k),
            unit.format(k.bytes_received),
            unit.format(k.bytes_sent),
        ]);
        t.push(cells);
        let state = if summary.window.complete {
            ""
        } else {
            ", hour in progress included"
        };
        writeln!(
            out,
            "{}, {} .. {} UTC{state}; collected {} UTC",
            escape_control(&summary.source.to_string()),
            summary.window.since.format("%Y-%m-%d %H:%M"),
            summary.window.until.format("%Y-%m-%d %H:%M"),
            summary.generated_at.format("%Y-%m-%d %H:%M:%S")
        )?;
    }
    t.write(a.format, &mut out)?;
    if a.format == Format::Table
        && let Some(l) = summary
            .access_logs
            .as_ref()
            .filter(|l| l.malformed_lines > 0)
    {
        writeln!(
            out,
            "{} malformed log lines were skipped (examples in {})",
            l.malformed_lines,
            path.display()
        )?;
    }
    out.flush()?;
    Ok(())
}
