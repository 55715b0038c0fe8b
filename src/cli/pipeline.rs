//! `s3scope extract` and `s3scope process`: usage history packages and their Parquet rollups.

use super::args::{Format, GlobalArgs};
use super::output::{Table, write_json};
use super::progress::Reporter;
use super::{CliError, connect};
use clap::Args;
use s3scope_core::config::Config;
use s3scope_core::instants::{Period, WindowRequest};
use s3scope_core::job::{Progress, Snapshot};
use s3scope_core::pipeline::PipelineError;
use s3scope_core::pipeline::extract::{ExtractRequest, SourceName, extract, stages};
use s3scope_core::pipeline::process::{self, ProcessRequest};
use s3scope_core::pipeline::report::ReportFormat;
use s3scope_core::pipeline::storage::Storage;
use std::io::Write;
use std::sync::Arc;

/// Where `extract --sources listing` takes its rows from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListingFrom {
    Listing,
    Inventory,
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// First moment of the window: RFC 3339, YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (UTC), aligned
    /// down to the hour (default: one day before --until).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// First moment after the window, aligned up to the hour (default: now). The package goes
    /// to the day partition of the window's last day.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Window length instead of --since (1h, 24h, 7d).
    #[arg(long)]
    pub period: Option<String>,
    /// Sources to collect, comma-separated.
    #[arg(long, value_parser = crate::cli::choice::choice::<SourceName>(), value_delimiter = ',', default_values_t = [SourceName::Listing, SourceName::BucketStats])]
    pub sources: Vec<SourceName>,
    /// Only buckets whose name matches this glob (e.g. 'logs-*').
    #[arg(long, value_name = "GLOB")]
    pub buckets: Option<String>,
    /// Listings: every version and delete marker (ListObjectVersions) with version fields.
    #[arg(long)]
    pub versions: bool,
    /// Where listings come from: LIST calls, or each bucket's S3 Inventory report (found
    /// through its inventory configuration; rows as of the report).
    #[arg(long, value_enum, default_value_t = ListingFrom::Listing)]
    pub from: ListingFrom,
    /// Usage from S3 server access logs in this bucket (default: log_bucket in
    /// [profiles.NAME.usage]; without one, the RGW admin API when the profile enables it).
    #[arg(long, value_name = "BUCKET")]
    pub log_bucket: Option<String>,
    /// Access logs: the prefix of the log objects.
    #[arg(long, value_name = "PREFIX")]
    pub log_prefix: Option<String>,
    /// Where packages go: a directory or s3://BUCKET/PREFIX.
    #[arg(long, env = "S3SCOPE_DATA_DIR", value_name = "PATH|s3://...")]
    pub data_dir: String,
    /// Parallel LIST requests per bucket.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Format of the summary on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ProcessArgs {
    /// First day of the window (RFC 3339, YYYY-MM-DD or 'YYYY-MM-DD HH:MM', UTC).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// First moment after the window (default: now).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Window length instead of --since (default 7d).
    #[arg(long)]
    pub period: Option<String>,
    /// Where the packages are: a directory or s3://BUCKET/PREFIX.
    #[arg(long, env = "S3SCOPE_DATA_DIR", value_name = "PATH|s3://...")]
    pub data_dir: String,
    /// Where rollups, summaries and the report go: a directory or s3://BUCKET/PREFIX.
    #[arg(long, value_name = "PATH|s3://...")]
    pub output: String,
    /// Prefix levels of the per-prefix rollup.
    #[arg(long, default_value_t = 1)]
    pub prefix_depth: usize,
    /// Reports to write in the window's reports/ directory (comma-separated or repeated).
    #[arg(long, value_parser = crate::cli::choice::choice::<ReportFormat>(), value_delimiter = ',', default_values_t = [ReportFormat::Html])]
    pub report: Vec<ReportFormat>,
    /// Format of the summary on stdout.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn window(
    since: &Option<String>,
    until: &Option<String>,
    period: &Option<String>,
    default: Period,
) -> Result<s3scope_core::instants::Window, CliError> {
    let period = period
        .as_deref()
        .map(|p| Period::parse("--period", p))
        .transpose()
        .map_err(|e| CliError::Usage(e.to_string()))?;
    let until = match (until, period) {
        (None, None) => Some("now".to_string()),
        (u, _) => u.clone(),
    };
    WindowRequest {
        since: since.clone(),
        until,
        period,
    }
    .resolve(default, chrono::Utc::now())
    .map_err(|e| CliError::Usage(e.to_string()))
}

