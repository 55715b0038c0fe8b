//! `s3scope usage collect|show`: collect request/bandwidth usage for a window; show the summary.

use super::args::{Format, GlobalArgs, Unit};
use super::output::{Table, write_json};
use super::progress::Reporter;
use super::{CliError, resolve_profile};
use crate::config::{Config, Credentials, PROFILE_ENV};
use crate::instants::{Period, WindowRequest};
use crate::s3::client::Clients;
use crate::text::escape_control;
use crate::usage::legacy::SeedArgs;
use crate::usage::model::Counters;
use crate::usage::view::{Grouping, SortKey, bucket_label, rows, sort_rows};
use crate::usage::{
    CollectReport, CollectRequest, Progress, SourceKind, Summary, UsageError, UsageOptions, collect,
};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Subcommand)]
pub enum UsageAction {
    /// Collect usage for a window into results/summarized_data.json (and a backup per run);
    /// with --trim, then delete it from the source.
    Collect(CollectArgs),
    /// Show the latest summary (or any backup) by user, bucket and category.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Where usage comes from (default: source in [profiles.NAME.usage], else rgw when the
    /// profile has rgw_admin, else access-logs when log_bucket is set).
    #[arg(long, value_enum)]
    pub source: Option<SourceKind>,
    /// First moment of the window: RFC 3339, YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (UTC), aligned
    /// down to the hour.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// End of the window (excluded), aligned up to the hour; `now` takes in the hour in progress.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Window length: 1h (default), 24h, 7d; alone, it ends at the last full hour.
    #[arg(long)]
    pub period: Option<String>,
    /// Directory of the summary and the state file (default results) [RESULTS_DIR].
    #[arg(long, value_name = "DIR")]
    pub results_dir: Option<PathBuf>,
    /// The summary, replaced on each run (default RESULTS_DIR/summarized_data.json) [USAGE_SUMMARY_FILE].
    #[arg(long, value_name = "FILE")]
    pub summary_file: Option<PathBuf>,
    /// One backup of the summary per run (default backups) [USAGE_BACKUP_DIR].
    #[arg(long, value_name = "DIR")]
    pub backup_dir: Option<PathBuf>,
    /// Raw chunks: each usage response or log object as JSON (default RESULTS_DIR/stats/chunks) [STATS_CHUNKS_DIR].
    #[arg(long, value_name = "DIR")]
    pub chunks_dir: Option<PathBuf>,
    /// Write raw chunks [S3_SAVE_STATS_CHUNKS].
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub save_chunks: Option<bool>,
    /// What was collected and trimmed (default RESULTS_DIR/usage-state.json).
    #[arg(long, value_name = "FILE")]
    pub state_file: Option<PathBuf>,
    /// Delete the collected usage (or the read log objects) once summary and backup are on
    /// disk [S3_REMOVE_STATS_ITEMS].
    #[arg(long, value_name = "BOOL", num_args = 0..=1, default_missing_value = "true")]
    pub trim: Option<bool>,
    /// Allow --trim on a window that reaches into the hour in progress (requests logged
    /// between reading and trimming are lost).
    #[arg(long)]
    pub trim_current_hour: bool,
    /// RGW: only this user's usage.
    #[arg(long)]
    pub uid: Option<String>,
    /// RGW: only this bucket's usage.
    #[arg(long)]
    pub bucket: Option<String>,
    /// Access logs: the bucket they are delivered to.
    #[arg(long, value_name = "BUCKET")]
    pub log_bucket: Option<String>,
    /// Access logs: the prefix of the log objects (default: the whole bucket).
    #[arg(long, value_name = "PREFIX")]
    pub log_prefix: Option<String>,
    /// Access logs: hours a log object may arrive after its requests (default 3).
    #[arg(long, value_name = "HOURS")]
    pub log_lag_hours: Option<u32>,
    /// Days of collected hours the state file keeps (default 62).
    #[arg(long, value_name = "DAYS")]
    pub keep_days: Option<u32>,
    /// RGW: seconds after an hour ends before it is read (default 60).
    #[arg(long, value_name = "SECS")]
    pub settle_secs: Option<u64>,
    /// Log objects downloaded at once.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// Format of the report on stdout (table or json).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The usage collector's KEY=VALUE arguments (PUBLIC_S3_KEY, SECRET_S3_KEY,
    /// S3_SERVERNOHTTPS, S3_USAGE_PERIOD, S3_REMOVE_STATS_ITEMS, S3_SAVE_STATS_CHUNKS,
    /// RESULTS_DIR, USAGE_BACKUP_DIR, STATS_CHUNKS_DIR, USAGE_SUMMARY_FILE); flags win.
    #[arg(value_name = "KEY=VALUE")]
    pub legacy: Vec<String>,
}

