//! What `usage collect` did, on stdout: aligned `key: value` lines, or one JSON object.

use s3scope_core::text::escape_control;
use s3scope_core::usage::CollectReport;
use s3scope_core::usage::model::Counters;
use std::io::Write;

pub fn json(r: &CollectReport) -> serde_json::Value {
    let s = &r.summary;
    serde_json::json!({
        "source": s.source,
        "window": s.window,
        "run": s.run,
        "totals": s.totals,
        "users": s.users.len(),
        "buckets": s.buckets.len(),
        "records": s.records.len(),
        "rgw_entries": r.rgw_entries,
        "access_logs": s.access_logs,
        "summary_file": r.summary_file,
        "backup_file": r.backup_file,
        "state_file": r.state_file,
        "chunk_files": r.chunk_files,
        "trimmed": r.trimmed.as_ref().map(|t| serde_json::json!({"users": t.users, "log_objects": t.objects})),
        "recovered": r.recovered,
        "seconds": r.elapsed.as_secs_f64(),
    })
}

pub fn write(r: &CollectReport, out: &mut dyn Write) -> std::io::Result<()> {
    let s = &r.summary;
    let size = |b: u64| humansize::format_size(b, humansize::BINARY);
    let mut lines: Vec<(&str, String)> = Vec::new();
    if let Some(text) = &r.recovered {
        lines.push(("recovered", text.clone()));
    }
    lines.push(("source", s.source.to_string()));
    let state = if s.window.complete {
        "complete"
    } else {
        "includes the hour in progress"
    };
    let hours = match s.window.hours {
        1 => "1 hour".to_string(),
        n => format!("{n} hours"),
    };
    lines.push((
        "window",
        format!(
            "{} .. {} UTC ({hours}, {state})",
            s.window.since.format("%Y-%m-%d %H:%M"),
            s.window.until.format("%Y-%m-%d %H:%M")
        ),
    ));
    if let Some(entries) = r.rgw_entries {
        lines.push(("read", plural(entries, "usage entry", "usage entries")));
    }
    if let Some(l) = &s.access_logs {
        lines.push((
            "read",
            format!(
                "{} log objects ({} read before, not counted again), {} lines, {} malformed \
                 lines skipped, {} requests outside the window kept for their own hours",
                l.objects_read,
                l.objects_already_read,
                l.lines,
                l.malformed_lines,
                l.requests_outside_window
            ),
        ));
        for m in l.malformed_examples.iter().take(3) {
            lines.push((
                "skipped",
                format!("{}:{}: {}: {}", m.object, m.line, m.reason, m.text),
            ));
        }
    }
    let c = &s.totals;
    lines.push((
        "totals",
        format!(
            "{} ops, {} successful ({}), {} sent, {} received; {}, {}",
            c.ops,
            c.successful_ops,
            percent(c),
            size(c.bytes_sent),
            size(c.bytes_received),
            plural(s.users.len() as u64, "user", "users"),
            plural(s.buckets.len() as u64, "bucket", "buckets")
        ),
    ));
    lines.push(("summary", r.summary_file.display().to_string()));
    lines.push(("backup", r.backup_file.display().to_string()));
    if r.chunk_files > 0 {
        lines.push(("chunks", format!("{} files", r.chunk_files)));
    }
    let trimmed = match &r.trimmed {
        None => "no (pass --trim to delete what was collected from the source)".to_string(),
        Some(t) if !t.users.is_empty() => format!("usage of {} in the window", t.users.join(", ")),
        Some(t) if t.objects > 0 => format!("{} log objects deleted", t.objects),
        Some(_) => "nothing to trim".to_string(),
    };
    lines.push(("trimmed", trimmed));
    lines.push(("took", format!("{:.1} s", r.elapsed.as_secs_f64())));
    let width = lines.iter().map(|(k, _)| k.len() + 1).max().unwrap_or(0);
    for (k, v) in lines {
        // Names and log lines come from the server: escaped.
        writeln!(out, "{:<width$}  {}", format!("{k}:"), escape_control(&v))?;
    }
    Ok(())
}

/// "1 user", "2 users".
fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "97.5%", or "-" without requests.
pub fn percent(c: &Counters) -> String {
    c.success_rate()
        .map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0))
}