/// A read-only profile never writes to S3 (local directories are fine).
fn refuse_read_only(
    clients: &s3scope_core::s3::client::Clients,
    place: &str,
    flag: &str,
) -> Result<(), CliError> {
    if clients.profile().read_only && place.starts_with("s3://") {
        return Err(CliError::Usage(format!(
            "profile `{}` is read-only: {flag} {place} would write to S3; use a local directory \
             or a profile that may write",
            clients.profile().name
        )));
    }
    Ok(())
}

fn pipeline_err(e: PipelineError) -> CliError {
    if e.is_usage() {
        CliError::Usage(e.to_string())
    } else {
        CliError::Runtime(e.to_string())
    }
}

/// Runs `work` with a progress line on stderr and Ctrl-C wired to the job's cancel token.
async fn with_progress<T>(
    label: &str,
    progress: Arc<Progress>,
    work: impl Future<Output = Result<T, PipelineError>>,
) -> Result<T, CliError> {
    let reporter = Reporter::start(label, Arc::clone(&progress), Snapshot::line);
    let cancel = progress.cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            cancel.cancel();
        }
    });
    let result = work.await;
    interrupt.abort();
    reporter.finish().await;
    result.map_err(pipeline_err)
}

pub async fn run_extract(a: ExtractArgs, config: &Config, g: &GlobalArgs) -> Result<(), CliError> {
    let window = window(&a.since, &a.until, &a.period, Period::DAY)?;
    let clients = connect(config, g).await?;
    refuse_read_only(&clients, &a.data_dir, "--data-dir")?;
    let data = Storage::open(&a.data_dir, Some(&clients))
        .await
        .map_err(pipeline_err)?;
    let usage_source = if a.sources.contains(&SourceName::Usage) {
        let flags = s3scope_core::usage::UsageOptions {
            log_bucket: a.log_bucket.clone(),
            log_prefix: a.log_prefix.clone(),
            ..Default::default()
        };
        let settings =
            s3scope_core::usage::UsageOptions::from_config(config, &clients.profile().name)
                .map_err(|e| CliError::Usage(e.to_string()))?
                .overlaid_by(flags)
                .resolve();
        // No usable source is the usage collector's recorded failure, not a refusal.
        settings.source(clients.profile()).ok()
    } else {
        None
    };
    let req = ExtractRequest {
        window,
        sources: a.sources.clone(),
        buckets: a.buckets.clone(),
        versions: a.versions,
        concurrency: a.concurrency.clamp(1, 256),
        usage_source,
        listing_from_inventory: a.from == ListingFrom::Inventory,
    };
    let progress = Arc::new(Progress::new(&stages(&req)));
    let report = with_progress(
        &format!("extract {window}"),
        Arc::clone(&progress),
        extract(&clients, &data, &req, &progress),
    )
    .await?;
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => write_json(&report, &mut out)?,
        f => {
            let mut t = Table::new(&["collector", "success", "rows", "seconds", "error"])
                .align_right(&[2, 3]);
            for c in &report.manifest.collectors {
                t.push(vec![
                    c.name.clone(),
                    c.success.to_string(),
                    c.rows.to_string(),
                    format!("{:.1}", (c.stopped - c.started).as_seconds_f64()),
                    c.error.clone().unwrap_or_default(),
                ]);
            }
            t.write(f, &mut out)?;
            if f == Format::Table {
                writeln!(
                    out,
                    "package: {}  ({} files, {:.1}s)",
                    s3scope_core::text::escape_control(&report.package),
                    report.manifest.files.len(),
                    report.elapsed_secs
                )?;
            }
        }
    }
    out.flush()?;
    let failures = report.failures();
    if !failures.is_empty() {
        let names: Vec<String> = failures.iter().map(|(n, e)| format!("{n}: {e}")).collect();
        return Err(CliError::Runtime(format!(
            "{} source(s) failed ({}); the package at {} holds the others",
            failures.len(),
            names.join("; "),
            report.package
        )));
    }
    Ok(())
}