impl CollectArgs {
    fn options(&self) -> Result<UsageOptions, CliError> {
        let period = self
            .period
            .as_deref()
            .map(|p| Period::parse("--period", p))
            .transpose()
            .map_err(usage)?;
        Ok(UsageOptions {
            source: self.source,
            period,
            results_dir: self.results_dir.clone(),
            summary_file: self.summary_file.clone(),
            backup_dir: self.backup_dir.clone(),
            chunks_dir: self.chunks_dir.clone(),
            save_chunks: self.save_chunks,
            state_file: self.state_file.clone(),
            trim: self.trim,
            uid: self.uid.clone(),
            bucket: self.bucket.clone(),
            log_bucket: self.log_bucket.clone(),
            log_prefix: self.log_prefix.clone(),
            log_lag_hours: self.log_lag_hours,
            keep_days: self.keep_days,
            settle_secs: self.settle_secs,
        })
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The summary to read (default: summary_file of the profile, results/summarized_data.json).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Directory of the summary, when --file is not given.
    #[arg(long, value_name = "DIR")]
    pub results_dir: Option<PathBuf>,
    /// One row per user, bucket, category, user and bucket, or all three.
    #[arg(long, value_enum, default_value_t = Grouping::UserBucketCategory)]
    pub by: Grouping,
    /// Order of the rows (success: lowest rate first).
    #[arg(long, value_enum, default_value_t = SortKey::Ops)]
    pub sort: SortKey,
    /// Only rows whose user, bucket or category contains this text (any case).
    #[arg(long)]
    pub filter: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Unit of byte columns in table/csv/tsv output (json is always bytes).
    #[arg(long, value_enum, default_value_t = Unit::Auto)]
    pub unit: Unit,
}

pub async fn run(
    action: UsageAction,
    config: &Config,
    global: &GlobalArgs,
) -> Result<(), CliError> {
    match action {
        UsageAction::Collect(a) => run_collect(a, config, global).await,
        UsageAction::Show(a) => show(&a, config, global),
    }
}

/// A usage error is a usage (exit 2) or run-time (exit 1) failure of the CLI.
fn usage(e: impl Into<UsageError>) -> CliError {
    let e = e.into();
    if e.is_usage_error() {
        CliError::Usage(e.to_string())
    } else {
        CliError::Runtime(e.to_string())
    }
}

async fn run_collect(a: CollectArgs, config: &Config, global: &GlobalArgs) -> Result<(), CliError> {
    let seed = SeedArgs::parse(&a.legacy).map_err(usage)?;
    let mut g = global.clone();
    if g.endpoint.is_none() {
        g.endpoint.clone_from(&seed.endpoint);
    }
    let mut profile = resolve_profile(config, &g)?;
    if let Some((access_key_id, secret_access_key)) = seed.keys.clone() {
        profile.credentials = Credentials::Static {
            access_key_id,
            secret_access_key,
            origin: "PUBLIC_S3_KEY and SECRET_S3_KEY".into(),
        };
    }
    let flags = a.options()?;
    let settings = UsageOptions::from_config(config, &profile.name)
        .map_err(usage)?
        .overlaid_by(seed.options)
        .overlaid_by(flags.clone())
        .resolve();
    let source = settings.source(&profile).map_err(usage)?;
    let window = WindowRequest {
        since: a.since.clone(),
        until: a.until.clone(),
        period: flags.period,
    }
    .resolve(settings.period, chrono::Utc::now())
    .map_err(usage)?;
    let clients = Clients::new(&profile).await?;
    let request = CollectRequest {
        trim: settings.trim,
        settings,
        source,
        window,
        trim_current_hour: a.trim_current_hour,
        concurrency: a.concurrency.clamp(1, 256),
    };
    let progress = Arc::new(Progress::default());
    let watch = Arc::clone(&progress);
    let reporter = Reporter::start(&format!("usage {window}"), move || watch.snapshot().line());
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let result = collect(&clients, &request, &progress, &cancel).await;
    interrupt.abort();
    reporter.finish().await;
    let report = result.map_err(usage)?;
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        write_json(&report_json(&report), &mut out)?;
    } else {
        write_report(&report, &mut out)?;
    }
    out.flush()?;
    Ok(())
}

fn report_json(r: &CollectReport) -> serde_json::Value {
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

fn write_report(r: &CollectReport, out: &mut dyn Write) -> std::io::Result<()> {
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
fn percent(c: &Counters) -> String {
    c.success_rate()
        .map_or_else(|| "-".into(), |r| format!("{:.1}%", r * 100.0))
}

fn show(a: &ShowArgs, config: &Config, global: &GlobalArgs) -> Result<(), CliError> {
    let path = match &a.file {
        Some(f) => f.clone(),
        None => {
            // Reading a file needs the profile's [usage] section only, not its credentials.
            let name = global
                .profile
                .clone()
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
