//! Plans and apply reports as table, JSON, CSV or TSV on stdout (keys escaped).

use crate::cli::CliError;
use crate::cli::args::Format;
use crate::cli::output::{Table, write_json};
use humansize::{BINARY, format_size};
use s3scope_core::segregate::plan::{Count, MovePlan, PlanEntry, Status};
use s3scope_core::segregate::report::ApplyReport;
use std::io::Write;

/// "move", "error (no_match)", ...
fn status_text(e: &PlanEntry) -> String {
    match (e.status, e.reason) {
        (Status::Error, Some(r)) => format!("error ({})", r.as_str()),
        (s, Some(r)) => format!("{} ({})", s.as_str(), r.as_str()),
        (s, None) => s.as_str().to_string(),
    }
}

fn date_text(e: &PlanEntry) -> String {
    e.date
        .map_or_else(|| "-".into(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

/// Prints a plan. `entries`: list every entry (tables); else only the summary.
pub fn plan(plan: &MovePlan, format: Format, entries: bool) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => write_json(plan, &mut out)?,
        Format::Csv | Format::Tsv => {
            let mut t = Table::new(&[
                "key",
                "size",
                "etag",
                "storage_class",
                "date",
                "target",
                "status",
                "reason",
                "detail",
            ]);
            for e in &plan.entries {
                t.push(vec![
                    e.key.clone(),
                    e.size.to_string(),
                    e.etag.clone().unwrap_or_default(),
                    e.storage_class.clone(),
                    e.date.map(|d| d.to_string()).unwrap_or_default(),
                    e.target.clone(),
                    e.status.as_str().to_string(),
                    e.reason.map(|r| r.as_str().to_string()).unwrap_or_default(),
                    e.detail.clone().unwrap_or_default(),
                ]);
            }
            t.write(format, &mut out)?;
        }
        Format::Table => {
            if entries && !plan.entries.is_empty() {
                let mut t = Table::new(&["key", "date", "target", "status"]);
                for e in &plan.entries {
                    t.push(vec![
                        e.key.clone(),
                        date_text(e),
                        e.target.clone(),
                        status_text(e),
                    ]);
                }
                t.write(format, &mut out)?;
                writeln!(out)?;
            }
            for line in summary_lines(plan) {
                writeln!(out, "{}", s3scope_core::text::escape_control(&line))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn count_text(c: Count) -> String {
    format!("{} ({})", c.objects, format_size(c.bytes, BINARY))
}

/// Counts per status and per target day.
pub fn summary_lines(plan: &MovePlan) -> Vec<String> {
    let s = &plan.summary;
    let r = &plan.rule;
    let mut lines = vec![format!(
        "plan {} for s3://{}/{} -> {} (errors -> {}): {} keys listed in {} LIST calls{}",
        plan.id,
        plan.bucket,
        r.source_prefix,
        r.target,
        r.error_prefix,
        plan.listing.keys_listed,
        plan.listing.list_calls,
        if plan.listing.complete {
            ""
        } else {
            " (stopped by max_pages)"
        }
    )];
    lines.push(format!("  move:          {}", count_text(s.moves)));
    lines.push(format!(
        "  error:         {}  no_match {}, unparseable {}",
        count_text(s.error),
        s.no_match,
        s.unparseable
    ));
    lines.push(format!("  conflict:      {}", count_text(s.conflict)));
    lines.push(format!("  already_there: {}", count_text(s.already_there)));
    // Keys left where they are: files still arriving, excluded, below a non-recursive source.
    for (name, c) in [
        ("too_new", s.too_new),
        ("excluded", s.excluded),
        ("not_recursive", s.not_recursive),
    ] {
        if c.objects > 0 {
            lines.push(format!(
                "  {:<14} {}  (stay in place)",
                format!("{name}:"),
                count_text(c)
            ));
        }
    }
    let k = &plan.listing.skipped;
    if k.under_target + k.under_error_prefix + k.folder_markers > 0 {
        lines.push(format!(
            "  skipped:       {} under the target, {} under the error prefix, {} folder markers",
            k.under_target, k.under_error_prefix, k.folder_markers
        ));
    }
    if !s.days.is_empty() {
        lines.push("  per target day:".into());
        for (day, c) in &s.days {
            lines.push(format!("    {day}  {}", count_text(*c)));
        }
    }
    lines
}

/// Prints the final report of an apply.
pub fn report(report: &ApplyReport, format: Format) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => write_json(report, &mut out)?,
        Format::Csv | Format::Tsv => {
            let mut t = Table::new(&["outcome", "objects", "bytes"]);
            for (name, c) in [
                ("moved", report.moved),
                ("moved_to_errors", report.moved_to_errors),
                ("already_there", report.already_there),
                ("conflict", report.conflicts),
                ("changed", report.changed),
                ("failed", report.failed),
                ("not_started", report.not_started),
                ("done_before", report.done_before),
            ] {
                t.push(vec![
                    name.into(),
                    c.objects.to_string(),
                    c.bytes.to_string(),
                ]);
            }
            t.write(format, &mut out)?;
        }
        Format::Table => {
            for line in report.lines() {
                writeln!(out, "{}", s3scope_core::text::escape_control(&line))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}
