//! Headless front end: parses arguments, loads the profile, runs one command, maps errors to exit codes.

mod analyser;
pub mod args;
pub mod choice;
mod cleanup;
mod commands;
mod completions;
mod config_report;
mod demo;
pub mod demo_inventory;
mod du;
mod du_diff;
mod du_inventory;
mod lifecycle;
pub mod output;
mod pipeline;
mod progress;
mod rm;
mod segregate;
pub mod serve;
pub mod settings; // clap flags generated from the core's setting tables
mod usage;

use args::{Cli, Command, GlobalArgs};
use clap::Parser;
use s3scope_core::config::{Config, ConfigError, Overrides, Profile, S3Settings};
use s3scope_core::s3::client::{ClientError, Clients};
use s3scope_core::s3::error::S3Error;
use std::process::ExitCode;
use thiserror::Error;

/// Why a command failed. Usage and configuration errors exit with 2, run-time failures with 1.
#[derive(Debug, Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    S3(#[from] S3Error),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error("{0}")]
    Runtime(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Config(_) | Self::Usage(_) | Self::Client(_) => 2,
            Self::S3(_) | Self::Runtime(_) => 1,
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        Self::Runtime(e.to_string())
    }
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    main_from(std::env::args_os())
}

/// The binary with these arguments (the first is the program name): for tests that run the
/// CLI in a process of their own, with hooks they installed in the core.
pub fn main_from<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::parse_from(args);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // A closed pipe (`s3scope buckets | head`) is not an error worth a message.
            if let CliError::Runtime(m) = &e
                && m.contains("Broken pipe")
            {
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "s3scope: error: {}",
                s3scope_core::text::escape_control(&e.to_string())
            );
            ExitCode::from(e.exit_code())
        }
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    // Generated from the grammar alone: they work whatever the config file says.
    match &cli.command {
        Some(Command::Completions(a)) => return completions::completions(a),
        Some(Command::Man) => return completions::man(),
        _ => {}
    }
    let config = Config::load(cli.global.config.as_deref())?;
    if let (Some(e), Some(path)) = (config.exposure(), &config.path) {
        eprintln!(
            "s3scope: warning: {}",
            s3scope_core::text::escape_control(&e.warning(path))
        );
    }
    let seed_log = match &cli.command {
        Some(Command::Segregate(a)) => segregate::seed_log_file(a),
        _ => None,
    };
    s3scope_core::logging::init(
        cli.global
            .log_file
            .as_deref()
            .or(seed_log.as_deref())
            .or(config.file.log.file.as_deref()),
        config.file.log.level.as_deref(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Runtime(format!("cannot start the async runtime: {e}")))?;
    let command = cli.command.unwrap_or(Command::Tui);
    runtime.block_on(dispatch(command, &cli.global, config))
}

async fn dispatch(command: Command, global: &GlobalArgs, config: Config) -> Result<(), CliError> {
    match command {
        Command::Demo(a) => demo::run(a, config).await,
        Command::PrintPolicy(a) => commands::print_policy(&a),
        Command::Completions(a) => completions::completions(&a),
        Command::Man => completions::man(),
        Command::Config { action } => {
            let args::ConfigAction::Check { format } = action;
            let (profile, settings) = resolve_connection(&config, global)?;
            commands::config_check(&config, &profile, &settings, format)
        }
        Command::Buckets(a) => {
            let clients = connect(&config, global).await?;
            let prices = prices(&config, &clients)?;
            let conc = a.conc.map_or(config.scan_concurrency(), usize::from);
            commands::buckets(&clients, &a, conc, prices.as_ref()).await
        }
        Command::Du(a) if a.diff.is_some() => du_diff::run(&a),
        Command::Du(a) => {
            let clients = connect(&config, global).await?;
            let prices = prices(&config, &clients)?;
            du::run(&clients, &a, config.scan_concurrency(), prices.as_ref()).await
        }
        Command::Head(a) => {
            let clients = connect(&config, global).await?;
            commands::head(&clients, &a).await
        }
        Command::Segregate(a) => {
            let clients = connect(&config, global).await?;
            segregate::run(&clients, &config, global, a).await
        }
        Command::Rm(a) => rm::run(&connect(&config, global).await?, a).await,
        Command::Cleanup(a) => {
            let clients = connect(&config, global).await?;
            let prices = prices(&config, &clients)?;
            cleanup::run(&clients, a, prices.as_ref()).await
        }
        Command::PrintLifecycle(a) => lifecycle::run(&a),
        Command::Usage { action } => usage::run(action, &config, global).await,
        Command::Extract(a) => pipeline::run_extract(*a, &config, global).await,
        Command::Process(a) => pipeline::run_process(*a, &config, global).await,
        Command::Serve(a) => {
            let profile = resolve_profile(&config, global)?;
            let profile_usage = match config.file.profiles.get(&profile.name) {
                Some(p) if p.usage.is_some() => Some(
                    s3scope_core::usage::UsageOptions::from_config(&config, &profile.name)
                        .map_err(|e| CliError::Usage(e.to_string()))?
                        .resolve()
                        .summary_file,
                ),
                _ => None,
            };
            let settings = serve::settings(&a, &config.file.serve, profile_usage)?;
            let clients = connect(&config, global).await?;
            serve::run(clients, settings, config.scan_concurrency()).await
        }
        Command::Tui => {
            let clients = connect(&config, global).await?;
            demo::open_tui(clients, config, None).await
        }
    }
}

fn overrides(g: &GlobalArgs) -> Overrides {
    Overrides {
        profile: g.profile.clone(),
        endpoint: g.endpoint.clone(),
        region: g.region.clone(),
        path_style: g.path_style,
        read_only: g.read_only,
        s3: g.retry.values().clone(),
    }
}

/// The prices of the connected profile (`[prices]`, `[profiles.NAME.prices]`); None: no cost.
pub fn prices(
    config: &Config,
    clients: &Clients,
) -> Result<Option<s3scope_core::prices::Prices>, CliError> {
    let p = clients.profile();
    s3scope_core::prices::Prices::for_profile(&config.file, &p.name, p.endpoint.is_some())
        .map_err(|e| CliError::Config(ConfigError::Setting(e)))
}

/// The profile selected by flags, env and file.
pub fn resolve_profile(config: &Config, g: &GlobalArgs) -> Result<Profile, CliError> {
    Ok(config.profile(&overrides(g))?)
}

/// The profile and its retry/timeout settings, selected by flags, env and file.
pub fn resolve_connection(
    config: &Config,
    g: &GlobalArgs,
) -> Result<(Profile, S3Settings), CliError> {
    Ok(config.connection(&overrides(g))?)
}

/// The clients of a profile resolved elsewhere (e.g. with keys replaced), with the retry and
/// timeout settings of flags, env and file.
pub async fn clients_for(
    config: &Config,
    g: &GlobalArgs,
    profile: &Profile,
) -> Result<Clients, CliError> {
    let (_, settings) = resolve_connection(config, g)?;
    Ok(Clients::with_settings(profile, settings).await?)
}

async fn connect(config: &Config, g: &GlobalArgs) -> Result<Clients, CliError> {
    let (profile, settings) = resolve_connection(config, g)?;
    Ok(Clients::with_settings(&profile, settings).await?)
}