pub async fn run_process(a: ProcessArgs, config: &Config, g: &GlobalArgs) -> Result<(), CliError> {
    if a.prefix_depth == 0 {
        return Err(CliError::Usage("--prefix-depth must be at least 1".into()));
    }
    let window = window(&a.since, &a.until, &a.period, Period::WEEK)?;
    let remote = a.data_dir.starts_with("s3://") || a.output.starts_with("s3://");
    let clients = if remote {
        Some(connect(config, g).await?)
    } else {
        None
    };
    let data = Storage::open(&a.data_dir, clients.as_ref())
        .await
        .map_err(pipeline_err)?;
    if let Storage::Local(l) = &data {
        let root = l.path_of("");
        if !root.is_dir() {
            return Err(CliError::Usage(format!(
                "--data-dir {} is not a directory: give the data dir that `s3scope extract` wrote",
                root.display()
            )));
        }
    }
    if let Some(c) = &clients {
        refuse_read_only(c, &a.output, "--output")?;
    }
    let out = Storage::open(&a.output, clients.as_ref())
        .await
        .map_err(pipeline_err)?;
    let req = ProcessRequest {
        window,
        prefix_depth: a.prefix_depth,
        reports: dedup(&a.report),
    };
    let progress = Arc::new(Progress::new(&process::STAGES));
    let report = with_progress(
        &format!("process {window}"),
        Arc::clone(&progress),
        process::process(&data, &out, &req, &progress),
    )
    .await?;
    for p in &report.problems {
        eprintln!(
            "s3scope: warning: {} {}: {}",
            s3scope_core::text::escape_control(&p.package),
            s3scope_core::text::escape_control(p.file.as_deref().unwrap_or("")),
            s3scope_core::text::escape_control(&p.problem)
        );
    }
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => write_json(
            &serde_json::json!({
                "since": report.since,
                "until": report.until,
                "days": report.days,
                "packages": report.packages,
                "files_read": report.files_read,
                "rows": report.rows,
                "problems": report.problems,
                "output": report.output,
                "report": report.report,
                "reports": report.reports,
                "elapsed_secs": report.elapsed_secs,
            }),
            &mut out,
        )?,
        f => {
            let mut t = Table::new(&["table", "rows"]).align_right(&[1]);
            for (table, n) in &report.rows {
                t.push(vec![table.clone(), n.to_string()]);
            }
            t.write(f, &mut out)?;
            if f == Format::Table {
                writeln!(
                    out,
                    "{} day(s), {} package(s), {} file(s), {} problem(s), {:.1}s\noutput: {}\nreport: {}",
                    report.days.len(),
                    report.packages,
                    report.files_read,
                    report.problems.len(),
                    report.elapsed_secs,
                    s3scope_core::text::escape_control(&report.output),
                    s3scope_core::text::escape_control(&report.reports.join(" "))
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

/// The requested reports in order, each once.
fn dedup(formats: &[ReportFormat]) -> Vec<ReportFormat> {
    let mut out: Vec<ReportFormat> = Vec::new();
    for f in formats {
        if !out.contains(f) {
            out.push(*f);
        }
    }
    out
}
