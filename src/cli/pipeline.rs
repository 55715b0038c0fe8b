//! `s3scope extract` and `s3scope process`: usage history packages and their Parquet rollups.
//!
//! Both run over one profile, or over several (sites: `--profile a --profile b`, or
//! `[pipeline] profiles`), each under its own `site=<profile>/` partition.

mod extract; // run_extract: one site, or each site in turn
mod process; // run_process: one data dir, or each site's partition and the combined summary

pub use extract::run_extract;
pub use process::run_process;

use super::CliError;
use super::args::{Format, GlobalArgs};
use super::progress::Reporter;
use super::settings::Flags;
use clap::Args;
use s3scope_core::config::{Config, PROFILE_ENV};
use s3scope_core::instants::{Period, WindowRequest};
use s3scope_core::job::{Progress, Snapshot};
use s3scope_core::pipeline::PipelineError;
use s3scope_core::pipeline::extract::SourceName;
use s3scope_core::pipeline::report::ReportFormat;
use s3scope_core::pipeline::settings::{PipelineLayer, PipelineSettings, check_site};
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
    /// --data-dir ($S3SCOPE_DATA_DIR, [pipeline] data_dir): where packages go.
    #[command(flatten)]
    pub pipeline: Flags<PipelineLayer>,
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
    /// --data-dir ($S3SCOPE_DATA_DIR, [pipeline] data_dir): where the packages are.
    #[command(flatten)]
    pub pipeline: Flags<PipelineLayer>,
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
) -> Result<T, PipelineError> {
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
    result
}

/// `[pipeline]` under `--data-dir` and `$S3SCOPE_DATA_DIR`, and the data dir it names.
fn settings(
    flags: &Flags<PipelineLayer>,
    config: &Config,
) -> Result<(PipelineSettings, String), CliError> {
    let s = PipelineSettings::resolve(flags.values(), &config.file.pipeline)
        .map_err(CliError::Usage)?;
    let dir = s.data_dir.clone().ok_or_else(|| {
        CliError::Usage(
            "no data dir: pass --data-dir PATH|s3://BUCKET/PREFIX, set $S3SCOPE_DATA_DIR or \
             data_dir in [pipeline]"
                .into(),
        )
    })?;
    Ok((s, dir))
}

/// The profiles a run covers, as named: `--profile` (each given), else `$S3SCOPE_PROFILE`
/// (one), else `[pipeline] profiles`. None: the profile the config selects by default.
fn named_sites(g: &GlobalArgs, s: &PipelineSettings) -> Option<Vec<String>> {
    if !g.profile.is_empty() {
        let mut names: Vec<String> = Vec::new();
        for p in &g.profile {
            if !names.contains(p) {
                names.push(p.clone());
            }
        }
        return Some(names);
    }
    if let Some(p) = std::env::var(PROFILE_ENV)
        .ok()
        .filter(|p| !p.trim().is_empty())
    {
        return Some(vec![p]);
    }
    s.profiles.clone()
}

/// The global flags of one site: its profile alone. Several sites with one `--endpoint`
/// would all reach the same store: refused.
fn site_args(g: &GlobalArgs, name: Option<&str>, several: bool) -> Result<GlobalArgs, CliError> {
    if several && g.endpoint.is_some() {
        return Err(CliError::Usage(
            "--endpoint with several profiles would send every site to one endpoint: give each \
             profile its own endpoint in the config file"
                .into(),
        ));
    }
    let mut one = g.clone();
    one.profile = name.map(str::to_string).into_iter().collect();
    Ok(one)
}

/// Every site name must make a `site=<name>` partition.
fn check_sites(names: &[String]) -> Result<(), CliError> {
    for n in names {
        check_site(n).map_err(CliError::Usage)?;
    }
    Ok(())
}

/// One line on stderr about packages a site layout does not read.
fn warn_unpartitioned(n: usize, data: &str) {
    if n > 0 {
        eprintln!(
            "s3scope: warning: {n} package(s) directly under {} are in no site= partition and are \
             not read with several sites: move them under site=<profile>/ (mv DIR/dt=* DIR/site=<profile>/)",
            s3scope_core::text::escape_control(data)
        );
    }
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
