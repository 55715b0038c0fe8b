//! `s3scope usage collect|show`: collect request/bandwidth usage for a window; show the summary.

mod report; // what a collection did, as text or JSON
mod show; // `usage show`: the summary as a table, CSV, TSV or JSON

use super::args::{Format, GlobalArgs};
use super::output::write_json;
use super::progress::Reporter;
use super::settings::Flags;
use super::{CliError, resolve_profile};
use clap::{Args, Subcommand};
use s3scope_core::config::{Config, Credentials};
use s3scope_core::instants::WindowRequest;
use s3scope_core::job::Progress;
use s3scope_core::usage::legacy::SeedArgs;
use s3scope_core::usage::{CollectRequest, UsageError, UsageOptions, collect};
use std::io::Write;
use std::sync::Arc;

#[derive(Debug, Subcommand)]
pub enum UsageAction {
    /// Collect usage for a window into results/summarized_data.json (and a backup per run);
    /// with --trim, then delete it from the source.
    Collect(Box<CollectArgs>),
    /// Show the latest summary (or any backup) by user, bucket and category.
    Show(show::ShowArgs),
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// First moment of the window: RFC 3339, YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (UTC), aligned
    /// down to the hour.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// End of the window (excluded), aligned up to the hour; `now` takes in the hour in progress.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Allow --trim on a window that reaches into the hour in progress (requests logged
    /// between reading and trimming are lost).
    #[arg(long)]
    pub trim_current_hour: bool,
    /// The settings of `[profiles.NAME.usage]` as flags (--period, --results-dir, --trim, ...).
    #[command(flatten)]
    pub settings: Flags<UsageOptions>,
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
        UsageOptions::from_flags(self.settings.values()).map_err(usage)
    }
}

pub async fn run(
    action: UsageAction,
    config: &Config,
    global: &GlobalArgs,
) -> Result<(), CliError> {
    match action {
        UsageAction::Collect(a) => run_collect(*a, config, global).await,
        UsageAction::Show(a) => show::run(&a, config, global),
    }
}

/// A usage error is a usage (exit 2) or run-time (exit 1) failure of the CLI.
pub(super) fn usage(e: impl Into<UsageError>) -> CliError {
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
    let clients = super::clients_for(config, &g, &profile).await?;
    let request = CollectRequest {
        trim: settings.trim,
        settings,
        source,
        window,
        trim_current_hour: a.trim_current_hour,
        concurrency: a.concurrency.clamp(1, 256),
    };
    let progress = Arc::new(Progress::default());
    let line = s3scope_core::usage::progress::line;
    let reporter = Reporter::start(&format!("usage {window}"), Arc::clone(&progress), line);
    let ctrl_c = progress.cancel.clone();
    let interrupt = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let result = collect(&clients, &request, &progress).await;
    interrupt.abort();
    reporter.finish().await;
    let report = result.map_err(usage)?;
    let mut out = std::io::stdout().lock();
    if a.format == Format::Json {
        write_json(&report::json(&report), &mut out)?;
    } else {
        report::write(&report, &mut out)?;
    }
    out.flush()?;
    Ok(())
}
